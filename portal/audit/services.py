"""Record and query staff actions. Callers add the event to their own transaction."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import has_request_context, request
from sqlalchemy import and_, or_, select

from portal.audit.labels import KINDS
from portal.audit.models import AuditEvent
from portal.core import clock
from portal.extensions import db


def _plain(value: Any) -> Any:
    """Turn dates and other values into JSON-friendly ones."""
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in (sorted(value) if isinstance(value, set) else value)]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def snapshot(obj, fields, **extra) -> dict[str, Any]:
    """Capture a record for an event's before or after (or an undo): `fields` names its attributes, or
    maps the key to store to the attribute (`{"elderly": "elderly_helped"}`); `extra` adds values that
    are not attributes (`leaders=[ids]`). Every value is made JSON-friendly the same way."""
    named = fields if isinstance(fields, dict) else {f: f for f in fields}
    return {**{key: _plain(getattr(obj, attr)) for key, attr in named.items()},
            **{key: _plain(value) for key, value in extra.items()}}


def record(
    actor,
    action: str,
    target_type: str,
    target_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction; it commits or rolls back with the change.

    Inside a request the IP address is the client's as ProxyFix sees it (trusting PROXY_COUNT proxies).
    """
    if ip_address is None and has_request_context():
        ip_address = (request.remote_addr or "")[:45] or None
    if before is not None and after is not None:
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        before = {k: v for k, v in before.items() if k in changed}
        after = {k: v for k, v in after.items() if k in changed}
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=target_type,
        target_id=target_id,
        before=_plain(before),
        after=_plain(after),
        ip_address=ip_address,
    )
    db.session.add(event)
    return event


def record_access(actor, action: str, target_type: str, target_id: int | None = None, **details) -> None:
    """Record that someone read personal data (a person's page, an export), and commit at once:
    the request that reads changes nothing else, and the trace must stay even if it fails later."""
    record(actor, action, target_type, target_id, after=details or None)
    db.session.commit()


def query(
    action: str | None = None,
    actor_id: int | None = None,
    target_type: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    person_id: int | None = None,
    kind: str | None = None,
):
    """Build the newest-first query of events matching the filters (dates are local days).

    `person_id` keeps what the person did and what was done to their account; `kind` is one of
    labels.KINDS (its actions, or action prefixes ending in a dot).
    """
    stmt = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action))
    if kind in KINDS:
        names = KINDS[kind][1]
        stmt = stmt.where(or_(AuditEvent.action.in_([n for n in names if not n.endswith(".")]),
                              *(AuditEvent.action.startswith(n) for n in names if n.endswith("."))))
    if person_id:
        stmt = stmt.where(or_(AuditEvent.actor_id == person_id,
                              and_(AuditEvent.target_type == "user", AuditEvent.target_id == person_id)))
    if actor_id:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if target_type:
        stmt = stmt.where(AuditEvent.target_type == target_type)
    if date_from:
        stmt = stmt.where(AuditEvent.created_at >= clock.day_start(date_from))
    if date_to:
        stmt = stmt.where(AuditEvent.created_at < clock.day_start(date_to + timedelta(days=1)))
    return stmt


def action_names() -> list[str]:
    """The distinct actions recorded so far, for the filter's choices."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def history_of(target_type: str, target_id: int) -> list[AuditEvent]:
    """Every event about one record, oldest first (a request's or a breach's history)."""
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.target_type == target_type,
                                                            AuditEvent.target_id == target_id)
                                   .order_by(AuditEvent.created_at, AuditEvent.id)))
