"""Hostile or odd input gets a clear answer, never a 500, and changes nothing."""
from datetime import date

from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session

from portal.accounts import services as accounts
from portal.accounts.models import User
from portal.campaigns.models import Campaign
from portal.extensions import db
from tests.accounts.test_signup import GOOD


def users():
    return db.session.scalar(select(func.count()).select_from(User))


def test_nul_characters_are_refused_before_any_query(client):
    assert client.post("/login", data={"email": "a\x00@example.org", "password": "x"}).status_code == 400
    assert client.post("/signup", data={**GOOD, "school": "a\x00b"}).status_code == 400
    assert client.get("/campaigns/points?q=a%00b").status_code in (302, 400)
    assert users() == 0


def test_other_control_characters_are_dropped_from_text(client):
    assert client.post("/signup", data={**GOOD, "school": "Học viện\x07 Nông nghiệp\x1b"}).status_code == 303
    assert db.session.scalar(select(User.school)) == "Học viện Nông nghiệp"


def test_line_breaks_in_next_do_not_reach_the_location_header(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "correct horse battery",
                                            "next": "/\r\nX-Evil: 1"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "X-Evil" not in response.headers
    switched = client.post("/language", data={"lang": "en", "next": "/profile\nSet-Cookie: a=b"})
    assert switched.headers["Location"] == "/"


def test_huge_ids_and_pages_are_not_found_or_clamped(client, auth, make_user):
    auth.as_(make_user(role="admin"))
    assert client.get("/admin/people/99999999999999999999").status_code == 404
    assert client.get("/admin/people/3000000000").status_code == 404
    assert client.get("/admin/outbox/99999999999999999999").status_code == 404
    assert client.get("/admin/people?page=99999999999999999999").status_code == 200
    assert client.get("/admin/people?page=-1").status_code == 200
    assert client.get("/admin/people?page=abc").status_code == 200
    assert client.get("/admin/audit/?actor=99999999999999999999").status_code == 200


def test_absurd_dates_are_a_field_error(client, auth, make_user):
    auth.as_(make_user(role="admin"))
    for value in ("01/01/0001", "31/12/9999"):
        response = client.get(f"/admin/audit/?date_from={value}&date_to={value}")
        assert response.status_code == 200
        assert 'id="date_from-error"' in response.get_data(as_text=True)


def test_pager_ignores_unknown_query_keys(client, auth, make_user):
    auth.as_(make_user(role="admin"))
    for _ in range(30):
        make_user()
    response = client.get("/admin/people?endpoint=x&_method=y&_external=1")
    assert response.status_code == 200
    import re

    (next_link,) = re.findall(r'href="([^"]*page=2[^"]*)"', response.get_data(as_text=True))
    assert "endpoint" not in next_link and "_method" not in next_link


def test_a_concurrent_duplicate_email_gets_the_friendly_message(client, make_user, monkeypatch):
    make_user(email="lan.nguyen@example.org")
    monkeypatch.setattr(accounts, "find_by_email", lambda email: None)  # the pre-check raced and lost
    response = client.post("/signup", data=GOOD)
    assert response.status_code == 422 and 'id="email-error"' in response.get_data(as_text=True)
    assert users() == 1


def test_a_concurrent_duplicate_slug_gets_the_friendly_message(client, auth, make_user):
    """The pre-check finds the address free; another request takes it before our insert reaches the database."""
    auth.as_(make_user(role="admin"))

    def another_request_takes_the_slug(session, flush_context, instances):
        if any(isinstance(new, Campaign) and new.slug == "trung-slug" for new in session.new):
            session.connection().execute(insert(Campaign).values(
                name="Chiến dịch khác", slug="trung-slug", start_date=date(2026, 1, 1), end_date=date(2026, 1, 2)))

    event.listen(Session, "before_flush", another_request_takes_the_slug)
    try:
        response = client.post("/campaigns/new", data={
            "name": "Trùng", "slug": "trung-slug", "start_date": "01/01/2026", "end_date": "02/01/2026",
            "status": "draft", "booking_window_days": "14", "cancel_cutoff_hours": "12", "max_shifts_per_week": "5",
            "max_hours_per_day": "8", "peak_extra_seats": "2"})
    finally:
        event.remove(Session, "before_flush", another_request_takes_the_slug)
    assert response.status_code == 422 and 'id="slug-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Campaign).where(Campaign.name == "Trùng")) == 0


def test_password_reset_ends_other_sessions(client, make_user, make_app, outbox):
    user = make_user()
    other_device = client.application.test_client()
    other_device.post("/login", data={"email": user.email, "password": "correct horse battery", "remember": "y"})
    assert other_device.get("/profile").status_code == 200
    client.post("/login", data={"email": user.email, "password": "correct horse battery"})
    new_password = {"password": "một hai ba bốn năm", "confirm": "một hai ba bốn năm"}
    changed = client.post("/profile/password", data={"current_password": "correct horse battery", **new_password})
    assert changed.status_code == 303
    assert client.get("/profile").status_code == 200        # this session continues
    assert other_device.get("/profile").status_code == 302  # the other one is logged out, remember-me too


def test_signup_confirmation_keeps_the_email_out_of_the_url(client):
    response = client.post("/signup", data=GOOD)
    assert "@" not in response.headers["Location"]
    assert GOOD["email"] in client.get(response.headers["Location"]).get_data(as_text=True)


def test_seed_demo_refuses_to_run_in_production(make_app):
    app = make_app(PORTAL_ENV="production")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "production" in result.output
    with app.app_context():
        assert users() == 0


def test_client_addresses_come_from_the_proxy_only_when_configured(make_app):
    app = make_app(PROXY_COUNT=1, RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="1 per minute")
    with app.app_context():
        client = app.test_client()
        codes = [client.post("/login", data={"email": f"p{i}@example.org", "password": "x"},
                             headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code for i in range(3)]
        assert 429 not in codes  # three visitors behind one proxy are three buckets
