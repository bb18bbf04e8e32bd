"""People's requests about their data (Law No. 91/2025/QH15, Decree 356/2025/ND-CP): opening one
with its legal deadlines, and the organisers' steps (acknowledge, extend once, assign, close).

Our reading of Decree 356/2025/ND-CP, as law firms summarise it, with every number a setting in
portal/config.py:
- answer (acknowledge) within PRIVACY_ACK_WORKING_DAYS (2) working days: Monday to Friday in Hanoi
  time, the day of receipt not counted, the deadline at the end of the last day; public holidays
  are not known to the portal and count as working days, which only ever brings the deadline closer;
- complete within PRIVACY_DUE_DAYS (10) days; withdrawal of consent, restriction and objection
  within PRIVACY_DUE_DAYS_RESTRICTION (15); where a processor or third party must act,
  PRIVACY_DUE_DAYS_THIRD_PARTY (20). Calendar days (the stricter reading), counted like the answer;
- one extension of at most PRIVACY_EXTENSION_DAYS (15) days, with a reason.

`open_request` works in the caller's transaction (it flushes, the caller commits), so a request
rides with the change that made it. Each step function is one transaction of its own: it locks the
request's row (two organisers cannot take the same step at once), checks, changes, audits, commits.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app, has_app_context
from flask_babel import gettext

from portal.audit import services as audit
from portal.core import clock
from portal.core.clock import LOCAL_TZ
from portal.core.locks import lock_row
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.privacy.models import REQUEST_CHANNELS, REQUEST_KINDS, DataRequest

TARGET = "data_request"
OPENED = "privacy.request.open"
ACKNOWLEDGED = "privacy.request.acknowledge"
EXTENDED = "privacy.request.extend"
ASSIGNED = "privacy.request.assign"
CLOSED = "privacy.request.close"
EXPORT_PREPARED = "privacy.request.export"
EXPORTED = "privacy.request.export_download"
ERASED = "privacy.request.erase"

DEFAULTS = {
    "PRIVACY_ACK_WORKING_DAYS": 2,
    "PRIVACY_DUE_DAYS": 10,
    "PRIVACY_DUE_DAYS_RESTRICTION": 15,
    "PRIVACY_DUE_DAYS_THIRD_PARTY": 20,
    "PRIVACY_EXTENSION_DAYS": 15,
    "PRIVACY_DUE_SOON_HOURS": 48,
}
# The kinds the decree gives 15 days: withdrawal of consent, restriction and objection.
RESTRICTION_KINDS = ("restriction", "objection", "withdrawal")
OPEN_STATUSES = ("new", "in_progress")
DETAILS_MAX = 4000
SUBJECT_MAX = 200
OUTCOME_MAX = 4000

KIND_LABELS = {
    "access": _l("See or obtain my data"), "correction": _l("Correct my data"), "erasure": _l("Erase my data"),
    "restriction": _l("Restrict processing"), "objection": _l("Object to processing"),
    "withdrawal": _l("Withdraw consent"), "other": _l("Other request"),
}
CHANNEL_LABELS = {
    "portal": _l("In the portal"), "letter": _l("Letter"), "phone": _l("Phone call"), "email": _l("Email"),
    "in_person": _l("In person"),
}
ACTION_LABELS = {
    OPENED: _l("Request received"), ACKNOWLEDGED: _l("Request acknowledged"), EXTENDED: _l("Deadline extended"),
    ASSIGNED: _l("Request assigned"), CLOSED: _l("Request closed"),
    EXPORT_PREPARED: _l("Export prepared for the request"), EXPORTED: _l("Export downloaded for the request"),
    ERASED: _l("Account erased for the request"),
}


def setting(name: str) -> int:
    """A privacy deadline setting (portal/config.py), or its documented default outside an app."""
    if has_app_context():
        return int(current_app.config.get(name, DEFAULTS[name]))
    return DEFAULTS[name]


def _end_of_local_day(day) -> datetime:
    """The last instant of a Hanoi day, as aware UTC."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=LOCAL_TZ) - timedelta(microseconds=1)


