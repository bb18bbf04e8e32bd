"""Queries behind the students' shift list and 'My shifts' (a fixed number of queries per page)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.campaigns.models import Campaign, CampaignEnrolment, ServicePoint
from portal.core.types import utcnow
from portal.extensions import db
from portal.i18n import LOCAL_TZ
from portal.shifts import rules
from portal.shifts.booking import waitlist_positions
from portal.shifts.models import Booking, Shift, WaitlistEntry

MAX_SHIFTS = 400


@dataclass
class Filters:
    """What the student filters the list by."""

    date_from: date | None = None
    date_to: date | None = None
    branch_id: int | None = None
    point_id: int | None = None
    only_available: bool = False


@dataclass
class Row:
    """One shift as a student sees it."""

    shift: Shift
    booking: Booking | None = None
    refusal: rules.BookingRefused | None = None
    waitlist_position: int | None = None
    extra: dict = field(default_factory=dict)


def _bounds(filters: Filters) -> tuple[datetime, datetime]:
    """The UTC instants of the date range (today to four weeks ahead by default)."""
    today = datetime.now(LOCAL_TZ).date()
    start = max(filters.date_from or today, today)
    end = filters.date_to or (today + timedelta(days=28))
    return (datetime.combine(start, time.min, tzinfo=LOCAL_TZ),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=LOCAL_TZ))


def shifts_for(user, filters: Filters) -> list[Shift]:
    """Open shifts of the campaigns the student joined, in the date range and place chosen."""
    start, end = _bounds(filters)
    stmt = (
        select(Shift).join(Campaign, Campaign.id == Shift.campaign_id)
        .join(CampaignEnrolment, (CampaignEnrolment.campaign_id == Shift.campaign_id) & (CampaignEnrolment.user_id == user.id))
        .join(ServicePoint, ServicePoint.id == Shift.point_id)
        .options(joinedload(Shift.point).joinedload(ServicePoint.branch), joinedload(Shift.campaign))
        .where(Shift.status == "open", Campaign.status == "open", ServicePoint.is_active,
               Shift.starts_at >= max(start, utcnow()),
               Shift.starts_at < end)
        .order_by(Shift.starts_at, ServicePoint.name).limit(MAX_SHIFTS)
    )
    if filters.point_id:
        stmt = stmt.where(Shift.point_id == filters.point_id)
    if filters.branch_id:
        stmt = stmt.where(ServicePoint.branch_id == filters.branch_id)
    if filters.only_available:
        stmt = stmt.where(Shift.booked_count < Shift.capacity)
    return list(db.session.scalars(stmt).unique())


def rows_for(user, shifts: list[Shift]) -> list[Row]:
    """Each shift with the student's booking, the rule that stops them (if any) and waitlist place."""
    context = rules.context_for(user, shifts)
    mine = {b.shift_id: b for b in context["bookings"]}
    positions = waitlist_positions(user.id, [s.id for s in shifts]) if shifts else {}
    rows = []
    for shift in shifts:
        booking = mine.get(shift.id)
        refusal = None if booking else rules.refusal(user, shift, context)
        rows.append(Row(shift, booking, refusal, positions.get(shift.id)))
    return rows


def by_day(rows: list[Row]):
    """Rows grouped by their Hanoi calendar day."""
    return [(day, list(items)) for day, items in groupby(rows, key=lambda r: rules.local_day(r.shift.starts_at))]


def my_bookings(user) -> tuple[list[Booking], list[Booking]]:
    """The student's bookings: upcoming (soonest first) and past (latest first, 50 at most)."""
    base = (select(Booking).join(Shift, Shift.id == Booking.shift_id)
            .options(joinedload(Booking.shift).joinedload(Shift.point)).where(Booking.user_id == user.id))
    now = utcnow()
    upcoming = db.session.scalars(base.where(Shift.ends_at >= now, Booking.status.in_(("booked", "shift_cancelled")))
                                  .order_by(Shift.starts_at)).unique().all()
    past = db.session.scalars(base.where(Shift.ends_at < now).order_by(Shift.starts_at.desc()).limit(50)).unique().all()
    return list(upcoming), list(past)


def my_waitlist(user) -> list[tuple[Shift, int]]:
    """The shifts, not yet started, whose waitlist the student is on, soonest first, with their place."""
    shifts = db.session.scalars(
        select(Shift).join(WaitlistEntry, WaitlistEntry.shift_id == Shift.id).options(joinedload(Shift.point))
        .where(WaitlistEntry.user_id == user.id, WaitlistEntry.status == "waiting", Shift.status == "open",
               Shift.starts_at > utcnow()).order_by(Shift.starts_at)).unique().all()
    places = waitlist_positions(user.id, [s.id for s in shifts])
    return [(shift, places[shift.id]) for shift in shifts if shift.id in places]
