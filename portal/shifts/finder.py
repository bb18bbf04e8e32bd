"""Queries behind the students' shift finder and 'My shifts' (a fixed number of queries per page, whatever
the size of the city): a week at a time, the student's preferred points first, what blocks them said once."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby

from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager, joinedload

from portal.campaigns.models import Campaign, CampaignEnrolment, ServicePoint
from portal.core import clock
from portal.extensions import db
from portal.shifts import preferences, rules
from portal.shifts.booking import waitlist_positions
from portal.shifts.models import Booking, Shift, WaitlistEntry

PAGE_SIZE = 50  # cards per page: a phone page stays light; "showing N of M" says when there are more
WEEK_DAYS = 7
# Rules that stop a student from every shift of a campaign (or of a week), not from one shift: the
# finder says them once above the list, with the action that fixes them, instead of on every card.
OVERALL = ("enrolment", "account", "training", "phone", "week_cap")


@dataclass
class Filters:
    """What the student filters the list by."""

    date_from: date | None = None
    date_to: date | None = None
    when: str | None = None  # a date chip: today, tomorrow, week, weekend
    week: date | None = None  # the first day of the 7-day page
    page: int = 1
    branch_id: int | None = None
    point_id: int | None = None
    only_available: bool = False

    @property
    def chip(self) -> str | None:
        """The date chip in effect: a chip's key, None for every coming day, "dates" for typed dates."""
        return "dates" if self.date_from or self.date_to else self.when


@dataclass
class Row:
    """One shift as a student sees it."""

    shift: Shift
    booking: Booking | None = None
    refusal: rules.BookingRefused | None = None
    waitlist_position: int | None = None
    extra: dict = field(default_factory=dict)
    overall: bool = False  # the refusal is said once above the list, not on the card
    preferred: bool = False


@dataclass
class Window:
    """The days the list covers: the range asked for, and the 7-day page of it shown now."""

    start: date
    end: date | None  # None: open-ended (every coming shift, a week at a time)
    page_start: date
    page_end: date
    week_refused: bool = False  # the ?week= asked for lies outside the range

    @property
    def previous(self) -> date | None:
        """The first day of the page before, if the range reaches back that far."""
        return max(self.page_start - timedelta(days=WEEK_DAYS), self.start) if self.page_start > self.start else None

    @property
    def next(self) -> date | None:
        """The first day of the page after, if the range goes on."""
        following = self.page_start + timedelta(days=WEEK_DAYS)
        return following if self.end is None or following <= self.end else None


@dataclass
class Blocker:
    """A rule that stops the student from every shift of a campaign (or week) on the page."""

    code: str
    campaign: Campaign
    refusal: rules.BookingRefused
    week: tuple[date, date] | None = None


@dataclass
class Page:
    """One page of the finder: its rows (preferred points first), how many in all, what blocks."""

    window: Window
    rows: list[Row]
    total: int
    offset: int
    blockers: list[Blocker]
    preferred_ids: list[int]

    @property
    def number(self) -> int:
        """The page's number within its week (1 = the first PAGE_SIZE shifts)."""
        return self.offset // PAGE_SIZE + 1

    @property
    def shown_to(self) -> int:
        """The number of the last shift shown (1-based)."""
        return self.offset + len(self.rows)

    @property
    def sections(self) -> list[tuple[str, list]]:
        """("preferred" | "other" | "all", rows by day): the preferred points' shifts come first."""
        if not self.preferred_ids:
            return [("all", by_day(self.rows))] if self.rows else []
        preferred = [r for r in self.rows if r.preferred]
        other = [r for r in self.rows if not r.preferred]
        return [(kind, by_day(rows)) for kind, rows in (("preferred", preferred), ("other", other)) if rows]

    @property
    def next_count(self) -> int:
        """How many shifts the next page of this week shows."""
        return min(self.total - self.shown_to, PAGE_SIZE)

    @property
    def has_more(self) -> bool:
        """Whether shifts of this week come after this page."""
        return self.shown_to < self.total


def chip_range(when: str, today: date) -> tuple[date, date]:
    """The days of a date chip: today, tomorrow, the rest of this week, or this weekend."""
    weekday = today.weekday()
    if when == "tomorrow":
        return today + timedelta(days=1), today + timedelta(days=1)
    if when == "week":
        return today, today + timedelta(days=6 - weekday)
    if when == "weekend":
        return max(today + timedelta(days=5 - weekday), today), today + timedelta(days=6 - weekday)
    return today, today


def window(filters: Filters, today: date) -> Window:
    """The range asked for (a chip, typed dates or every coming day) and its 7-day page."""
    if filters.when:
        start, end = chip_range(filters.when, today)
    else:
        start, end = max(filters.date_from or today, today), filters.date_to
    page_start, refused = start, False
    if filters.week:
        if filters.week >= start and (end is None or filters.week <= end):
            page_start = filters.week
        else:
            refused = True
    page_end = page_start + timedelta(days=WEEK_DAYS - 1)
    if end is not None:
        page_end = min(page_end, end)
    return Window(start, end, page_start, page_end, refused)