def add_working_days(start: datetime, days: int) -> datetime:
    """The end of the `days`-th working day (Mon–Fri, Hanoi) after the day of `start`."""
    day = start.astimezone(LOCAL_TZ).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return _end_of_local_day(day)


def add_days(start: datetime, days: int) -> datetime:
    """The end of the `days`-th calendar day (Hanoi) after the day of `start`."""
    return _end_of_local_day(start.astimezone(LOCAL_TZ).date() + timedelta(days=days))


def due_days(kind: str, third_party: bool = False) -> int:
    """How many days the decree gives to complete a request of this kind (our reading)."""
    if third_party:
        return setting("PRIVACY_DUE_DAYS_THIRD_PARTY")
    if kind in RESTRICTION_KINDS:
        return setting("PRIVACY_DUE_DAYS_RESTRICTION")
    return setting("PRIVACY_DUE_DAYS")


def _text(value, high: int, field: str, message, required: bool = False) -> str | None:
    text = nfc(value or "").strip()
    if required and not text:
        raise InvalidInput(message, field)
    if len(text) > high:
        raise InvalidInput(_l("Keep this under %(n)s characters.", n=high), field)
    return text or None


def open_request(user, kind: str, details: str | None, channel: str = "portal", actor=None, subject: str | None = None,
                 third_party: bool = False, received_at: datetime | None = None) -> DataRequest:
    """Record a request about `user`'s data (or about `subject`, someone without an account).

    Computes the acknowledgement and legal deadlines, audits, and flushes in the caller's
    transaction: the caller commits. `actor` is who recorded it (the person themselves by default).
    """
    if kind not in REQUEST_KINDS:
        raise InvalidInput(_l("Choose what the person asks for."), "kind")
    if channel not in REQUEST_CHANNELS:
        raise InvalidInput(_l("Choose how the request arrived."), "channel")
    subject = _text(subject, SUBJECT_MAX, "subject", _l("Say who is asking."))
    if user is None and not subject:
        raise InvalidInput(_l("Choose the person's account, or say who is asking when they have none."), "subject")
    details = _text(details, DETAILS_MAX, "details", _l("Say what the person asks for."))
    received = received_at or clock.now()
    req = DataRequest(
        user_id=getattr(user, "id", None), subject=subject if user is None else None, kind=kind, status="new",
        channel=channel, details=details, received_at=received,
        acknowledge_by=add_working_days(received, setting("PRIVACY_ACK_WORKING_DAYS")),
        due_at=add_days(received, due_days(kind, third_party)), is_extended=False,
        created_by_id=getattr(actor if actor is not None else user, "id", None),
    )
    db.session.add(req)
    db.session.flush()
    # No typed text in the audit entry: it is personal and the audit log outlives it.
    audit.record(actor if actor is not None else user, OPENED, TARGET, req.id,
                 after={"kind": kind, "channel": channel, "user_id": req.user_id, "third_party": third_party,
                        "due_at": req.due_at, "acknowledge_by": req.acknowledge_by})
    return req


def _locked(req: DataRequest) -> DataRequest:
    """Lock the request's row and re-read it, so two organisers cannot take the same step at once."""
    lock_row("data_requests", req.id)
    db.session.refresh(req)
    return req


def _must_be_open(req: DataRequest) -> None:
    if req.status not in OPEN_STATUSES:
        raise InvalidInput(_l("This request is already closed."), None)


def acknowledge(req: DataRequest, actor) -> DataRequest:
    """Record that the person has been answered (the 2-working-day step); the actor handles it if nobody does."""
    req = _locked(req)
    _must_be_open(req)
    if req.acknowledged_at is not None:
        raise InvalidInput(_l("This request has already been acknowledged."), None)
    req.acknowledged_at = clock.now()
    req.status = "in_progress"
    if req.handled_by_id is None:
        req.handled_by_id = actor.id
    audit.record(actor, ACKNOWLEDGED, TARGET, req.id,
                 after={"status": req.status, "handled_by_id": req.handled_by_id,
                        "late": req.acknowledged_at > req.acknowledge_by})
    db.session.commit()
    return req


