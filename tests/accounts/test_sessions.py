"""Sessions that end on the server: log out, sign out everywhere, password and role changes,
idle and absolute lifetimes, no-store and HSTS headers (issue 14 §3)."""
from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from portal.accounts import credentials, sessions, signed_links
from portal.accounts.models import UserSession
from portal.audit.models import AuditEvent
from portal.core import clock
from portal.extensions import db
from tests.conftest import totp_code
from tests.factories import PASSWORD

NEW_PASSWORD = "một hai ba bốn năm"


class Clock:
    """The one clock, frozen (time-machine): the server, its cookies and the browser's all see it."""

    def __init__(self, traveller):
        self.traveller = traveller

    def advance(self, **delta):
        """Move the clock on: advance(minutes=31)."""
        self.traveller.shift(timedelta(**delta))


@pytest.fixture
def frozen_clock():
    """The clock frozen now; frozen_clock.advance(minutes=…) moves it on."""
    with time_machine.travel(clock.now(), tick=False) as traveller:
        yield Clock(traveller)


def log_in(app, user, remember=False):
    """A new browser, logged in through the real form."""
    browser = app.test_client()
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = browser.post("/login", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    if response.headers["Location"].startswith("/login/code"):  # organisers sign in with a code too
        response = browser.post("/login/code", data={"code": totp_code(user)})
        assert response.status_code == 303, response.get_data(as_text=True)
    return browser


def copy_of(app, browser, *names):
    """Another browser holding copies of `browser`'s cookies (all of them unless named)."""
    thief = app.test_client()
    for name in names or ("session", "remember_token"):
        cookie = browser.get_cookie(name)
        if cookie is not None:
            thief.set_cookie(name, cookie.value)
    return thief


def signed_in(browser) -> bool:
    """Tell whether the browser reaches a page for signed-in people."""
    response = browser.get("/profile")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def token_of(app, browser) -> str:
    """The session token inside a browser's signed session cookie."""
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.loads(browser.get_cookie("session").value)["_user_id"]


def test_a_copied_session_cookie_is_refused_after_logging_out(app, make_user):
    user = make_user()
    browser = log_in(app, user)
    thief = copy_of(app, browser, "session")
    assert signed_in(thief)
    assert browser.post("/logout").status_code == 303
    assert not signed_in(thief)
    assert not signed_in(browser)


def test_a_copied_remember_cookie_is_refused_after_logging_out(app, make_user):
    user = make_user()
    browser = log_in(app, user, remember=True)
    thief = copy_of(app, browser, "remember_token")  # no session cookie: Flask-Login uses remember-me
    assert signed_in(thief)
    browser.post("/logout")
    assert not signed_in(copy_of(app, browser, "remember_token")) and not signed_in(thief)


def test_the_token_is_stored_only_as_its_hash_and_changes_at_each_login(app, make_user):
    user = make_user()
    first = token_of(app, log_in(app, user))
    second = token_of(app, log_in(app, user))
    assert first != second
    stored = set(db.session.scalars(select(UserSession.token_hash)))
    assert first not in stored and second not in stored
    assert sessions.token_hash(first) in stored and sessions.token_hash(second) in stored


def test_sign_out_everywhere_ends_every_other_session_and_renews_this_one(app, make_user):
    user = make_user()
    laptop, phone = log_in(app, user), log_in(app, user)
    copied = copy_of(app, laptop)
    response = laptop.post("/profile/sessions/end-all")
    assert response.status_code == 303 and response.headers["Location"] == "/profile"
    assert signed_in(laptop)
    assert not signed_in(phone)
    assert not signed_in(copied)  # this browser carries on with a new token, not the copied one
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.signout_everywhere"))
    assert event.actor_id == user.id and event.after == {"sessions": 2}


def test_the_profile_lists_the_sessions_and_offers_sign_out_everywhere(app, make_user):
    user = make_user()
    log_in(app, user)
    browser = app.test_client()
    browser.post("/login", data={"email": user.email, "password": PASSWORD},
                 headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) AppleWebKit Chrome/126.0 Mobile Safari/537"})
    page = browser.get("/profile", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'id="sessions-panel"' in page
    assert "Chrome · Android" in page and page.count("<tr>") == 3  # header row and two sessions
    assert 'action="/profile/sessions/end-all"' in page and 'name="csrf_token"' in page


def test_signing_out_everywhere_needs_a_csrf_token(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user()
        browser = app.test_client()
        page = browser.get("/login").get_data(as_text=True)
        csrf = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        browser.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf})
        assert browser.post("/profile/sessions/end-all").status_code == 400
        assert db.session.scalar(select(func.count()).select_from(UserSession)
                                 .where(UserSession.ended_at.is_(None))) == 1


def test_a_password_change_ends_other_sessions_and_renews_this_one(app, make_user):
    user = make_user()
    laptop, phone = log_in(app, user, remember=True), log_in(app, user)
    copied = copy_of(app, laptop)
    response = laptop.post("/profile/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 303
    assert signed_in(laptop)
    assert not signed_in(phone) and not signed_in(copied)
    renewed = copy_of(app, laptop, "remember_token")  # remember-me was carried to the new token
    assert signed_in(renewed)


def test_a_password_reset_ends_every_session(app, make_user):
    user = make_user()
    browser = log_in(app, user)
    credentials.reset_password(signed_links.make_token("reset", user), NEW_PASSWORD)
    assert not signed_in(browser)


def test_deactivation_ends_the_persons_sessions_for_good(app, make_user):
    admin, user = make_user(role="admin"), make_user()
    organiser, browser = log_in(app, admin), log_in(app, user)
    organiser.post(f"/admin/people/{user.id}/active", data={"active": "0"})
    assert not signed_in(browser)
    organiser.post(f"/admin/people/{user.id}/active", data={"active": "1"})
    assert not signed_in(browser)  # reactivating does not bring an ended session back
    ended = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert ended.end_reason == "deactivated"


def test_a_role_change_ends_the_persons_sessions(app, make_user):
    admin, leader = make_user(role="admin"), make_user(roles=["student", "leader"])
    organiser, browser = log_in(app, admin), log_in(app, leader)
    assert organiser.post(f"/admin/people/{leader.id}/roles", data={"roles": ["student"]}).status_code == 200
    assert not signed_in(browser)
    assert signed_in(log_in(app, leader))


def test_an_organiser_changing_their_own_roles_carries_on_in_a_new_session(app, make_user):
    admin = make_user(role="admin")
    browser = log_in(app, admin)
    copied = copy_of(app, browser)
    assert browser.post(f"/admin/people/{admin.id}/roles", data={"roles": ["admin", "trainer"]}).status_code == 200
    assert browser.get("/admin/people").status_code == 200
    assert not signed_in(copied)


def test_an_organisers_session_ends_after_30_idle_minutes(app, make_user, frozen_clock):
    browser = log_in(app, make_user(role="admin"))
    frozen_clock.advance(minutes=29)
    assert signed_in(browser)  # activity: the idle time starts again
    frozen_clock.advance(minutes=29)
    assert signed_in(browser)
    frozen_clock.advance(minutes=31)
    assert not signed_in(browser)


def test_a_students_session_ends_after_12_idle_hours(app, make_user, frozen_clock):
    browser = log_in(app, make_user())
    frozen_clock.advance(hours=11, minutes=50)
    assert signed_in(browser)
    frozen_clock.advance(hours=12, minutes=1)
    assert not signed_in(browser)


def test_a_session_ends_12_hours_after_login_however_busy(app, make_user, frozen_clock):
    browser = log_in(app, make_user())
    for _ in range(23):
        frozen_clock.advance(minutes=30)
        assert signed_in(browser)
    frozen_clock.advance(minutes=31)
    assert not signed_in(browser)


def test_remember_me_lasts_14_days_for_a_student(app, make_user, frozen_clock):
    browser = log_in(app, make_user(), remember=True)
    cookie = browser.get_cookie("remember_token")
    assert cookie is not None
    frozen_clock.advance(days=3)  # the browser was closed: only the remember cookie is left
    assert signed_in(copy_of(app, browser, "remember_token"))
    frozen_clock.advance(days=10, hours=23)
    assert signed_in(copy_of(app, browser, "remember_token"))
    frozen_clock.advance(hours=2)
    assert not signed_in(copy_of(app, browser, "remember_token"))


def test_organisers_are_never_remembered(app, make_user, frozen_clock):
    admin = make_user(role="admin")
    browser = log_in(app, admin, remember=True)
    assert browser.get_cookie("remember_token") is None
    row = db.session.scalar(select(UserSession))
    assert not row.is_remember and row.expires_at - row.created_at == timedelta(hours=12)
    frozen_clock.advance(minutes=31)
    assert not signed_in(browser)


def test_loading_the_user_is_one_lookup_and_writes_at_most_once_a_minute(app, make_user, count_queries, frozen_clock):
    user = make_user()
    token = token_of(app, log_in(app, user))
    db.session.expire_all()
    with count_queries() as counter:
        assert sessions.load(token).id == user.id
    assert counter.n <= 2, counter.statements  # the session joined with its user, then the roles
    assert not any(s.lstrip().upper().startswith("UPDATE") for s in counter.statements)
    frozen_clock.advance(minutes=2)
    db.session.expire_all()
    with count_queries() as later:
        sessions.load(token)
    assert sum(s.lstrip().upper().startswith("UPDATE") for s in later.statements) == 1
    assert sessions.load("not-a-token") is None and sessions.load("x" * 500) is None


def test_finished_sessions_are_purged_at_login_and_by_the_command(app, make_user, runner, frozen_clock):
    user, other = make_user(), make_user()
    log_in(app, user).post("/logout")
    log_in(app, other).post("/logout")
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 2
    log_in(app, user)  # the person's ended session goes
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 2
    frozen_clock.advance(hours=13)
    result = runner.invoke(args=["purge-sessions"])
    assert result.exit_code == 0 and "2 sessions purged" in result.output
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_pages_for_signed_in_people_are_never_stored(app, make_user):
    anonymous = app.test_client()
    assert "no-store" not in anonymous.get("/").headers.get("Cache-Control", "")
    browser = log_in(app, make_user())
    for url in ("/", "/profile"):
        assert "no-store" in browser.get(url).headers["Cache-Control"], url
    assert "no-store" not in browser.get("/static/css/app.css").headers.get("Cache-Control", "")


def test_https_deployments_send_hsts(app, make_app):
    assert "Strict-Transport-Security" not in app.test_client().get("/").headers
    secure = make_app(BASE_URL="https://donghanh.example.org")
    with secure.app_context():
        header = secure.test_client().get("/").headers["Strict-Transport-Security"]
    assert header.startswith("max-age=31536000")
