"""The organisers' queue of people's requests about their data: its filters, soonest legal deadline
first; the organisers who may handle a request; a request's history."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, or_, select

from portal.accounts.models import User, UserRole
from portal.audit import services as audit
from portal.core import clock
from portal.extensions import db
from portal.privacy import requests as privacy_requests
from portal.privacy.models import REQUEST_KINDS, REQUEST_STATUSES, DataRequest

FILTER_STATUSES = ("open", "all", *REQUEST_STATUSES)
FILTER_DEADLINES = ("overdue", "due_soon")


def queue_query(status: str = "open", kind: str = "", deadline: str = "", handler: str = "", viewer=None,
                now: datetime | None = None):
    """The requests matching the queue's filters, soonest legal deadline first (closed ones last)."""
    now = now or clock.now()
    stmt = select(DataRequest)
    if status == "open" or status not in FILTER_STATUSES:
        stmt = stmt.where(DataRequest.status.in_(privacy_requests.OPEN_STATUSES))
    elif status != "all":
        stmt = stmt.where(DataRequest.status == status)
    if kind in REQUEST_KINDS:
        stmt = stmt.where(DataRequest.kind == kind)
    if deadline in FILTER_DEADLINES:
        def passed(moment):
            return or_(DataRequest.due_at < moment,
                       DataRequest.acknowledged_at.is_(None) & (DataRequest.acknowledge_by < moment))

        stmt = stmt.where(DataRequest.status.in_(privacy_requests.OPEN_STATUSES))
        if deadline == "overdue":
            stmt = stmt.where(passed(now))
        else:
            soon = now + timedelta(hours=privacy_requests.setting("PRIVACY_DUE_SOON_HOURS"))
            stmt = stmt.where(passed(soon), ~passed(now))
    if handler == "me" and viewer is not None:
        stmt = stmt.where(DataRequest.handled_by_id == viewer.id)
    elif handler == "none":
        stmt = stmt.where(DataRequest.handled_by_id.is_(None))
    closed_last = case((DataRequest.status.in_(privacy_requests.OPEN_STATUSES), 0), else_=1)
    return stmt.order_by(closed_last, DataRequest.due_at, DataRequest.id)


def history(req: DataRequest):
    """The request's audit entries, oldest first: its own steps, and what was done for it."""
    return audit.history_of(privacy_requests.TARGET, req.id)


def organisers():
    """Active organisers, who may handle requests, by given name."""
    return list(db.session.scalars(select(User).where(User.is_active_account.is_(True),
                                                      User.roles.any(UserRole.role == "admin"))
                                   .order_by(User.sort_name, User.id)))
