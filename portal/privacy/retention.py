"""Retention: how long each kind of stored copy is kept, and the run that applies the rules.

Every rule counts what it would change (`plan`) and changes exactly that (`apply`); running again
finds nothing more to do (idempotent). `flask --app wsgi privacy apply-retention [--dry-run]` runs
them; the organisers' settings page shows them with the next run's counts.

Reset and invitation links are signed and stateless: they die at use (the password's fingerprint
changes) or at expiry, and nothing is stored to delete. The outbox never shows them to organisers,
and the bodies that carry them are blanked once older than the link's lifetime (rule `links`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable

from flask import current_app
from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from portal.accounts.models import User, UserRole, UserSession
from portal.audit import services as audit
from portal.audit.models import AuditEvent
from portal.campaigns.models import Campaign, CampaignEnrolment
from portal.core import clock
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.mail.models import OutboxMessage
from portal.privacy import erasure, mentions
from portal.privacy.models import DataExport

# The outbox kinds whose bodies carry a signed link, with the setting that says how long it works.
LINK_KINDS = {"reset-password": "PASSWORD_RESET_MAX_AGE", "invite": "INVITE_MAX_AGE",
              "verify-email": "EMAIL_VERIFY_MAX_AGE"}


@dataclass(frozen=True)
class Rule:
    """One retention rule: what it keeps how long, how to count what is due, how to apply it."""

    key: str
    label: object
    keep: object
    count: Callable[[datetime], int]
    run: Callable[[datetime], int]


def _days(setting: str, default: int) -> int:
    return int(current_app.config.get(setting, default))


# --- outbox ---------------------------------------------------------------------------------------


def _old_bodies(now: datetime):
    cutoff = now - timedelta(days=_days("RETENTION_OUTBOX_DAYS", 90))
    return and_(OutboxMessage.created_at < cutoff, OutboxMessage.status != "pending", OutboxMessage.body_text != "")


def _expired_links(now: datetime):
    clauses = [and_(OutboxMessage.kind == kind, OutboxMessage.created_at < now - timedelta(
        seconds=int(current_app.config.get(setting, 7 * 24 * 3600)))) for kind, setting in LINK_KINDS.items()]
    return and_(or_(*clauses), OutboxMessage.status != "pending", OutboxMessage.body_text != "")


def _count_where(model, condition) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(condition))


def _blank_bodies(condition) -> int:
    """Blank the body (the row's kind, status, date and recipient stay, for the outbox's history)."""
    return db.session.execute(update(OutboxMessage).where(condition).values(body_text="")
                              .execution_options(synchronize_session=False)).rowcount


# --- audit snapshots ----------------------------------------------------------------------------------


def _old_events(now: datetime):
    cutoff = now - timedelta(days=_days("RETENTION_AUDIT_DAYS", 730))
    return select(AuditEvent.id, AuditEvent.before, AuditEvent.after).where(
        AuditEvent.created_at < cutoff, or_(AuditEvent.before.is_not(None), AuditEvent.after.is_not(None),
                                            AuditEvent.ip_address.is_not(None)))


def _stripped(event_row, keys) -> tuple:
    _, before, after = event_row
    return (mentions.redact_json(before, None, keys) if before is not None else None,
            mentions.redact_json(after, None, keys) if after is not None else None)


def _due_events(now: datetime) -> list[tuple]:
    """Old events still holding a personal value (or an IP address), with their stripped snapshots."""
    keys = mentions.personal_keys()
    due = []
    for row in db.session.execute(_old_events(now).add_columns(AuditEvent.ip_address)).all():
        before, after = _stripped(row[:3], keys)
        if (before, after) != (row[1], row[2]) or row[3] is not None:
            due.append((row[0], before, after))
    return due


def _count_events(now: datetime) -> int:
    return len(_due_events(now))


def _strip_events(now: datetime) -> int:
    due = _due_events(now)
    for event_id, before, after in due:
        db.session.execute(update(AuditEvent).where(AuditEvent.id == event_id)
                           .values(before=before, after=after, ip_address=None)
                           .execution_options(synchronize_session=False))
    return len(due)


# --- people ---------------------------------------------------------------------------------------------


def _closing_due(now: datetime) -> list[int]:
    return list(db.session.scalars(select(User.id).where(User.erase_after <= now, User.erased_at.is_(None))))


def archived_campaigns(now: datetime) -> list[int]:
    """Closed campaigns whose last day is more than RETENTION_CAMPAIGN_MONTHS ago."""
    months = _days("RETENTION_CAMPAIGN_MONTHS", 12)
    cutoff = _months_before(now.date(), months)
    return list(db.session.scalars(select(Campaign.id).where(Campaign.status == "closed", Campaign.end_date < cutoff)))


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, 28))


def _archived_people(now: datetime) -> list[int]:
    """Students of archived campaigns who take part in no other campaign and hold no staff role."""
    archived = archived_campaigns(now)
    if not archived:
        return []
    elsewhere = aliased(CampaignEnrolment)
    other = exists().where(elsewhere.user_id == User.id, elsewhere.campaign_id.not_in(archived))
    staff = exists().where(UserRole.user_id == User.id, UserRole.role != "student")
    return list(db.session.scalars(
        select(User.id).join(CampaignEnrolment, CampaignEnrolment.user_id == User.id)
        .where(CampaignEnrolment.campaign_id.in_(archived), User.erased_at.is_(None), ~other, ~staff).distinct()))


# --- the rules ---------------------------------------------------------------------------------------------


def rules() -> list[Rule]:
    """Every retention rule, in the order a run applies them."""
    return [
        Rule("links", _l("Reset, invitation and confirmation links"),
             _l("Signed links that work once or until they expire; the outbox never shows them, "
                "and their emails' bodies are blanked once the link has expired"),
             lambda now: _count_where(OutboxMessage, _expired_links(now)),
             lambda now: _blank_bodies(_expired_links(now))),
        Rule("outbox", _l("Email bodies in the outbox"),
             _l("%(days)d days; then the body is blanked and the kind, status and date stay",
                days=_days("RETENTION_OUTBOX_DAYS", 90)),
             lambda now: _count_where(OutboxMessage, _old_bodies(now)),
             lambda now: _blank_bodies(_old_bodies(now))),
        Rule("audit", _l("Personal fields of audit snapshots"),
             _l("%(days)d days; then names, addresses, notes and IP addresses are removed and the event stays",
                days=_days("RETENTION_AUDIT_DAYS", 730)),
             _count_events, _strip_events),
        Rule("closed_accounts", _l("Closed accounts"),
             _l("%(days)d days after closing, unless the person comes back; then erased",
                days=_days("PRIVACY_ERASURE_GRACE_DAYS", 30)),
             lambda now: len(_closing_due(now)),
             lambda now: erasure.erase_many(_closing_due(now), reason="closed")),
        Rule("campaigns", _l("People of closed campaigns"),
             _l("%(months)d months after a closed campaign's last day, its students who take part in no other "
                "campaign are erased; its counts stay",
                months=_days("RETENTION_CAMPAIGN_MONTHS", 12)),
             lambda now: len(_archived_people(now)),
             lambda now: erasure.erase_many(_archived_people(now), reason="campaign_archived")),
        Rule("exports", _l("Data exports"), _l("24 hours; then deleted"),
             lambda now: _count_where(DataExport, DataExport.expires_at <= now),
             lambda now: db.session.execute(delete(DataExport).where(DataExport.expires_at <= now)
                                            .execution_options(synchronize_session=False)).rowcount),
        Rule("sessions", _l("Ended sign-in sessions"), _l("Deleted once ended or expired"),
             lambda now: _count_where(UserSession, _ended_sessions(now)),
             lambda now: db.session.execute(delete(UserSession).where(_ended_sessions(now))
                                            .execution_options(synchronize_session=False)).rowcount),
    ]


def _ended_sessions(now: datetime):
    return or_(UserSession.ended_at.is_not(None), UserSession.expires_at <= now)


def plan(now: datetime | None = None) -> list[tuple[Rule, int]]:
    """What a run would do now, rule by rule (reads only)."""
    now = now or clock.now()
    return [(rule, rule.count(now)) for rule in rules()]


def apply(now: datetime | None = None, dry_run: bool = False) -> list[tuple[Rule, int]]:
    """Apply every rule (each in its own transaction; erasures commit per batch), or only count
    with `dry_run`. Returns what each rule did (or would do)."""
    if dry_run:
        return plan(now)
    now = now or clock.now()
    done = []
    for rule in rules():
        count = rule.run(now)
        if count and rule.key not in ("closed_accounts", "campaigns"):
            audit.record(None, "privacy.retention", "retention", None, after={"rule": rule.key, "count": count})
        db.session.commit()
        done.append((rule, count))
    return done
