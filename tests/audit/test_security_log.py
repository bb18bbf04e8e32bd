"""The security log (issue 14 §8): who signed out, viewed a person's page or exported personal
data, from which IP (as seen through PROXY_COUNT); organisers filter it by person and kind."""
from __future__ import annotations

import pytest
from flask_babel import force_locale
from markupsafe import escape
from sqlalchemy import select

from portal.audit import labels
from portal.audit import services as audit
from portal.audit.models import AuditEvent
from portal.extensions import db
from tests.conftest import Auth


def events(action):
    """The events of one action, oldest first."""
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


@pytest.fixture
def organiser(auth, make_user):
    """A signed-in organiser."""
    return auth.as_(make_user(role="admin", full_name="Trần Thị Thu"))


def test_logging_out_is_recorded_with_the_ip_seen_through_the_trusted_proxy(make_app, make_user):
    app = make_app(PROXY_COUNT=1)
    with app.app_context():
        user = make_user()
        client = app.test_client()
        headers = {"X-Forwarded-For": "203.0.113.7"}
        client.post("/login", data={"email": user.email, "password": "correct horse battery"}, headers=headers)
        client.post("/logout", headers=headers)
        [event] = events(labels.AUTH_LOGOUT)
        assert (event.actor_id, event.target_id, event.ip_address) == (user.id, user.id, "203.0.113.7")


def test_a_forwarded_address_is_ignored_without_a_trusted_proxy(client, auth, make_user):
    user = auth.as_(make_user())
    client.post("/logout", headers={"X-Forwarded-For": "203.0.113.7"})
    [event] = events(labels.AUTH_LOGOUT)
    assert (event.actor_id, event.ip_address) == (user.id, "127.0.0.1")


def test_events_recorded_outside_a_request_have_no_ip(app, make_user):
    event = audit.record(make_user(), "user.roles", "user", 1)
    assert event.ip_address is None


def test_viewing_a_persons_page_is_recorded(client, organiser, make_user):
    student = make_user(full_name="Phạm Văn Lợi")
    assert client.get(f"/admin/people/{student.id}").status_code == 200
    [event] = events(labels.PERSON_VIEWED)
    assert (event.actor_id, event.target_type, event.target_id) == (organiser.id, "user", student.id)
    assert event.ip_address == "127.0.0.1"


def test_a_role_change_and_a_deactivation_are_in_the_security_log(client, organiser, make_user):
    student = make_user()
    client.post(f"/admin/people/{student.id}/roles", data={"roles": ["student", "leader"]})
    client.post(f"/admin/people/{student.id}/active", data={"active": "0"})
    [roles] = events(labels.ROLES_CHANGED)
    [deactivated] = events(labels.ACCOUNT_DEACTIVATED)
    assert roles.after == {"role_names": ["leader", "student"]} and roles.ip_address == "127.0.0.1"
    assert deactivated.actor_id == organiser.id


@pytest.mark.parametrize("url, action", [
    ("/reports/ledger.csv", labels.EXPORT_HOURS_LEDGER),
    ("/reports/ledger.xlsx", labels.EXPORT_HOURS_LEDGER),
    ("/reports/week.csv", labels.EXPORT_REPORT),
    ("/reports/month.pdf", labels.EXPORT_REPORT),
])
def test_report_exports_are_recorded(client, organiser, url, action):
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    [event] = events(action)
    assert event.actor_id == organiser.id and event.after["format"] == url.rsplit(".", 1)[1]


def test_referral_exports_are_recorded_with_their_campaign(client, organiser, make_campaign):
    campaign = make_campaign()
    for kind in ("referrals", "commendations"):
        response = client.get(f"/campaigns/{campaign.slug}/referrals/export/{kind}.xlsx")
        assert response.status_code == 200
        [event] = events(f"export.{kind}")
        assert (event.target_type, event.target_id, event.after["format"]) == ("campaign", campaign.id, "xlsx")


