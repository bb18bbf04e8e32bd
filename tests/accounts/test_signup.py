"""Student sign-up: the happy path and every bad input, which must write nothing."""
import re
import unicodedata

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Consent, User
from portal.extensions import db
from portal.mail.models import OutboxMessage

GOOD = {
    "full_name": "Nguyễn Thị Lan",
    "email": "lan.nguyen@example.org",
    "phone": "0912 345 678",
    "school": "Học viện Nông nghiệp và Môi trường",
    "student_code": "HV2025123",
    "chapter": "Đoàn TNCS Hồ Chí Minh Học viện Nông nghiệp và Môi trường",
    "password": "bốn chú mèo nhỏ",
    "consent": "y",
}


def counts():
    """How many users and emails exist."""
    return (
        db.session.scalar(select(func.count()).select_from(User)),
        db.session.scalar(select(func.count()).select_from(OutboxMessage)),
    )


def test_student_signs_up_with_consent_and_gets_a_verification_email(app, client, outbox):
    response = client.post("/signup", data=GOOD)
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.email == "lan.nguyen@example.org"))
    assert user.role_names == {"student"}
    assert user.phone == "0912345678"
    assert not user.is_verified
    consent = db.session.scalar(select(Consent).where(Consent.user_id == user.id))
    assert consent.notice_version == app.config["PRIVACY_NOTICE_VERSION"]
    assert consent.purpose == "volunteer-programme"
    assert consent.accepted_at is not None
    (mail,) = outbox("lan.nguyen@example.org")
    assert mail.kind == "verify-email"
    assert re.search(r"http://portal\.test/account/verify/\S+", mail.body_text)


def test_signup_through_htmx_redirects_on_the_client(client):
    response = client.post("/signup", data=GOOD, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith("/signup/check-email")


def test_signup_errors_come_back_as_the_form_fragment_with_422(client):
    response = client.post("/signup", data={**GOOD, "email": "nope"}, headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" not in body and 'id="signup-form"' in body
    assert "ten@example.com" in body  # the message says what a good address looks like


BAD_INPUTS = [
    ("email", "not-an-email", "email"),
    ("email", "a@b", "email"),
    ("phone", "12345", "phone"),
    ("phone", "0212345678", "phone"),
    ("password", "short", "password"),
    ("password", "1234567890", "password"),
    ("password", "matkhau123", "password"),
    ("password", "lan.nguyen-2025", "password"),
    ("full_name", "<b>Lan</b>", "full_name"),
    ("full_name", "Lan <script>alert(1)</script>", "full_name"),
    ("full_name", "Lan 2000", "full_name"),
    ("full_name", "x" * 121, "full_name"),
    ("school", "x" * 201, "school"),
    ("student_code", "x" * 41, "student_code"),
    ("chapter", "x" * 201, "chapter"),
    ("consent", "", "consent"),
    ("full_name", "", "full_name"),
]


@pytest.mark.parametrize("field,value,error_field", BAD_INPUTS)
def test_bad_signup_input_is_refused_with_a_message_and_writes_nothing(client, field, value, error_field):
    before = counts()
    data = {**GOOD, field: value}
    if field == "consent":
        data.pop("consent")
    response = client.post("/signup", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{error_field}-error"' in body
    assert "error-summary" in body
    assert counts() == before


def test_duplicate_email_is_refused_whatever_its_case(client, make_user):
    make_user(email="lan.nguyen@example.org")
    before = counts()
    response = client.post("/signup", data={**GOOD, "email": "Lan.Nguyen@EXAMPLE.org"})
    assert response.status_code == 422
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert counts() == before


def test_email_is_stored_lower_case(client):
    client.post("/signup", data={**GOOD, "email": "Lan.Nguyen@Example.ORG"})
    assert db.session.scalar(select(User.email)) == "lan.nguyen@example.org"


def test_decomposed_unicode_is_stored_as_nfc(client):
    decomposed = {k: unicodedata.normalize("NFD", v) for k, v in GOOD.items()}
    assert decomposed["full_name"] != GOOD["full_name"]
    assert client.post("/signup", data=decomposed).status_code == 303
    user = db.session.scalar(select(User))
    for field in ("full_name", "school", "chapter"):
        value = getattr(user, field)
        assert value == unicodedata.normalize("NFC", value) == GOOD[field]


def test_form_keeps_what_was_typed_after_an_error(client):
    response = client.post("/signup", data={**GOOD, "phone": "12"})
    body = response.get_data(as_text=True)
    assert 'value="Nguyễn Thị Lan"' in body
    assert 'value="HV2025123"' in body
    assert "bốn chú mèo nhỏ" not in body  # passwords are never echoed back


def test_html_typed_into_a_free_text_field_is_escaped_on_output(client, auth, make_user):
    user = make_user(school="<script>alert('x')</script> ĐH Bách khoa")
    admin = make_user(role="admin")
    auth.as_(admin)
    body = client.get(f"/admin/people/{user.id}").get_data(as_text=True)
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert" in body


def test_every_problem_is_reported_in_one_go(client):
    response = client.post("/signup", data={**GOOD, "full_name": "<b>Lan</b>", "email": "lan@", "phone": "12",
                                            "password": "123", "school": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("full_name", "email", "phone", "password", "school"):
        assert f'id="{field}-error"' in body, field
    assert body.count('<li><a href="#') == 5  # the summary links to each field


# --- minimising what is collected (issue 15) -------------------------------------------------


def test_phone_is_optional_at_sign_up(client):
    response = client.post("/signup", data={**GOOD, "phone": ""})
    assert response.status_code == 303
    assert db.session.scalar(select(User).where(User.email == GOOD["email"])).phone is None


def test_each_field_says_why_it_is_asked(client):
    page = client.get("/signup", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for field in ("full_name", "email", "phone", "school", "student_code", "chapter"):
        assert f'id="{field}-hint"' in page, field


def test_optional_consents_are_unticked_and_granted_only_when_ticked(client):
    page = client.get("/signup").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="consent_referrals"(?![^>]*checked)[^>]*>', page)
    client.post("/signup", data={**GOOD, "consent_news": "y"})
    user = db.session.scalar(select(User).where(User.email == GOOD["email"]))
    purposes = set(db.session.scalars(select(Consent.purpose).where(Consent.user_id == user.id)))
    assert purposes == {"volunteer-programme", "news"}
