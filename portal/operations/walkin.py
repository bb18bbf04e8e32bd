"""Walk-ins: a volunteer who turns up without a booking is added by the leader, even once the shift
has begun, and checked in at once when check-in is open; the booking rules that matter still apply."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.audit import services as audit
from portal.core import clock
from portal.core.locks import lock_row
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import format_time_local
from portal.i18n import lazy_text as _l
from portal.operations import changes
from portal.operations.changes import Result
from portal.operations.models import Attendance
from portal.operations.services import CHECK_IN_OPENS
from portal.shifts import booking, rules
from portal.shifts.models import Booking, Shift, WaitlistEntry


def walk_in(actor, student, shift_id: int, override: bool = False, now: datetime | None = None) -> Result:
    """Book `student` on the shift and, once check-in is open, check them in: one transaction, all or
    nothing. Refused after the shift's end, for a volunteer already booked, and by the booking rules
    (read as just before the start, since adding someone after it is the point of a walk-in)."""
    now = now or clock.now()
    try:
        lock_row("users", student.id)
        shift = db.session.get(Shift, shift_id, populate_existing=True)
        if now >= shift.ends_at:
            raise InvalidInput(_l("This shift ended at %(time)s: a volunteer can no longer be added to it.",
                                  time=format_time_local(shift.ends_at)), "who")
        if db.session.scalar(select(Booking.id).where(Booking.shift_id == shift.id, Booking.user_id == student.id,
                                                      Booking.status == "booked")):
            raise InvalidInput(_l("%(name)s is already booked on this shift: check them in on their row.",
                                  name=student.full_name), "who")
        refused = rules.refusal(student, shift, now=min(now, shift.starts_at - timedelta(seconds=1)), check_phone=False)
        if refused:
            raise InvalidInput(_l("%(name)s cannot be added: %(reason)s", name=student.full_name,
                                  reason=refused.message), "who")
        extra_seat = not booking.claim_seat(shift.id)
        if extra_seat and not override:
            raise InvalidInput(_l("This shift is full. Tick “Add even if the shift is full” to add one extra seat."),
                               "override")
        if extra_seat:
            db.session.execute(update(Shift).where(Shift.id == shift.id).values(
                capacity=Shift.capacity + 1, booked_count=Shift.booked_count + 1))
            audit.record(actor, "shift.capacity_override", "shift", shift.id, before={"capacity": shift.capacity},
                         after={"capacity": shift.capacity + 1, "user_id": student.id})
        seat = Booking(shift_id=shift.id, user_id=student.id, source="staff", created_by_id=actor.id,
                       is_override=extra_seat)
        db.session.add(seat)
        db.session.flush()
        waiting = list(db.session.scalars(select(WaitlistEntry).where(
            WaitlistEntry.shift_id == shift.id, WaitlistEntry.user_id == student.id,
            WaitlistEntry.status == "waiting")))
        for entry in waiting:
            entry.status, entry.resolved_at = "promoted", now
        audit.record(actor, "booking.add", "booking", seat.id,
                     after={"user_id": student.id, "shift_id": shift.id, "override": extra_seat, "walk_in": True})
        record = None
        if now >= shift.starts_at - CHECK_IN_OPENS:
            record = Attendance(booking_id=seat.id, status="present", checked_in_at=now, check_in_method="leader",
                                updated_by_id=actor.id)
            db.session.add(record)
            db.session.flush()
            audit.record(actor, "attendance.check_in", "attendance", record.id,
                         after={"booking_id": seat.id, "method": "leader"})
        change = changes.remember(actor, seat, "walk_in", {"override": extra_seat,
                                                           "waitlist": [e.id for e in waiting]}, record)
        db.session.commit()
        return Result(record, change)
    except IntegrityError:
        db.session.rollback()
        raise InvalidInput(_l("%(name)s is already booked on this shift: check them in on their row.",
                              name=student.full_name), "who") from None
    except InvalidInput:
        db.session.rollback()
        raise
