"""Two-factor sign-in (issue 14, §4): enrolment, the code step of login, recovery codes, turning it off."""
import re

import pyotp
import pytest
from sqlalchemy import select

from portal.accounts import two_factor
from portal.accounts.models import RecoveryCode, User
from portal.audit.models import AuditEvent
from portal.extensions import db
from tests import factories
from tests.conftest import totp_code


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def _enrol(client, user):
    """Walk the enrolment pages; return the secret read from the page and the recovery codes."""
    client.post("/account/two-factor/start")
    page = client.get("/account/two-factor/setup").get_data(as_text=True)
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    done = client.post("/account/two-factor/setup", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, done.get_data(as_text=True)
    codes = re.findall(r"<code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code>", done.get_data(as_text=True))
    return secret, codes


def _password_step(client, user, **extra):
    return client.post("/login", data={"email": user.email, "password": factories.PASSWORD, **extra})


def test_organiser_without_two_factor_is_sent_to_enrol_before_any_signed_in_page(client, auth, make_user):
    admin = auth.as_(make_user(role="admin", two_factor=False))
    for path in ("/admin/people", "/profile", "/admin/audit/"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/account/two-factor/setup", path
    htmx = client.get("/admin/people", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/account/two-factor/setup"
    assert client.get("/account/two-factor/setup").status_code == 200
    assert client.get("/").status_code == 200  # public pages stay open
    # The enrolment page's own header badge is answered in place: redirecting it would reload the page for ever.
    badge = client.get("/notices/badge", headers={"HX-Request": "true"})
    assert badge.status_code == 200 and "HX-Redirect" not in badge.headers and 'id="notices-badge"' in badge.text
    _enrol(client, admin)
    assert client.get("/admin/people").status_code == 200


def test_the_enrolment_rule_can_be_turned_off(make_app, make_user):
    app = make_app(REQUIRE_ADMIN_2FA=False)
    with app.app_context():
        client = app.test_client()
        admin = factories.user_builder()(role="admin", two_factor=False)
        assert _password_step(client, admin).status_code == 303
        assert client.get("/admin/people").status_code == 200


def test_other_people_may_use_the_portal_without_two_factor(client, auth, make_user):
    auth.as_(make_user(role="leader"))
    page = client.get("/profile").get_data(as_text=True)
    assert 'id="two-factor-panel"' in page and "/account/two-factor/setup" in page


def test_enrolment_shows_a_qr_code_and_the_secret_then_never_again(client, auth, make_user):
    user = auth.as_(make_user())
    assert "<svg" not in client.get("/account/two-factor/setup").get_data(as_text=True)
    assert db.session.get(User, user.id).totp_secret is None  # the page view wrote nothing
    client.post("/account/two-factor/start")
    page = client.get("/account/two-factor/setup").get_data(as_text=True)
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert "<path" in svg and "<script" not in svg
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    stored = db.session.get(User, user.id).totp_secret
    assert secret not in stored and stored.startswith("gAAAA")  # Fernet: encrypted at rest
    assert db.session.get(User, user.id).totp_enabled_at is None  # not on until confirmed

    wrong = client.post("/account/two-factor/setup", data={"code": "000000"})
    assert wrong.status_code == 422 and db.session.get(User, user.id).totp_enabled_at is None

    done = client.post("/account/two-factor/setup", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and len(re.findall(r"<code>[0-9A-Z-]{14}</code>", done.get_data(as_text=True))) == 10
    assert db.session.get(User, user.id).totp_enabled_at is not None
    assert client.get("/account/two-factor/setup").headers["Location"] == "/profile"
    assert secret not in client.get("/profile").get_data(as_text=True)
    assert [e.target_id for e in _events("auth.2fa_enabled")] == [user.id]


def test_recovery_codes_are_stored_hashed(client, auth, make_user):
    user = auth.as_(make_user())
    _, codes = _enrol(client, user)
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(codes) == len(set(codes)) == len(stored) == 10
    assert not any(c.replace("-", "") in h or c in h for c in codes for h in stored)


def test_login_asks_for_a_code_and_is_not_signed_in_until_it_is_given(client, make_user):
    admin = make_user(role="admin")
    response = _password_step(client, admin, remember="y", next="/admin/people")
    assert response.headers["Location"] == "/login/code"
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))
    assert client.get("/profile").headers["Location"].startswith("/login")  # not signed in yet
    assert client.post("/login/code", data={"code": "123456"}).status_code == 422
    done = client.post("/login/code", data={"code": totp_code(admin)})
    assert done.status_code == 303 and done.headers["Location"] == "/admin/people"
    assert client.get("/admin/people").status_code == 200
    assert [e.after["method"] for e in _events("auth.login")] == ["totp"]
    assert [e.target_id for e in _events("auth.2fa_failed")] == [admin.id]


def test_the_code_page_without_a_password_first_goes_back_to_login(client):
    response = client.get("/login/code")
    assert response.status_code == 303 and response.headers["Location"] == "/login"


def test_a_code_cannot_be_used_twice(client, make_user):
    admin = make_user(role="admin")
    code = pyotp.TOTP(factories.TOTP_SECRET).now()
    _password_step(client, admin)
    assert client.post("/login/code", data={"code": code}).status_code == 303
    client.post("/logout")
    _password_step(client, admin)
    replay = client.post("/login/code", data={"code": code})
    assert replay.status_code == 422
    assert client.get("/admin/people").headers["Location"].startswith("/login")


def test_a_recovery_code_signs_in_once(client, auth, make_user):
    user = auth.as_(make_user())
    _, codes = _enrol(client, user)
    client.post("/logout")
    _password_step(client, user)
    typed = codes[0].lower().replace("-", " ")  # any case, spaces instead of hyphens
    assert client.post("/login/code", data={"code": typed}).status_code == 303
    assert client.get("/profile").status_code == 200
    assert [e.after["recovery_codes_left"] for e in _events("auth.recovery_code_used")] == [9]
    client.post("/logout")
    _password_step(client, user)
    assert client.post("/login/code", data={"code": codes[0]}).status_code == 422


def test_too_many_wrong_codes_end_the_half_done_sign_in(client, make_user):
    admin = make_user(role="admin")
    _password_step(client, admin)
    for _ in range(two_factor_max() - 1):
        assert client.post("/login/code", data={"code": "000000"}).status_code == 422
    ended = client.post("/login/code", data={"code": "000000"})
    assert ended.status_code == 303 and ended.headers["Location"] == "/login"
    late = client.post("/login/code", data={"code": totp_code(admin)})
    assert late.headers["Location"] == "/login"
    assert client.get("/admin/people").headers["Location"].startswith("/login")
    assert len(_events("auth.2fa_failed")) == two_factor_max()


def two_factor_max():
    from portal.accounts.routes_two_factor import MAX_FAILURES

    return MAX_FAILURES


def test_code_attempts_are_limited_per_account_across_addresses_and_sessions(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_2FA="3 per minute", RATELIMIT_LOGIN="100 per minute")
    with app.app_context():
        admin = factories.user_builder()(role="admin")
        codes = []
        for i in range(4):
            client = app.test_client()
            ip = {"REMOTE_ADDR": f"10.2.0.{i + 1}"}
            client.post("/login", data={"email": admin.email, "password": factories.PASSWORD}, environ_base=ip)
            codes.append(client.post("/login/code", data={"code": "000000"}, environ_base=ip).status_code)
        assert codes == [422, 422, 422, 429]
        assert [e.target_id for e in _events("auth.lockout")] == [admin.id]


def test_code_attempts_are_limited_per_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_2FA="2 per minute")
    with app.app_context():
        client = app.test_client()
        make = factories.user_builder()
        statuses = []
        for _ in range(3):
            admin = make(role="admin")
            client.post("/login", data={"email": admin.email, "password": factories.PASSWORD})
            statuses.append(client.post("/login/code", data={"code": "000000"}).status_code)
        assert statuses == [422, 422, 429]


def test_turning_two_factor_off_needs_the_password_and_a_code(client, auth, make_user):
    user = auth.as_(make_user())
    secret, _ = _enrol(client, user)
    for password in ("wrong password", factories.PASSWORD):
        response = client.post("/account/two-factor/disable", data={"password": password, "code": "000000"})
        assert response.status_code == 422, password
    assert db.session.get(User, user.id).totp_enabled_at is not None
    code = pyotp.TOTP(secret).at(two_factor._now_step() * 30 + 30)  # the step after enrolment's
    done = client.post("/account/two-factor/disable", data={"password": factories.PASSWORD, "code": code})
    assert done.status_code == 303
    fresh = db.session.get(User, user.id)
    assert fresh.totp_enabled_at is None and fresh.totp_secret is None
    assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    assert [e.after["during"] for e in _events("auth.2fa_failed")] == ["disable"]
    assert len(_events("auth.2fa_disabled")) == 1


def test_new_recovery_codes_replace_the_old_ones(client, auth, make_user):
    user = auth.as_(make_user())
    secret, old = _enrol(client, user)
    assert client.post("/account/two-factor/recovery-codes", data={"code": "000000"}).status_code == 422
    response = client.post("/account/two-factor/recovery-codes", data={"code": old[1]})
    new = re.findall(r"<code>([0-9A-Z-]{14})</code>", response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    client.post("/logout")
    _password_step(client, user)
    assert client.post("/login/code", data={"code": old[2]}).status_code == 422
    assert client.post("/login/code", data={"code": new[0]}).status_code == 303


def test_the_secret_still_decrypts_after_the_secret_key_is_rotated(make_app):
    app = make_app()
    with app.app_context():
        admin_id = factories.user_builder()(role="admin").id
    rotated = make_app(SECRET_KEY="a-new-secret-key-for-the-rotation-test",
                       SECRET_KEY_FALLBACKS=["test-secret-key-not-for-production"])
    with rotated.app_context():
        user = db.session.get(User, admin_id)
        assert two_factor.use_code(user, pyotp.TOTP(factories.TOTP_SECRET).now()) == "totp"
        db.session.rollback()


@pytest.mark.parametrize("role", ["student", "admin"])
def test_test_helpers_sign_people_in_with_or_without_a_code(client, auth, make_user, role):
    auth.as_(make_user(role=role))
    assert client.get("/profile").status_code == 200
