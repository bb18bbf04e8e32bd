"""My data: the page, correction requests, and re-consent when the notice changes."""
from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select

from portal.accounts import consent
from portal.accounts.models import Consent
from portal.extensions import db
from portal.privacy import register
from portal.privacy.models import DataRequest
from tests.conftest import Auth


def test_my_data_lists_what_we_hold_by_kind(client, auth, make_user):
    student = auth.as_(make_user())
    consent.grant(student, consent.PROGRAMME, "2025-12")
    db.session.commit()
    page = client.get("/me/data").get_data(as_text=True)
    assert "Sự đồng ý" in page  # the kinds of data, in the reader's language
    assert "Consents" in client.get("/me/data?lang=en").get_data(as_text=True)
    assert 'id="consents"' in page and 'id="correction"' in page


def test_profile_links_to_my_data(client, auth, make_user):
    auth.as_(make_user())
    assert 'href="/me/data"' in client.get("/profile").get_data(as_text=True)


def test_asking_for_a_correction_opens_a_request(client, auth, make_user):
    student = auth.as_(make_user())
    response = client.post("/me/data/correction", data={"details": "Ca ngày 20/12 tôi có mặt đủ 4 giờ, không vắng."})
    assert response.status_code == 303
    request = db.session.scalar(select(DataRequest))
    assert (request.user_id, request.kind, request.channel) == (student.id, "correction", "portal")


def test_an_empty_correction_is_refused_beside_the_field(client, auth, make_user):
    auth.as_(make_user())
    response = client.post("/me/data/correction", data={"details": " "})
    assert response.status_code == 422 and 'id="details-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(DataRequest)) is None


def test_a_new_notice_version_asks_for_consent_again_and_keeps_both(make_app, make_user):
    app = make_app(PRIVACY_NOTICE_VERSION="2026-01")
    with app.app_context():
        student = make_user()
        consent.grant(student, consent.PROGRAMME, "2025-12")
        db.session.commit()
        client = app.test_client()
        Auth(client).as_(student)
        response = client.get("/shifts/mine")
        assert response.status_code == 302 and "/privacy/accept" in response.headers["Location"]
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "91/2025/QH15" in page
        assert client.get("/privacy").status_code == 200  # public pages stay open
        response = client.post("/privacy/accept", data={"next": "/shifts/mine"})
        assert response.status_code == 303 and response.headers["Location"].endswith("/shifts/mine")
        versions = db.session.scalars(select(Consent.notice_version).where(Consent.user_id == student.id)
                                      .order_by(Consent.id)).all()
        assert versions == ["2025-12", "2026-01"]
        assert client.get("/me/data").status_code == 200


def test_staff_without_any_consent_are_not_stopped(make_app, make_user):
    app = make_app(PRIVACY_NOTICE_VERSION="2026-01")
    with app.app_context():
        client = app.test_client()
        Auth(client).as_(make_user(role="trainer"))
        assert client.get("/me/data").status_code == 200


def test_processing_register_page_is_for_organisers(client, auth, make_user):
    auth.as_(make_user(role="admin"))
    page = client.get("/admin/privacy/register").get_data(as_text=True)
    assert "users" in page and "full_name" in page


def test_privacy_page_is_generated_from_the_register(client):
    for lang in ("vi", "en"):
        page = client.get(f"/privacy?lang={lang}").get_data(as_text=True)
        assert "91/2025/QH15" in page
        with force_locale(lang):
            for _key, group, _kinds in register.register_rows():
                assert str(group.purpose).replace("'", "&#39;") in page
