"""Sign-up -> verify through the outbox -> login -> logout -> reset password, and the links' rules."""
import re

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from tests.accounts.test_signup import GOOD


def link_in(message, path):
    """The path of the link to `path` in an outbox message."""
    match = re.search(r"http://portal\.test(" + re.escape(path) + r"\S+)", message.body_text)
    assert match, message.body_text
    return match.group(1)


def same_page(a: str, b: str) -> bool:
    """Compare two pages, ignoring the per-request CSRF token."""
    strip = lambda s: re.sub(r'("X-CSRFToken": "|name="csrf_token" value=")[^"]+', "", s)  # noqa: E731
    return strip(a) == strip(b)


def test_full_journey_from_signup_to_password_reset(client, outbox):
    assert client.post("/signup", data=GOOD).status_code == 303

    # Cannot log in before confirming the email.
    response = client.post("/login", data={"email": GOOD["email"], "password": GOOD["password"]})
    assert response.status_code == 422
    assert "/account/verify/resend" in response.get_data(as_text=True)

    verify = link_in(outbox(GOOD["email"])[-1], "/account/verify/")
    response = client.get(verify)
    assert response.status_code == 303 and response.headers["Location"] == "/login"

    response = client.post("/login", data={"email": GOOD["email"].upper(), "password": GOOD["password"]})
    assert response.status_code == 303
    assert client.get("/profile").status_code == 200

    assert client.post("/logout").status_code == 303
    assert client.get("/profile").status_code == 302

    assert client.post("/password/forgot", data={"email": GOOD["email"]}).status_code == 200
    reset = link_in(outbox(GOOD["email"])[-1], "/password/reset/")
    new_password = "sáu con vịt bơi"
    response = client.post(reset, data={"password": new_password, "confirm": new_password})
    assert response.status_code == 303

    old = client.post("/login", data={"email": GOOD["email"], "password": GOOD["password"]})
    assert old.status_code == 422
    assert client.post("/login", data={"email": GOOD["email"], "password": new_password}).status_code == 303


def test_reset_link_works_only_once(client, make_user, outbox):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    reset = link_in(outbox(user.email)[-1], "/password/reset/")
    new_password = {"password": "một hai ba bốn năm", "confirm": "một hai ba bốn năm"}
    assert client.post(reset, data=new_password).status_code == 303
    again = client.post(reset, data={"password": "sáu bảy tám chín mười", "confirm": "sáu bảy tám chín mười"})
    assert again.status_code == 400
    assert client.post("/login", data={"email": user.email, "password": "một hai ba bốn năm"}).status_code == 303


def test_expired_reset_link_is_refused_and_changes_nothing(make_app, make_user, outbox):
    app = make_app(PASSWORD_RESET_MAX_AGE=-1)
    with app.app_context():
        user = make_user()
        client = app.test_client()
        client.post("/password/forgot", data={"email": user.email})
        reset = link_in(outbox(user.email)[-1], "/password/reset/")
        before = user.password_hash
        response = client.post(reset, data={"password": "một hai ba bốn năm", "confirm": "một hai ba bốn năm"})
        assert response.status_code == 400
        db.session.refresh(user)
        assert user.password_hash == before


def test_tampered_link_is_refused(client, make_user, outbox):
    user = make_user(verified=False)
    client.post("/account/verify/resend", data={"email": user.email})
    verify = link_in(outbox(user.email)[-1], "/account/verify/")
    assert client.get(verify[:-3] + "abc").status_code == 400
    db.session.refresh(user)
    assert not user.is_verified


def test_weak_new_password_is_refused_and_the_link_still_works(client, make_user, outbox):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    reset = link_in(outbox(user.email)[-1], "/password/reset/")
    weak = client.post(reset, data={"password": "123456789", "confirm": "123456789"})
    assert weak.status_code == 422
    assert 'id="password-error"' in weak.get_data(as_text=True)
    new_password = {"password": "một hai ba bốn năm", "confirm": "một hai ba bốn năm"}
    assert client.post(reset, data=new_password).status_code == 303


def test_forgot_password_says_the_same_for_unknown_addresses(client, make_user, outbox):
    user = make_user()
    known = client.post("/password/forgot", data={"email": user.email}).get_data(as_text=True)
    unknown = client.post("/password/forgot", data={"email": "nobody@example.org"}).get_data(as_text=True)
    assert same_page(known.replace(user.email, "X"), unknown.replace("nobody@example.org", "X"))
    assert outbox("nobody@example.org") == []


def test_wrong_password_and_unknown_email_get_the_same_message(client, make_user):
    user = make_user()
    wrong = client.post("/login", data={"email": user.email, "password": "wrong password!"})
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "wrong password!"})
    assert wrong.status_code == unknown.status_code == 422
    assert same_page(wrong.get_data(as_text=True).replace(user.email, "X"),
                     unknown.get_data(as_text=True).replace("nobody@example.org", "X"))


def test_deactivated_account_cannot_log_in(client, make_user):
    user = make_user(active=False)
    response = client.post("/login", data={"email": user.email, "password": "correct horse battery"})
    assert response.status_code == 422


def test_remember_me_sets_a_long_lived_cookie(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "correct horse battery", "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert remember and "HttpOnly" in remember[0] and "Expires=" in remember[0]


def test_login_follows_next_only_within_the_site(client, make_user):
    user = make_user(role="leader")
    ok = client.post("/login", data={"email": user.email, "password": "correct horse battery", "next": "/profile"})
    assert ok.headers["Location"] == "/profile"
    client.post("/logout")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        bad = client.post("/login", data={"email": user.email, "password": "correct horse battery", "next": evil})
        assert bad.headers["Location"] == "/", evil
        client.post("/logout")


def test_profile_edit_and_password_change(client, auth, make_user):
    user = auth.as_(make_user(phone="0912345678"))
    response = client.post("/profile", data={
        "full_name": "Trần Văn Bình", "phone": "+84 987 654 321", "school": "ĐH Quốc gia",
        "student_code": "QG1", "chapter": "Đoàn trường", "locale": "en",
    })
    assert response.status_code == 303
    db.session.refresh(user)
    assert (user.full_name, user.phone, user.locale) == ("Trần Văn Bình", "0987654321", "en")

    new_password = {"password": "một hai ba bốn năm", "confirm": "một hai ba bốn năm"}
    wrong = client.post("/profile/password", data={"current_password": "nope nope nope", **new_password})
    assert wrong.status_code == 422 and 'id="current_password-error"' in wrong.get_data(as_text=True)
    mismatch = client.post("/profile/password", data={"current_password": "correct horse battery",
                                                      "password": "một hai ba bốn năm", "confirm": "khác hẳn luôn nhé"})
    assert mismatch.status_code == 422
    ok = client.post("/profile/password", data={"current_password": "correct horse battery", **new_password})
    assert ok.status_code == 303
    client.post("/logout")
    assert auth.login(user.email, "một hai ba bốn năm").status_code == 303


def test_profile_refuses_a_bad_phone_and_keeps_the_old_one(client, auth, make_user):
    user = auth.as_(make_user(phone="0912345678"))
    response = client.post("/profile", data={"full_name": "Trần Văn Bình", "phone": "123", "locale": "vi"})
    assert response.status_code == 422
    db.session.refresh(user)
    assert user.phone == "0912345678" and user.full_name != "Trần Văn Bình"


def test_passwords_are_hashed_with_a_vetted_scheme(client):
    client.post("/signup", data=GOOD)
    stored = db.session.scalar(select(User.password_hash))
    assert GOOD["password"] not in stored
    assert stored.startswith(("scrypt:", "pbkdf2:"))