def test_every_security_action_has_a_label_and_a_kind():
    names = [v for k, v in vars(labels).items() if k.isupper() and isinstance(v, str) and k != "EXPORT_PREFIX"]
    grouped = {name for _label, members in labels.KINDS.values() for name in members}
    for name in names:
        assert name in labels.ACTIONS, name
        assert name in grouped or any(name.startswith(p) for p in grouped if p.endswith(".")), name


@pytest.fixture
def log(app, make_user):
    """Two people with sign-ins, a person view and an export each way."""
    thu = make_user(role="admin", full_name="Trần Thị Thu", email="thu@example.org")
    thuy = make_user(full_name="Trần Thị Thuý", email="thu.tran@example.org")
    lan = make_user(full_name="Nguyễn Thị Lan", email="lan@example.org")
    audit.record(thu, labels.AUTH_LOGIN, "user", thu.id)
    audit.record(None, labels.AUTH_LOGIN_FAILED, "user", lan.id)
    audit.record(thu, labels.PERSON_VIEWED, "user", lan.id)
    audit.record(thu, labels.EXPORT_HOURS_LEDGER, "report", None)
    audit.record(lan, labels.AUTH_PASSWORD_CHANGED, "user", lan.id)
    audit.record(thuy, labels.AUTH_LOGOUT, "user", thuy.id)
    db.session.commit()
    return {"thu": thu, "thuy": thuy, "lan": lan}


def listed(client, **params):
    """The actions on the audit page for these filters (as an htmx fragment)."""
    response = client.get("/admin/audit/", query_string={"lang": "en", **params}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    with force_locale("en"):
        return text, {code for code, label in labels.ACTIONS.items() if f">{escape(str(label))}<" in text}


def test_organisers_filter_the_log_by_person_what_they_did_and_what_was_done_to_them(client, log):
    Auth(client).as_(log["thu"])
    text, shown = listed(client, person="lan@example.org")
    assert shown == {labels.AUTH_LOGIN_FAILED, labels.PERSON_VIEWED, labels.AUTH_PASSWORD_CHANGED}
    _, by_name = listed(client, person="nguyen thi lan")  # accents and case ignored
    assert by_name == shown


def test_an_exact_email_wins_over_names_that_contain_it(client, log):
    Auth(client).as_(log["thu"])
    text, shown = listed(client, person="THU@example.org")
    assert "Trần Thị Thu (thu@example.org)" in text
    assert labels.AUTH_LOGOUT not in shown  # Thuý's, whose email also contains "thu"
    assert labels.AUTH_LOGIN in shown


def test_a_name_that_matches_several_people_asks_which(client, log):
    Auth(client).as_(log["thu"])
    text, shown = listed(client, person="tran thi", kind="sign-ins")
    assert shown == set()
    assert "person=thu@example.org" in text and "person=thu.tran@example.org" in text
    assert "kind=sign-ins" in text  # the other filters are kept in the choices
    text, shown = listed(client, person="nobody at all")
    assert shown == set() and "Nobody matches" in text


def test_organisers_filter_the_log_by_kind(client, log):
    Auth(client).as_(log["thu"])
    assert listed(client, kind="sign-ins")[1] >= {labels.AUTH_LOGIN, labels.AUTH_LOGIN_FAILED, labels.AUTH_LOGOUT}
    assert labels.PERSON_VIEWED not in listed(client, kind="sign-ins")[1]
    assert listed(client, kind="passwords")[1] == {labels.AUTH_PASSWORD_CHANGED}
    assert listed(client, kind="exports")[1] == {labels.EXPORT_HOURS_LEDGER}
    assert listed(client, kind="views")[1] == {labels.PERSON_VIEWED}
    assert listed(client, kind="views", person="thu@example.org")[1] == {labels.PERSON_VIEWED}
    assert listed(client, kind="exports", person="lan@example.org")[1] == set()


def test_the_log_shows_the_ip_address_and_offers_the_kinds(client, log):
    Auth(client).as_(log["thu"])
    page = client.get("/admin/audit/?lang=en").get_data(as_text=True)
    with force_locale("en"):
        for label, _members in labels.KINDS.values():
            assert f">{escape(str(label))}</option>" in page
    assert "127.0.0.1" in page  # the organiser's own sign-in, recorded by the request
