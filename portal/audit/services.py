"""Record and query staff actions. Callers add the event to their own transaction."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _plain(value: Any) -> Any:
    """Turn dates and other values into JSON-friendly ones."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in (sorted(value) if isinstance(value, set) else value)]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def snapshot(obj, fields: list[str]) -> dict[str, Any]:
    """Capture the named attributes of a record, for an event's before or after."""
    return {f: _plain(getattr(obj, f)) for f in fields}


def record(
    actor,
    action: str,
    target_type: str,
    target_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction; it commits or rolls back with the change."""
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


def query(
    action: str | None = None,
    actor_id: int | None = None,
    target_type: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
):
    """Build the newest-first query of events matching the filters (dates are local days)."""
    stmt = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action))
    if actor_id:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if target_type:
        stmt = stmt.where(AuditEvent.target_type == target_type)
    if date_from:
        stmt = stmt.where(AuditEvent.created_at >= _local_midnight(date_from))
    if date_to:
        stmt = stmt.where(AuditEvent.created_at < _local_midnight(date_to + timedelta(days=1)))
    return stmt


def _local_midnight(day: date) -> datetime:
    """The UTC instant at which a local (Hanoi) day starts."""
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def action_names() -> list[str]:
    """The distinct actions recorded so far, for the filter's choices."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
