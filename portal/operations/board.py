"""The queries behind Today: the points a leader runs, the shifts of the Hanoi day, each with its roster."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.campaigns import points as points_service
from portal.campaigns.models import ServicePoint
from portal.core import clock
from portal.extensions import db
from portal.operations import changes
from portal.operations.models import Attendance
from portal.operations.services import CHECK_IN_OPENS
from portal.shifts.models import Booking, Shift


@dataclass
class Board:
    """What Today shows: the points one may choose, the ones shown, their shifts and rows, the undo notices."""

    points: list[ServicePoint]
    shown: list[ServicePoint]
    day: date
    shifts: list[Shift] = field(default_factory=list)
    rows: dict[int, list[tuple[Booking, Attendance | None]]] = field(default_factory=dict)
    undo: dict = field(default_factory=dict)


def points_run_by(user) -> list[ServicePoint]:
    """The points `user` runs: the ones they lead, or every active point for organisers."""
    if user.has_role("admin"):
        return list(db.session.scalars(select(ServicePoint).where(ServicePoint.is_active)
                                       .order_by(ServicePoint.name)))
    return points_service.points_led_by(user)


def rows(shift_ids: list[int]) -> dict[int, list[tuple[Booking, Attendance | None]]]:
    """Each shift's active bookings with their attendance, by the volunteer's name, in two queries."""
    bookings = db.session.scalars(select(Booking).options(joinedload(Booking.user)).where(
        Booking.shift_id.in_(shift_ids), Booking.status == "booked")).all()
    records = {a.booking_id: a for a in db.session.scalars(
        select(Attendance).where(Attendance.booking_id.in_([b.id for b in bookings])))}
    found: dict[int, list] = {}
    for booking in sorted(bookings, key=lambda b: b.user.sort_name):
        found.setdefault(booking.shift_id, []).append((booking, records.get(booking.id)))
    return found


def for_user(user, point_id: int | None, now: datetime | None = None) -> Board:
    """Today at `user`'s points (an organiser sees one point at a time, `point_id` or the first): every shift
    that runs during the Hanoi day, including one that began last night, and one whose check-in is already
    open although it starts after midnight."""
    now = (now or clock.now()).astimezone(clock.LOCAL_TZ)
    points = points_run_by(user)
    shown = ([p for p in points if p.id == point_id] or points[:1]) if user.has_role("admin") else points
    start = datetime.combine(now.date(), time.min, tzinfo=clock.LOCAL_TZ)
    until = max(start + timedelta(days=1), now + CHECK_IN_OPENS)
    shifts = db.session.scalars(select(Shift).options(joinedload(Shift.point)).where(
        Shift.point_id.in_([p.id for p in shown]), Shift.status == "open",
        Shift.ends_at > start, Shift.starts_at < until).order_by(Shift.starts_at)).all()
    found = rows([s.id for s in shifts])
    undo = changes.undoable([b.id for r in found.values() for b, _record in r])
    return Board(points, shown, now.date(), list(shifts), found, undo)


def counts(shift_ids: list[int], found: dict[int, list[tuple[Booking, Attendance | None]]] | None = None
           ) -> dict[int, dict[str, int]]:
    """Each shift's roster (`found`, else read now) counted by where the volunteers stand: expected, here,
    gone home, no-show."""
    found = rows(shift_ids) if found is None else found
    tally = {}
    for shift_id in shift_ids:
        shift_counts = tally[shift_id] = {"expected": 0, "present": 0, "checked_out": 0, "no_show": 0}
        for _booking, record in found.get(shift_id, []):
            shift_counts[_standing(record)] += 1
    return tally


def _standing(record: Attendance | None) -> str:
    """Where one volunteer stands on Today: not arrived yet, here, gone home, or a no-show."""
    if record is None or (not record.checked_in_at and record.status != "no_show"):
        return "expected"
    if record.status == "no_show":
        return "no_show"
    return "checked_out" if record.checked_out_at else "present"
