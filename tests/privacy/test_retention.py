"""Retention: each rule does what it says, a dry run changes nothing, a second run finds nothing."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from portal.accounts.models import User, UserSession
from portal.audit.models import AuditEvent
from portal.core import clock
from portal.extensions import db
from portal.jobs.models import JobRun
from portal.mail.models import OutboxMessage
from portal.privacy import retention
from portal.privacy import tasks as privacy_tasks
from portal.privacy.models import DataExport
from tests.factories import enrol

OLD = timedelta(days=800)


def _world(make_user, make_campaign):
    now = clock.now()
    closed, leaving = make_user(full_name="Vũ Thị Đã Đóng"), make_user()
    closed.is_active_account, closed.closed_at, closed.erase_after = False, now - timedelta(days=31), now - OLD / 800
    old_campaign = make_campaign(status="closed", start_date=date(2023, 1, 1), end_date=date(2023, 3, 1))
    current = make_campaign(status="open")
    only_old, both = make_user(full_name="Hà Văn Cũ"), make_user(full_name="Hà Văn Hai")
    enrol(old_campaign, only_old, both)
    enrol(current, both)
    db.session.add_all([
        OutboxMessage(to_email="a@example.org", subject="s", body_text="old body", kind="shift-changed",
                      status="sent", created_at=now - timedelta(days=91)),
        OutboxMessage(to_email="a@example.org", subject="s", body_text="/password/reset/abc", kind="reset-password",
                      status="sent", created_at=now - timedelta(hours=2)),
        OutboxMessage(to_email="a@example.org", subject="s", body_text="fresh", kind="shift-changed", status="sent"),
        AuditEvent(action="user.update", target_type="user", target_id=leaving.id, created_at=now - OLD,
                   before={"email": "x@example.org", "role": "student"}, ip_address="10.0.0.1"),
        AuditEvent(action="user.update", target_type="user", target_id=leaving.id,
                   before={"email": "recent@example.org"}),
        DataExport(user_id=leaving.id, status="ready", expires_at=now - timedelta(minutes=1), content=b"zip"),
        UserSession(user_id=leaving.id, token_hash="e" * 64, expires_at=now - timedelta(minutes=1)),
    ])
    db.session.commit()
    return closed, only_old, both


def _counts(done) -> dict:
    return {rule.key: count for rule, count in done}


def test_dry_run_counts_and_changes_nothing_then_the_run_applies_every_rule_once(app, make_user, make_campaign):
    closed, only_old, both = _world(make_user, make_campaign)
    expected = {"links": 1, "outbox": 1, "audit": 1, "closed_accounts": 1, "campaigns": 1, "exports": 1,
                "sessions": 1}
    snapshot = [(m.id, m.body_text) for m in db.session.scalars(select(OutboxMessage))]

    assert _counts(retention.apply(dry_run=True)) == expected
    db.session.expire_all()
    assert [(m.id, m.body_text) for m in db.session.scalars(select(OutboxMessage))] == snapshot
    assert db.session.get(User, closed.id).erased_at is None
    assert db.session.scalar(select(func.count()).select_from(DataExport)) == 1

    assert _counts(retention.apply()) == expected
    db.session.expire_all()
    bodies = dict(db.session.execute(select(OutboxMessage.kind, OutboxMessage.body_text)
                                     .where(OutboxMessage.body_text != "fresh")).all())
    assert bodies == {"shift-changed": "", "reset-password": ""}
    old_event = db.session.scalar(select(AuditEvent).where(AuditEvent.ip_address.is_(None),
                                                            AuditEvent.action == "user.update"))
    assert old_event.before == {"email": None, "role": "student"}
    assert db.session.get(User, closed.id).erased_at is not None
    assert db.session.get(User, only_old.id).erased_at is not None  # no other campaign
    assert db.session.get(User, both.id).erased_at is None  # still in the current one
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0

    assert set(_counts(retention.apply()).values()) == {0}  # idempotent


def test_the_cli_prints_each_rule(runner, make_user, make_campaign):
    _world(make_user, make_campaign)
    result = runner.invoke(args=["privacy", "apply-retention", "--dry-run"])
    assert result.exit_code == 0 and "closed_accounts: 1" in result.output
    assert db.session.scalar(select(func.count()).select_from(DataExport)) == 1
    result = runner.invoke(args=["privacy", "apply-retention"])
    assert result.exit_code == 0 and "exports: 1" in result.output


def test_the_nightly_job_applies_the_rules_and_is_recorded(make_user, make_campaign):
    _world(make_user, make_campaign)
    privacy_tasks.apply_retention()  # through the queue: at once in tests; the worker runs it at 02:30 Hanoi time
    assert db.session.scalar(select(func.count()).select_from(DataExport)) == 0
    (run,) = db.session.scalars(select(JobRun).where(JobRun.name.endswith("apply_retention"))).all()
    assert run.status == "done" and run.attempts == 1
    assert privacy_tasks.apply_retention.call_local()["exports"] == 0  # idempotent: the next night finds nothing


def test_organisers_see_the_rules_and_the_next_run(client, auth, make_user, make_campaign):
    _world(make_user, make_campaign)
    auth.as_(make_user(role="admin"))
    page = client.get("/admin/privacy/retention")
    assert page.status_code == 200 and 'id="retention-closed_accounts"' in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(DataExport)) == 1  # a GET changes nothing
