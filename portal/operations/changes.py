"""Undo on Today: every change to a volunteer's row is kept with the row before and after, and the
point's leader may undo the latest one for a short while, exactly, in one transaction."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import delete, select, update

from portal.audit import services as audit
from portal.core import clock
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.operations.models import Attendance, AttendanceChange, VolunteerRating
from portal.operations.transaction import refusal_rolls_back
from portal.shifts.models import Booking, Shift, WaitlistEntry

UNDO_WINDOW = timedelta(minutes=2)
SNAPSHOT_FIELDS = ["status", "checked_in_at", "checked_out_at", "check_in_method", "task", "adjusted_minutes"]
_TIMES = ("checked_in_at", "checked_out_at")


class Result(NamedTuple):
    """What an action did: the attendance row, and the change kept for undo (None: nothing changed)."""

    record: Attendance | None
    change: AttendanceChange | None


def snapshot(record: Attendance | None) -> dict:
    """The row's values that an undo restores ({} when there is no row yet)."""
    if record is None or record.id is None:
        return {}
    return audit.snapshot(record, SNAPSHOT_FIELDS)


def remember(actor, booking: Booking, action: str, before: dict | None, record: Attendance | None) -> AttendanceChange:
    """Keep one change (in the caller's transaction) so that it can be undone."""
    change = AttendanceChange(booking_id=booking.id, action=action, before=before, after=snapshot(record),
                              actor_id=getattr(actor, "id", None), created_at=clock.now())
    db.session.add(change)
    db.session.flush()
    return change


def undoable(booking_ids: list[int], now: datetime | None = None) -> dict[int, AttendanceChange]:
    """Each booking's latest change that may still be undone (within the window, not undone)."""
    now = now or clock.now()
    found = db.session.scalars(select(AttendanceChange).where(
        AttendanceChange.booking_id.in_(booking_ids), AttendanceChange.undone_at.is_(None),
        AttendanceChange.created_at >= now - UNDO_WINDOW).order_by(AttendanceChange.id))
    return {change.booking_id: change for change in found}


def _refuse(message) -> None:
    raise InvalidInput(message, "undo")


@refusal_rolls_back
def undo(actor, booking: Booking, change_id: int | None, now: datetime | None = None) -> str:
    """Put the row back as it was before `change_id`: only the latest change, within the window, and only
    if nothing changed since; audited like the action itself. Answers the action undone."""
    from portal.operations.services import editable  # lazy: services imports this module

    now = now or clock.now()
    editable(booking)  # locks the volunteer's row: no other change slips in between the check and the undo
    change = db.session.get(AttendanceChange, change_id or 0, populate_existing=True)
    if change is None or change.booking_id != booking.id:
        _refuse(_l("There is nothing to undo on this row."))
    if change.undone_at is not None:
        _refuse(_l("This change was already undone."))
    if now - change.created_at > UNDO_WINDOW:
        _refuse(_l("Too late to undo: a change can be undone for %(n)d minutes. Correct the row instead.",
                   n=UNDO_WINDOW.seconds // 60))
    later = db.session.scalar(select(AttendanceChange.id).where(
        AttendanceChange.booking_id == booking.id, AttendanceChange.id > change.id,
        AttendanceChange.undone_at.is_(None)).limit(1))
    record = db.session.scalar(select(Attendance).where(Attendance.booking_id == booking.id))
    rated = db.session.scalar(select(VolunteerRating.id).where(VolunteerRating.booking_id == booking.id))
    if later is not None or snapshot(record) != change.after or (change.action == "walk_in" and rated):
        _refuse(_l("Something changed on this row since: it cannot be undone. Correct it instead."))
    audit.record(actor, "attendance.undo", "booking", booking.id,
                 before={"action": change.action, **change.after},
                 after={"action": change.action, **(change.before or {})})
    if change.action == "walk_in":
        _remove_walk_in(booking, change.before or {})
    elif not change.before:
        db.session.delete(record)
    else:
        for field in SNAPSHOT_FIELDS:
            value = change.before.get(field)
            setattr(record, field, datetime.fromisoformat(value) if field in _TIMES and value else value)
        record.updated_by_id = actor.id
    action = change.action
    if action != "walk_in":  # a walk-in's change went with its booking
        change.undone_at = now
    db.session.commit()
    return action


def _remove_walk_in(booking: Booking, was: dict) -> None:
    """Take back a walk-in: no booking, the seat (and an extra seat) given back, the waitlist as it was."""
    seats = {"booked_count": Shift.booked_count - 1}
    if was.get("override"):
        seats["capacity"] = Shift.capacity - 1
    db.session.execute(update(WaitlistEntry).where(WaitlistEntry.id.in_(was.get("waitlist") or []))
                       .values(status="waiting", resolved_at=None))
    db.session.execute(delete(AttendanceChange).where(AttendanceChange.booking_id == booking.id))
    db.session.execute(delete(Attendance).where(Attendance.booking_id == booking.id))
    db.session.execute(delete(Booking).where(Booking.id == booking.id))
    db.session.execute(update(Shift).where(Shift.id == booking.shift_id).values(**seats))
    db.session.expunge(booking)
