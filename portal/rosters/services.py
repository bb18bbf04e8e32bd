"""What a printed roster holds: a shift's volunteers by given name (phones for those who may see them), the
campaign's activity categories to tally, a point's shifts of one Hanoi day, and a point's week of shifts."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from portal.campaigns import points as points_service
from portal.campaigns.models import ServicePoint
from portal.core import clock
from portal.core.clock import LOCAL_TZ
from portal.extensions import db
from portal.operations import activity, board
from portal.operations.models import ActivityCategory
from portal.shifts.models import Booking, Shift

BLANK_ROWS = 2  # empty lines on paper for volunteers who walk in


@dataclass
class Sheet:
    """One shift's page: the shift, its booked volunteers by given name, and the categories to tally."""

    shift: Shift
    bookings: list[Booking]
    categories: list[ActivityCategory]


@dataclass
class Roster:
    """The sheets of one shift or of a point's day; `show_phone` says whether the viewer may see phones."""

    point: ServicePoint
    day: date
    sheets: list[Sheet]
    show_phone: bool
    blank_rows: int = BLANK_ROWS


@dataclass
class Cell:
    """A shift in the week plan: seats booked of capacity, its volunteers' names, open seats."""

    shift: Shift
    names: list[str] = field(default_factory=list)

    @property
    def open_seats(self) -> int:
        """Seats nobody has booked yet (none on a cancelled shift)."""
        return 0 if self.shift.status == "cancelled" else self.shift.seats_left


@dataclass
class WeekPlan:
    """A point's week: its days (Monday first), the shift times used that week, one cell per day and time."""

    point: ServicePoint
    days: list[date]
    slots: list[tuple[time, time]]
    cells: dict[tuple[date, tuple[time, time]], Cell]

    @property
    def shift_count(self) -> int:
        """How many shifts the week holds."""
        return len(self.cells)


def may_see_phone(viewer, point_id: int) -> bool:
    """The phone rule of Today and the schedule: those who run the point (its leaders, organisers) may call
    its volunteers; nobody else sees their numbers."""
    return points_service.runs_point(viewer, point_id)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = clock.day_start(day)
    return start, start + timedelta(days=1)


def _sheets(shifts: list[Shift]) -> list[Sheet]:
    """Each shift with its booked volunteers (Today's query: by given name) and its campaign's categories."""
    rows = board.rows([s.id for s in shifts])
    categories: dict[int, list[ActivityCategory]] = {}
    for shift in shifts:
        if shift.campaign_id not in categories:
            categories[shift.campaign_id] = activity.categories(shift.campaign_id)
    return [Sheet(s, [b for b, _record in rows.get(s.id, [])], categories[s.campaign_id]) for s in shifts]


def shift_roster(viewer, shift: Shift) -> Roster:
    """The roster of one shift."""
    day = shift.starts_at.astimezone(LOCAL_TZ).date()
    return Roster(shift.point, day, _sheets([shift]), may_see_phone(viewer, shift.point_id))


def _shifts_between(point_id: int, start: datetime, end: datetime) -> list[Shift]:
    return list(db.session.scalars(select(Shift).where(
        Shift.point_id == point_id, Shift.starts_at >= start, Shift.starts_at < end).order_by(Shift.starts_at)))


def day_roster(viewer, point: ServicePoint, day: date) -> Roster:
    """The rosters of every shift that starts at the point on a Hanoi day (cancelled ones left out)."""
    shifts = [s for s in _shifts_between(point.id, *_day_bounds(day)) if s.status == "open"]
    return Roster(point, day, _sheets(shifts), may_see_phone(viewer, point.id))


def monday_of(day: date) -> date:
    """The Monday that starts the week of `day` (Vietnamese weeks start on Monday)."""
    return day - timedelta(days=day.weekday())


def short_name(full_name: str) -> str:
    """"Nguyễn Thị Lan" as "N.T. Lan": the given name whole, the family and middle names as initials."""
    words = full_name.split()
    if len(words) < 2:
        return full_name
    return "".join(w[0] + "." for w in words[:-1]) + " " + words[-1]


def week_plan(point: ServicePoint, day: date) -> WeekPlan:
    """The point's shifts of the week of `day`, cancelled ones too (shown as such), with who booked them."""
    monday = monday_of(day)
    shifts = _shifts_between(point.id, _day_bounds(monday)[0], _day_bounds(monday + timedelta(days=6))[1])
    rows = board.rows([s.id for s in shifts])
    cells = {}
    for shift in shifts:
        starts, ends = shift.starts_at.astimezone(LOCAL_TZ), shift.ends_at.astimezone(LOCAL_TZ)
        cells[(starts.date(), (starts.time(), ends.time()))] = Cell(
            shift, [b.user.full_name for b, _record in rows.get(shift.id, [])])
    slots = sorted({slot for _day, slot in cells})
    return WeekPlan(point, [monday + timedelta(days=n) for n in range(7)], slots, cells)