def extend(req: DataRequest, actor, reason: str) -> DataRequest:
    """Extend the legal deadline once, by PRIVACY_EXTENSION_DAYS, for a stated reason."""
    reason = _text(reason, OUTCOME_MAX, "reason", _l("Say why the request needs more time; the person is told."),
                   required=True)
    req = _locked(req)
    _must_be_open(req)
    if req.is_extended:
        raise InvalidInput(_l("The deadline can be extended only once."), "reason")
    before = req.due_at
    req.due_at = req.due_at + timedelta(days=setting("PRIVACY_EXTENSION_DAYS"))
    req.is_extended = True
    audit.record(actor, EXTENDED, TARGET, req.id, before={"due_at": before},
                 after={"due_at": req.due_at, "reason": reason})
    db.session.commit()
    return req


def assign(req: DataRequest, actor, handler) -> DataRequest:
    """Give the request to an active organiser to handle."""
    if handler is None or not handler.is_active_account or not handler.has_role("admin"):
        raise InvalidInput(_l("Choose an active organiser."), "handler")
    req = _locked(req)
    _must_be_open(req)
    before = req.handled_by_id
    if before == handler.id:
        raise InvalidInput(_l("This organiser already handles the request."), "handler")
    req.handled_by_id = handler.id
    audit.record(actor, ASSIGNED, TARGET, req.id, before={"handled_by_id": before},
                 after={"handled_by_id": handler.id})
    db.session.commit()
    return req


def close(req: DataRequest, actor, status: str, outcome: str) -> DataRequest:
    """Close the request as done or refused, with the outcome the person is told."""
    close_in_transaction(req, actor, status, outcome)
    db.session.commit()
    return req


# The outcome the portal writes itself when an erasure closes a request: stored as the message id
# and shown in each reader's language (an organiser's own words are shown as typed).
ERASED_OUTCOME = "The account and its personal data were erased."
_l("The account and its personal data were erased.")  # for the catalogue


def outcome_text(req: DataRequest) -> str:
    """The request's outcome as a reader should see it."""
    return gettext(ERASED_OUTCOME) if req.outcome == ERASED_OUTCOME else (req.outcome or "")


def close_in_transaction(req: DataRequest, actor, status: str, outcome: str) -> DataRequest:
    """`close` without the commit, for a step that closes the request with its own work (an erasure)."""
    if status not in ("done", "refused"):
        raise InvalidInput(_l("Choose whether the request was done or refused."), "status")
    outcome = _text(outcome, OUTCOME_MAX, "outcome", _l("Say what was done, or why the request is refused."),
                    required=True)
    req = _locked(req)
    _must_be_open(req)
    now = clock.now()
    req.status = status
    req.outcome = outcome
    req.closed_at = now
    if req.acknowledged_at is None:
        req.acknowledged_at = now
    if req.handled_by_id is None:
        req.handled_by_id = actor.id
    audit.record(actor, CLOSED, TARGET, req.id,
                 after={"status": status, "late": now > req.due_at, "handled_by_id": req.handled_by_id})
    return req


def deadline_state(deadline: datetime | None, done_at: datetime | None = None, now: datetime | None = None) -> str:
    """'met', 'late' (done after it), 'overdue', 'due_soon' (within PRIVACY_DUE_SOON_HOURS) or 'ok'."""
    if deadline is None:
        return "ok"
    if done_at is not None:
        return "late" if done_at > deadline else "met"
    now = now or clock.now()
    if now > deadline:
        return "overdue"
    if deadline - now <= timedelta(hours=setting("PRIVACY_DUE_SOON_HOURS")):
        return "due_soon"
    return "ok"


def record_for_request(req: DataRequest, actor, action: str, **details) -> None:
    """Add an audit entry about work done for the request (an export, an erasure) to the caller's transaction."""
    audit.record(actor, action, TARGET, req.id, after=details or None)
