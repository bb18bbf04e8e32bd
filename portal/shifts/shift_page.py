"""What a student sees on their own shift's page: their booking's state, the way there, who leads,
what they may still do."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from portal.core import clock
from portal.extensions import db
from portal.shifts import rules
from portal.shifts.booking import waitlist_positions
from portal.shifts.models import Booking, Shift
from portal.shifts.rules import BookingRefused


@dataclass
class MyShift:
    """One student's relation to one shift: the booking (latest first) or waitlist place, and what follows."""

    shift: Shift
    booking: Booking | None = None
    waitlist_position: int | None = None
    checked_in_at: datetime | None = None
    cancel_refusal: BookingRefused | None = None
    cancel_until: datetime | None = None
    leaders: list = field(default_factory=list)

    @property
    def status(self) -> str | None:
        """One word for the state shown: booked, checked_in, served, over, cancelled, released, shift_cancelled,
        waiting."""
        if self.booking is None:
            return "waiting" if self.waitlist_position else None
        if self.booking.status != "booked":
            return self.booking.status
        over = self.shift.ends_at < clock.now()
        if self.checked_in_at:
            return "served" if over else "checked_in"
        return "over" if over else "booked"

    @property
    def map_link(self) -> str:
        """Where the point is on a map."""
        return self.shift.point.map_link

    @property
    def is_mine(self) -> bool:
        """Tell whether the page is the student's own shift page (a booking, past or present, or a waitlist place)."""
        return self.status is not None



def _checked_in_at(booking_id: int) -> datetime | None:
    """When the leader (or the student's scan) checked this booking in.

    Attendance belongs to operations, a domain above this one, so its table is read here without
    importing its model.
    """
    attendance = db.metadata.tables["attendance"]
    return db.session.scalar(select(attendance.c.checked_in_at).where(
        attendance.c.booking_id == booking_id, attendance.c.status == "present"))


def cancel_state(booking: Booking, now: datetime | None = None) -> tuple[BookingRefused | None, datetime]:
    """(the rule that stops the student cancelling now, or None; the last moment they may cancel)."""
    cutoff = booking.shift.starts_at - timedelta(hours=booking.shift.campaign.cancel_cutoff_hours)
    return rules.cancellation_refusal(booking, by_staff=False, now=now), cutoff


def for_student(user, shift: Shift) -> MyShift:
    """The student's view of a shift: their active booking, else their latest one, else their waitlist place."""
    booking = db.session.scalar(
        select(Booking).where(Booking.shift_id == shift.id, Booking.user_id == user.id)
        .order_by((Booking.status == "booked").desc(), Booking.id.desc()).limit(1))
    mine = MyShift(shift, booking)
    if booking is None:
        mine.waitlist_position = waitlist_positions(user.id, [shift.id]).get(shift.id)
        return mine
    mine.leaders = [leader for leader in shift.point.leaders if leader.is_active_account]
    if booking.status == "booked":
        mine.checked_in_at = _checked_in_at(booking.id)
        mine.cancel_refusal, mine.cancel_until = cancel_state(booking)
    return mine


def cancel_states(bookings: list[Booking]) -> dict[int, tuple[BookingRefused | None, datetime]]:
    """For each active booking of a list (My shifts), whether the student may still cancel it, and until when."""
    now = clock.now()
    return {b.id: cancel_state(b, now) for b in bookings if b.status == "booked"}
