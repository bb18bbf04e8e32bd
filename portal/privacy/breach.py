"""Suspected personal-data breaches: the record, the 72-hour deadline (BREACH_NOTIFY_HOURS, our
reading of Law No. 91/2025/QH15 and Decree 356/2025/ND-CP), the people who may be affected as the
audit log names them, and drafted notifications. Each change is one transaction, locked and audited.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_app_context, render_template
from flask_babel import force_locale
from sqlalchemy import and_, func, or_, select, union

from portal.accounts.models import User
from portal.audit import labels as audit_labels
from portal.audit import services as audit
from portal.audit.models import AuditEvent
from portal.certificates.models import Credential
from portal.core import clock
from portal.core.locks import lock_row
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.privacy import labels as privacy_labels
from portal.privacy.models import BreachRecord

TARGET = "breach_record"
RECORDED = "privacy.breach.record"
NOTIFIED = "privacy.breach.notified"
CLOSED = "privacy.breach.closed"
SUMMARY_MAX = 4000
ACTIONS_MAX = 4000
WINDOW_MAX_DAYS = 366
AFFECTED_SHOWN = 500
# The audit log's kinds (one label source) plus "any record about a person".
ANY = "any"
# Sign-ins and password changes name the person as the one who acted; other kinds as the record.
SELF_KINDS = ("sign-ins", "passwords")
ACTION_LABELS = {RECORDED: _l("Breach recorded"), NOTIFIED: _l("Breach marked as notified"),
                 CLOSED: _l("Breach closed")}


def data_kinds() -> dict:
    """The data kinds an organiser can say were touched, with their labels."""
    kinds = {key: label for key, (label, _names) in audit_labels.KINDS.items()}
    kinds[ANY] = _l("Anything recorded about a person")
    return kinds


def notify_hours() -> int:
    """Hours from detection within which the authority must be notified (BREACH_NOTIFY_HOURS)."""
    return int(current_app.config.get("BREACH_NOTIFY_HOURS", 72)) if has_app_context() else 72


def notify_by(breach: BreachRecord) -> datetime:
    """The moment the notification is due."""
    return breach.detected_at + timedelta(hours=notify_hours())


@dataclass
class Deadline:
    """Where a breach stands against its notification deadline."""

    due: datetime
    state: str  # met, late, overdue, due_soon (under a quarter of the time left), ok
    hours_left: int
    minutes_left: int


def deadline(breach: BreachRecord, now: datetime | None = None) -> Deadline:
    """The notification deadline, its state and the time left (zero once it passed)."""
    due = notify_by(breach)
    if breach.notified_at is not None:
        return Deadline(due, "late" if breach.notified_at > due else "met", 0, 0)
    now = now or clock.now()
    left = due - now
    if left <= timedelta(0):
        return Deadline(due, "overdue", 0, 0)
    minutes = int(left.total_seconds() // 60)
    state = "due_soon" if left <= timedelta(hours=notify_hours()) / 4 else "ok"
    return Deadline(due, state, minutes // 60, minutes % 60)


def _text(value, high: int, field: str, message=None) -> str | None:
    text = nfc(value or "").strip()
    if message is not None and not text:
        raise InvalidInput(message, field)
    if len(text) > high:
        raise InvalidInput(_l("Keep this under %(n)s characters.", n=high), field)
    return text or None


def record(actor, detected_at: datetime, summary: str, kinds: list[str], affected_from: datetime | None,
           affected_to: datetime | None, actions: str | None = None) -> BreachRecord:
    """Record a suspected breach; commits, audited (without the typed text)."""
    now = clock.now()
    summary = _text(summary, SUMMARY_MAX, "summary", _l("Say what happened, as far as you know."))
    actions = _text(actions, ACTIONS_MAX, "actions")
    if detected_at > now + timedelta(minutes=5):
        raise InvalidInput(_l("The detection cannot be in the future."), "detected_on")
    known = data_kinds()
    kinds = [k for k in kinds if k in known]
    if not kinds:
        raise InvalidInput(_l("Choose at least one kind of data that may be touched."), "kinds")
    if (affected_from is None) != (affected_to is None):
        raise InvalidInput(_l("Give both ends of the window, or neither."), "affected_to")
    if affected_from is not None:
        if affected_to < affected_from:
            raise InvalidInput(_l("The window must end on or after its start."), "affected_to")
        if affected_to - affected_from > timedelta(days=WINDOW_MAX_DAYS):
            raise InvalidInput(_l("Keep the window within a year."), "affected_to")
    breach = BreachRecord(detected_at=detected_at, recorded_at=now, recorded_by_id=actor.id, summary=summary,
                          data_kinds=",".join(kinds), affected_from=affected_from, affected_to=affected_to,
                          status="open", actions=actions)
    db.session.add(breach)
    db.session.flush()
    audit.record(actor, RECORDED, TARGET, breach.id,
                 after={"detected_at": detected_at, "data_kinds": kinds, "affected_from": affected_from,
                        "affected_to": affected_to})
    db.session.commit()
    return breach


def kinds_of(breach: BreachRecord) -> list[str]:
    """The breach's data kinds, as keys."""
    return [k for k in (breach.data_kinds or "").split(",") if k]


