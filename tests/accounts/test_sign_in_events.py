"""Sign-ins, refusals, lockouts and password changes are in the audit log (issue 14, §8)."""
import json
import re

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db
from tests import factories


def _events(action=None):
    stmt = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return db.session.scalars(stmt).all()


def test_a_sign_in_is_recorded(client, make_user):
    user = make_user()
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    [event] = _events("auth.login")
    assert (event.actor_id, event.target_id, event.after) == (user.id, user.id, {"method": "password"})


def test_a_wrong_password_is_recorded_against_the_account(client, make_user):
    user = make_user()
    client.post("/login", data={"email": user.email, "password": "not the password"})
    [event] = _events("auth.login_failed")
    assert (event.actor_id, event.target_id, event.after) == (None, user.id, {"reason": "password"})
    assert _events("auth.login") == []


def test_a_failed_sign_in_with_an_unknown_address_records_no_address(client):
    client.post("/login", data={"email": "stranger.danger@example.org", "password": "not the password"})
    [event] = _events("auth.login_failed")
    assert event.target_id is None and event.actor_id is None
    assert "stranger" not in json.dumps([event.before, event.after]) and "example.org" not in json.dumps(event.after)


def test_refusals_of_deactivated_and_unconfirmed_accounts_are_recorded(client, make_user):
    for user in (make_user(active=False), make_user(verified=False)):
        client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert [e.after["reason"] for e in _events("auth.login_failed")] == ["deactivated", "unverified"]


def test_a_lockout_is_recorded_once_per_minute(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="2 per minute")
    with app.app_context():
        user = factories.user_builder()()
        for i in range(5):
            app.test_client().post("/login", data={"email": user.email, "password": "guess"},
                                   environ_base={"REMOTE_ADDR": f"10.3.0.{i}"})
        [event] = _events("auth.lockout")
        assert event.target_id == user.id and "login" in event.after["limit"]


def test_a_password_change_is_recorded_in_its_transaction(client, auth, make_user):
    user = auth.as_(make_user())
    client.post("/profile/password", data={"current_password": "wrong one!", "password": "bốn chú mèo nhỏ",
                                           "confirm": "bốn chú mèo nhỏ"})
    assert _events("auth.password_changed") == []  # refused: nothing changed, nothing recorded
    client.post("/profile/password", data={"current_password": factories.PASSWORD, "password": "bốn chú mèo nhỏ",
                                           "confirm": "bốn chú mèo nhỏ"})
    [event] = _events("auth.password_changed")
    assert (event.actor_id, event.target_id) == (user.id, user.id)


def test_a_password_reset_is_recorded(client, make_user, outbox):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    link = re.search(r"http://portal\.test(/password/reset/\S+)", outbox()[-1].body_text).group(1)
    client.post(link, data={"password": "bốn chú mèo nhỏ", "confirm": "bốn chú mèo nhỏ"})
    [event] = _events("auth.password_reset")
    assert event.target_id == user.id
