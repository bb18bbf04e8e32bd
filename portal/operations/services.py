"""Attendance rules: check-in and check-out in a window, no-shows, tasks, hours and corrections."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.audit import services as audit
from portal.core import clock, identifiers
from portal.core.locks import lock_row
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.operations import changes
from portal.operations.changes import Result
from portal.operations.models import Attendance, VolunteerRating
from portal.operations.transaction import refusal_rolls_back
from portal.shifts.models import Booking, Shift

CHECK_IN_OPENS = timedelta(minutes=60)   # before the start
CHECK_IN_CLOSES = timedelta(minutes=0)   # after the end: no check-in once the shift is over
LATE_AFTER = timedelta(minutes=10)
UNDO_MINUTES = changes.UNDO_WINDOW.seconds // 60
CHECK_OUT_AFTER = timedelta(minutes=1)  # a check-out sooner than this after the check-in is a slip


def record_for(booking: Booking) -> Attendance:
    """The attendance row of a booking, created on first use."""
    record = db.session.scalar(select(Attendance).where(Attendance.booking_id == booking.id))
    if record is None:
        record = Attendance(booking_id=booking.id)
        db.session.add(record)
    return record


def editable(booking: Booking) -> Shift:
    """Refuse changes to bookings that no longer stand or whose campaign is closed; lock the volunteer's
    row so that changes to their attendance (and undos) happen one after the other."""
    lock_row("users", booking.user_id)
    db.session.refresh(booking)
    shift = booking.shift
    if booking.status != "booked":
        raise InvalidInput(_l("This volunteer's booking was cancelled."), "attendance")
    if shift.campaign.status == "closed":
        raise InvalidInput(_l("The campaign is closed: attendance can no longer change."), "attendance")
    return shift


@refusal_rolls_back
def check_in(actor, booking: Booking, at: datetime | None = None, method: str = "leader") -> Result:
    """Check a volunteer in, from an hour before the start until the end of the shift. Checking in someone
    already checked in changes nothing (a second tap): the result's change is then None."""
    at = at or clock.now()
    shift = editable(booking)
    record = record_for(booking)
    if record.checked_in_at is not None:
        db.session.rollback()
        return Result(db.session.scalar(select(Attendance).where(Attendance.booking_id == booking.id)), None)
    if not shift.starts_at - CHECK_IN_OPENS <= at <= shift.ends_at + CHECK_IN_CLOSES:
        raise InvalidInput(_l("Check-in opens an hour before the shift starts and closes when it ends."), "attendance")
    before = changes.snapshot(record)
    record.status, record.checked_in_at, record.check_in_method = "present", at, method
    record.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(actor, "attendance.check_in", "attendance", record.id,
                 after={"booking_id": booking.id, "method": method})
    change = changes.remember(actor, booking, "check_in", before, record)
    db.session.commit()
    return Result(record, change)


@refusal_rolls_back
def check_out(actor, booking: Booking, at: datetime | None = None) -> Result:
    """Check a volunteer out: only after a check-in, and not in the first minute (a second tap on the
    check-in button is not a check-out); checking out again changes nothing."""
    at = at or clock.now()
    editable(booking)
    record = record_for(booking)
    if record.checked_in_at is None:
        raise InvalidInput(_l("Check the volunteer in before checking them out."), "attendance")
    if record.checked_out_at is not None:
        db.session.rollback()
        return Result(db.session.scalar(select(Attendance).where(Attendance.booking_id == booking.id)), None)
    if at < record.checked_in_at + CHECK_OUT_AFTER:
        raise InvalidInput(_l("This volunteer was checked in less than a minute ago. If that was a mistake, "
                              "undo the check-in instead."), "attendance")
    before = changes.snapshot(record)
    record.checked_out_at = at
    record.updated_by_id = actor.id
    audit.record(actor, "attendance.check_out", "attendance", record.id, after={"booking_id": booking.id})
    change = changes.remember(actor, booking, "check_out", before, record)
    db.session.commit()
    return Result(record, change)


@refusal_rolls_back
def mark_no_show(actor, booking: Booking) -> Result:
    """Record that a booked volunteer did not come (only once the shift has started, and not after a check-in)."""
    shift = editable(booking)
    if clock.now() < shift.starts_at:
        raise InvalidInput(_l("A no-show can only be recorded once the shift has started."), "attendance")
    record = record_for(booking)
    if record.checked_in_at is not None:
        raise InvalidInput(_l("This volunteer checked in: they are not a no-show."), "attendance")
    if record.status == "no_show":
        db.session.rollback()
        return Result(db.session.scalar(select(Attendance).where(Attendance.booking_id == booking.id)), None)
    before = changes.snapshot(record)
    record.status, record.updated_by_id = "no_show", actor.id
    db.session.flush()
    audit.record(actor, "attendance.no_show", "attendance", record.id, after={"booking_id": booking.id})
    change = changes.remember(actor, booking, "no_show", before, record)
    db.session.commit()
    return Result(record, change)


@refusal_rolls_back
def assign_task(actor, booking: Booking, task: str) -> Result:
    """Give a volunteer their task for the shift (the same task again changes nothing)."""
    editable(booking)
    task = " ".join(nfc(task or "").split())
    if len(task) > 200:
        raise InvalidInput(_l("Keep the task under 200 characters."), "task")
    record = record_for(booking)
    if record.id is not None and record.task == task:
        db.session.rollback()
        return Result(db.session.scalar(select(Attendance).where(Attendance.booking_id == booking.id)), None)
    before = changes.snapshot(record)
    record.task, record.updated_by_id = task, actor.id
    db.session.flush()
    audit.record(actor, "attendance.task", "attendance", record.id, after={"task": task})
    change = changes.remember(actor, booking, "task", before, record)
    db.session.commit()
    return Result(record, change)