def _where(filters: Filters, win: Window) -> list:
    """The conditions of the shifts a student may look at on this page."""
    conditions = [Shift.status == "open", Campaign.status == "open", ServicePoint.is_active,
                  Shift.starts_at >= max(clock.day_start(win.page_start), clock.now()),
                  Shift.starts_at < clock.day_start(win.page_end + timedelta(days=1))]
    if filters.point_id:
        conditions.append(Shift.point_id == filters.point_id)
    if filters.branch_id:
        conditions.append(ServicePoint.branch_id == filters.branch_id)
    if filters.only_available:
        conditions.append(Shift.booked_count < Shift.capacity)
    return conditions


def page_for(user, filters: Filters, today: date | None = None) -> Page:
    """A page of the finder: open shifts of the open campaigns the student joined (of every open one if
    they joined none) in the week shown, their preferred points first, then by time; PAGE_SIZE at most,
    with the total so the page can say what is left."""
    win = window(filters, today or clock.local_today())
    conditions = _where(filters, win)
    joined_ids = list(db.session.scalars(select(CampaignEnrolment.campaign_id).join(Campaign).where(
        CampaignEnrolment.user_id == user.id, Campaign.status == "open")))
    if joined_ids:  # the campaigns they joined; someone who joined none sees every open one, and is told to join
        conditions.append(Shift.campaign_id.in_(joined_ids))
    joined = lambda stmt: (stmt.join(Campaign, Campaign.id == Shift.campaign_id)  # noqa: E731
                           .join(ServicePoint, ServicePoint.id == Shift.point_id).where(*conditions))
    preferred = preferences.point_ids(user)
    order = [case((Shift.point_id.in_(preferred), 0), else_=1)] if preferred else []
    offset = (filters.page - 1) * PAGE_SIZE
    # The page and, on each of its rows, how many shifts match in all (one statement, not two).
    found = db.session.execute(
        joined(select(Shift, func.count(Shift.id).over())).options(
            contains_eager(Shift.point).joinedload(ServicePoint.branch), joinedload(Shift.campaign))
        .order_by(*order, Shift.starts_at, ServicePoint.name, Shift.id).limit(PAGE_SIZE).offset(offset)).all()
    shifts = [shift for shift, _ in found]
    if found:
        total = found[0][1]
    else:  # past the last page, or nothing at all: the count alone
        total = db.session.scalar(joined(select(func.count(Shift.id)).select_from(Shift))) if offset else 0
    rows = rows_for(user, shifts, enrolled=set(joined_ids))
    for row in rows:
        row.preferred = row.shift.point_id in preferred
    return Page(win, rows, total, offset, blockers(rows), preferred)


def blockers(rows: list[Row]) -> list[Blocker]:
    """The rules that stop the student from whole campaigns or weeks, once each; marks their rows."""
    found: dict[tuple, Blocker] = {}
    for row in rows:
        if row.booking or row.refusal is None or row.refusal.code not in OVERALL:
            continue
        row.overall = True
        week = None
        if row.refusal.code == "week_cap":
            day = rules.local_day(row.shift.starts_at)
            monday = day - timedelta(days=day.weekday())
            week = (monday, monday + timedelta(days=6))
        found.setdefault((row.refusal.code, row.shift.campaign_id, week),
                         Blocker(row.refusal.code, row.shift.campaign, row.refusal, week))
    return list(found.values())


def rows_for(user, shifts: list[Shift], enrolled: set[int] | None = None) -> list[Row]:
    """Each shift with the student's booking, the rule that stops them (if any) and waitlist place
    (`enrolled`: the open campaigns the student joined, when the caller has read them)."""
    context = rules.context_for(user, shifts, enrolled)
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
    now = clock.now()
    upcoming = db.session.scalars(base.where(Shift.ends_at >= now, Booking.status.in_(("booked", "shift_cancelled")))
                                  .order_by(Shift.starts_at)).unique().all()
    past = db.session.scalars(base.where(Shift.ends_at < now).order_by(Shift.starts_at.desc()).limit(50)).unique().all()
    return list(upcoming), list(past)


def my_waitlist(user) -> list[tuple[Shift, int]]:
    """The shifts, not yet started, whose waitlist the student is on, soonest first, with their place."""
    shifts = db.session.scalars(
        select(Shift).join(WaitlistEntry, WaitlistEntry.shift_id == Shift.id).options(joinedload(Shift.point))
        .where(WaitlistEntry.user_id == user.id, WaitlistEntry.status == "waiting", Shift.status == "open",
               Shift.starts_at > clock.now()).order_by(Shift.starts_at)).unique().all()
    places = waitlist_positions(user.id, [s.id for s in shifts])
    return [(shift, places[shift.id]) for shift in shifts if shift.id in places]