def set_status(breach: BreachRecord, actor, status: str, actions: str | None = None) -> BreachRecord:
    """Mark the breach notified (the authority and the people were told) or closed; commits, audited."""
    if status not in ("notified", "closed"):
        raise InvalidInput(_l("Choose notified or closed."), "status")
    actions = _text(actions, ACTIONS_MAX, "actions")
    lock_row("breach_records", breach.id)
    db.session.refresh(breach)
    if breach.status == "closed" or breach.status == status:
        label, _tone = privacy_labels.BREACH_STATUSES[breach.status]
        raise InvalidInput(_l("This breach record is already %(status)s.", status=label), "status")
    now = clock.now()
    before = {"status": breach.status}
    breach.status = status
    if status == "notified":
        breach.notified_at = now
    else:
        breach.closed_at = now
    if actions:
        breach.actions = actions
    audit.record(actor, NOTIFIED if status == "notified" else CLOSED, TARGET, breach.id, before=before,
                 after={"status": status, "late": status == "notified" and now > notify_by(breach)})
    db.session.commit()
    return breach


def _people_select(breach: BreachRecord):
    """A select of the ids of people the audit log names in the breach's window and kinds."""
    kinds = kinds_of(breach)
    window = and_(AuditEvent.created_at >= breach.affected_from, AuditEvent.created_at <= breach.affected_to)
    if ANY in kinds:
        matches = window
        self_acting = window
    else:
        def names(keys):
            actions = [n for k in keys if k in audit_labels.KINDS for n in audit_labels.KINDS[k][1]]
            if "exports" in keys:
                actions.append("privacy.export")
            exact = [n for n in actions if not n.endswith(".")]
            return or_(AuditEvent.action.in_(exact) if exact else False,
                       *(AuditEvent.action.startswith(n) for n in actions if n.endswith(".")))

        matches = and_(window, names(kinds))
        self_acting = and_(window, names([k for k in kinds if k in SELF_KINDS]))
    targets = select(AuditEvent.target_id).where(matches, AuditEvent.target_type == "user",
                                                 AuditEvent.target_id.is_not(None))
    holders = (select(Credential.user_id).join(AuditEvent, and_(AuditEvent.target_type == "credential",
                                                                AuditEvent.target_id == Credential.id))
               .where(matches))
    actors = select(AuditEvent.actor_id).where(self_acting, AuditEvent.actor_id.is_not(None))
    return union(targets, holders, actors)


def affected(breach: BreachRecord) -> tuple[list[User], int, int]:
    """(people, how many in all, bulk exports): the first AFFECTED_SHOWN people named by the audit
    log in the window for the chosen kinds, their number, and how many exports in the window covered
    many people at once (reports, ledgers), which the organiser must review by hand."""
    if breach.affected_from is None or breach.affected_to is None:
        return [], 0, 0
    ids = _people_select(breach).subquery()
    total = db.session.scalar(select(func.count()).select_from(ids)) or 0
    people = list(db.session.scalars(select(User).where(User.id.in_(select(ids.c[0])))
                                     .order_by(User.sort_name, User.id).limit(AFFECTED_SHOWN)))
    bulk = 0
    if "exports" in kinds_of(breach) or ANY in kinds_of(breach):
        bulk = db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.created_at >= breach.affected_from, AuditEvent.created_at <= breach.affected_to,
            AuditEvent.action.startswith(audit_labels.EXPORT_PREFIX),
            AuditEvent.target_type.not_in(("user", "credential")))) or 0
    return people, total, bulk


def drafts(breach: BreachRecord, affected_count: int, contact: str) -> dict[str, dict[str, tuple[str, str]]]:
    """The notification emails, {audience: {locale: (subject, body)}}, for the organiser to copy."""
    kinds = data_kinds()
    result: dict[str, dict[str, tuple[str, str]]] = {}
    for audience in ("authority", "people"):
        result[audience] = {}
        for locale in ("vi", "en"):
            with force_locale(locale):
                text = render_template(f"email/breach_{audience}.txt", breach=breach, due=notify_by(breach),
                                       kinds=[str(kinds[k]) for k in kinds_of(breach) if k in kinds],
                                       affected_count=affected_count, contact=contact)
            subject, _sep, body = text.partition("\n")
            result[audience][locale] = (subject.strip(), body.strip() + "\n")
    return result