def is_late(record: Attendance, shift: Shift) -> bool:
    """Checked in more than ten minutes after the start."""
    return record.checked_in_at is not None and record.checked_in_at > shift.starts_at + LATE_AFTER


def served_minutes(adjusted: int | None, checked_in: datetime | None, checked_out: datetime | None,
                   starts_at: datetime, ends_at: datetime) -> int:
    """The rule on plain values (for bulk reads): a correction wins, else check-in to check-out
    bounded by the shift's times, 0 until checked out."""
    if adjusted is not None:
        return adjusted
    if checked_in is None or checked_out is None:
        return 0
    start, end = max(checked_in, starts_at), min(checked_out, ends_at)
    return max(int((end - start).total_seconds() // 60), 0)


def computed_minutes(record: Attendance | None, shift: Shift) -> int:
    """Minutes served: check-in to check-out, bounded by the shift's times (0 until checked out)."""
    if record is None:
        return 0
    return served_minutes(None, record.checked_in_at, record.checked_out_at, shift.starts_at, shift.ends_at)


def minutes(record: Attendance | None, shift: Shift) -> int:
    """The minutes that count: a leader's correction when there is one, else the computed ones."""
    if record is not None and record.adjusted_minutes is not None:
        return record.adjusted_minutes
    return computed_minutes(record, shift)


@refusal_rolls_back
def adjust(actor, booking: Booking, new_minutes: int, reason: str) -> Attendance:
    """Correct the minutes served, with a reason; the audit trail keeps before and after."""
    shift = editable(booking)
    reason = " ".join(nfc(reason or "").split())
    if len(reason) < 5:
        raise InvalidInput(_l("Say why you correct the hours (at least 5 characters)."), "reason")
    longest = int((shift.ends_at - shift.starts_at).total_seconds() // 60)
    if not 0 <= new_minutes <= longest:
        raise InvalidInput(_l("Enter between 0 and %(n)d minutes: the length of the shift.", n=longest), "minutes")
    record = record_for(booking)
    before = minutes(record, shift)
    record.adjusted_minutes, record.updated_by_id = new_minutes, actor.id
    db.session.flush()
    audit.record(actor, "attendance.adjust", "attendance", record.id,
                 before={"minutes": before}, after={"minutes": new_minutes, "reason": reason})
    db.session.commit()
    return record


def ledger(user) -> dict:
    """A student's served shifts (ended, booked) with minutes and status, and the totals."""
    rows = db.session.execute(
        select(Booking, Attendance).join(Shift, Shift.id == Booking.shift_id)
        .outerjoin(Attendance, Attendance.booking_id == Booking.id)
        .options(joinedload(Booking.shift).joinedload(Shift.point))
        .where(Booking.user_id == user.id, Booking.status == "booked", Shift.starts_at <= clock.now())
        .order_by(Shift.starts_at.desc())
    ).all()
    ratings = {r.booking_id: r for r in db.session.scalars(
        select(VolunteerRating).where(VolunteerRating.booking_id.in_([b.id for b, _ in rows])))}
    items = [{"booking": b, "record": a, "minutes": minutes(a, b.shift), "rating": ratings.get(b.id),
              "status": a.status if a else "expected"} for b, a in rows]
    return {
        "rows": items,
        "minutes": sum(i["minutes"] for i in items),
        "attended": sum(1 for i in items if i["status"] == "present"),
        "no_shows": sum(1 for i in items if i["status"] == "no_show"),
    }


@refusal_rolls_back
def rate(actor, booking: Booking, rating: str, comment: str):
    """Rate a volunteer's shift from 1 to 5 once it has started; rating again replaces it (audited)."""
    shift = editable(booking)
    if clock.now() < shift.starts_at:
        raise InvalidInput(_l("Rate a volunteer once the shift has started."), "rating")
    raw = (rating or "").strip()
    if raw not in {"1", "2", "3", "4", "5"}:
        raise InvalidInput(_l("Choose a rating from 1 to 5."), "rating")
    comment = " ".join(nfc(comment or "").split())
    if len(comment) > 300:
        raise InvalidInput(_l("Keep the comment under 300 characters."), "comment")
    identifiers.check(comment, "comment")
    item = db.session.scalar(select(VolunteerRating).where(VolunteerRating.booking_id == booking.id))
    before = {"rating": item.rating, "comment": item.comment} if item else None
    item = item or VolunteerRating(booking_id=booking.id)
    item.rating, item.comment, item.rated_by_id = int(raw), comment, actor.id
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "volunteer.rate", "volunteer_rating", item.id, before,
                 {"rating": item.rating, "comment": comment})
    db.session.commit()
    return item


def team_totals(point_id: int) -> list[dict]:
    """Per volunteer at a point: shifts attended, minutes served and no-shows (ended shifts)."""
    rows = db.session.execute(
        select(User, Booking, Shift, Attendance).join(Booking, Booking.user_id == User.id)
        .join(Shift, Shift.id == Booking.shift_id).outerjoin(Attendance, Attendance.booking_id == Booking.id)
        .where(Shift.point_id == point_id, Booking.status == "booked", Shift.starts_at <= clock.now())
    ).all()
    totals: dict[int, dict] = {}
    for user, _booking, shift, record in rows:
        entry = totals.setdefault(user.id, {"user": user, "attended": 0, "minutes": 0, "no_shows": 0})
        entry["minutes"] += minutes(record, shift)
        entry["attended"] += 1 if record and record.status == "present" else 0
        entry["no_shows"] += 1 if record and record.status == "no_show" else 0
    return sorted(totals.values(), key=lambda e: e["user"].sort_name)
