"""Error pages: translated, and an unexpected error leaves nothing half-written."""
from datetime import date

from sqlalchemy import func, select

from portal import access
from portal.campaigns.models import Campaign
from portal.extensions import db


def test_unexpected_error_shows_the_500_page_and_rolls_back(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    @access.public
    def boom():
        db.session.add(Campaign(name="Nửa chừng", slug="nua-chung",
                                start_date=date(2026, 1, 1), end_date=date(2026, 1, 2)))
        db.session.flush()
        raise RuntimeError("something broke half-way")

    with app.app_context():
        response = app.test_client().get("/boom")
        body = response.get_data(as_text=True)
        assert response.status_code == 500
        assert "Xin lỗi" in body and "RuntimeError" not in body
        assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_forbidden_page_explains_what_to_do(client, auth, make_user):
    auth.as_(make_user(role="student"))
    response = client.get("/admin/people")
    assert response.status_code == 403
    assert "Ban tổ chức" in response.get_data(as_text=True)


def test_stale_form_token_gets_a_friendly_page(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        response = app.test_client().post("/login", data={"email": "a@example.org", "password": "x",
                                                          "csrf_token": "stale"})
        assert response.status_code == 400
        assert "Biểu mẫu này đã hết hạn" in response.get_data(as_text=True)
