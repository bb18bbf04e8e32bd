"""Organisers plan shifts: weekly templates generated over a campaign's dates, edits, cancellations."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.audit import services as audit
from portal.campaigns.models import Campaign, ServicePoint
from portal.core import clock
from portal.core.clock import LOCAL_TZ
from portal.core.locks import lock_row
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.mail import services as mail
from portal.shifts import booking, rules
from portal.shifts.models import Booking, Shift, ShiftTemplate, WaitlistEntry

MAX_SEATS = 500  # the most a shift can have (a CHECK constraint)


@dataclass
class PlannedShift:
    """One shift a template would create."""

    day: date
    start: time
    end: time
    capacity: int
    peak: bool
    exists: bool


def in_peak(campaign: Campaign, day: date) -> bool:
    """Whether a day falls in the campaign's peak period."""
    return bool(campaign.peak_start and campaign.peak_start <= day <= campaign.peak_end)


def create_template(actor, campaign: Campaign, point: ServicePoint, weekdays: list[int], start: time, end: time,
                    capacity: int, task_focus: str) -> ShiftTemplate:
    """Save a weekly pattern for a point."""
    if not weekdays or any(d not in range(1, 8) for d in weekdays):
        raise InvalidInput(_l("Choose at least one weekday."), "weekdays")
    if end <= start:
        raise InvalidInput(_l("The shift must end after it starts."), "end_time")
    template = ShiftTemplate(campaign_id=campaign.id, point_id=point.id,
                             weekdays=",".join(map(str, sorted(set(weekdays)))),
                             start_time=start, end_time=end, capacity=capacity, task_focus=nfc(task_focus or ""))
    db.session.add(template)
    db.session.flush()
    audit.record(actor, "shift_template.create", "shift_template", template.id,
                 after=audit.snapshot(template, ["point_id", "weekdays", "capacity"], start=start, end=end))
    db.session.commit()
    return template


def _aware(day: date, at: time) -> datetime:
    """A Hanoi local date and time as an aware datetime."""
    return datetime.combine(day, at, tzinfo=LOCAL_TZ)


def preview(template: ShiftTemplate, skip: set[date]) -> tuple[list[PlannedShift], list[date]]:
    """The shifts a template would create over its campaign's dates, and the dates skipped."""
    campaign = db.session.get(Campaign, template.campaign_id)
    existing = set(db.session.execute(
        select(Shift.starts_at, Shift.ends_at).where(Shift.point_id == template.point_id)).all())
    planned, skipped = [], []
    day = campaign.start_date
    while day <= campaign.end_date:
        if day.isoweekday() in template.weekday_numbers:
            if day in skip:
                skipped.append(day)
            else:
                peak = in_peak(campaign, day)
                starts, ends = _aware(day, template.start_time), _aware(day, template.end_time)
                seats = min(template.capacity + (campaign.peak_extra_seats if peak else 0), MAX_SEATS)
                planned.append(PlannedShift(day, template.start_time, template.end_time, seats, peak,
                                            (starts, ends) in existing))
        day += timedelta(days=1)
    return planned, skipped


def new_shifts(template: ShiftTemplate, skip: set[date]) -> list[Shift]:
    """The shifts a template adds (those not there yet), not yet saved."""
    planned, _ = preview(template, skip)
    return [Shift(campaign_id=template.campaign_id, point_id=template.point_id, template_id=template.id,
                  starts_at=_aware(p.day, p.start), ends_at=_aware(p.day, p.end), capacity=p.capacity,
                  task_focus=template.task_focus) for p in planned if not p.exists]


def generate(actor, template: ShiftTemplate, skip: set[date]) -> int:
    """Create the previewed shifts (those not yet there) in one transaction; return how many."""
    new = new_shifts(template, skip)
    db.session.add_all(new)
    audit.record(actor, "shift.generate", "shift_template", template.id,
                 after={"created": len(new), "skipped": sorted(d.isoformat() for d in skip)})
    db.session.commit()
    return len(new)


def fortnight(point: ServicePoint) -> tuple[list[Shift], dict[int, list[Booking]]]:
    """A point's shifts over the next 14 days (from today in Hanoi), and each one's booked volunteers."""
    start = clock.day_start(clock.local_today())
    shifts = db.session.scalars(select(Shift).where(
        Shift.point_id == point.id, Shift.starts_at >= start, Shift.starts_at < start + timedelta(days=14)
    ).order_by(Shift.starts_at)).all()
    roster: dict[int, list[Booking]] = {}
    for seat in db.session.scalars(select(Booking).options(joinedload(Booking.user)).where(
            Booking.shift_id.in_([s.id for s in shifts]), Booking.status == "booked")):
        roster.setdefault(seat.shift_id, []).append(seat)
    return shifts, roster


def _booked(shift: Shift) -> list[Booking]:
    """The shift's active bookings."""
    return list(db.session.scalars(select(Booking).where(Booking.shift_id == shift.id, Booking.status == "booked")))


def _lock_shift_and_volunteers(shift: Shift) -> list[Booking]:
    """Lock the booked volunteers' user rows (the lock booking takes), then the shift; return its bookings.

    Users first, in id order, then the shift: the order a booking takes them, so an edit and a
    booking never deadlock, and none of these volunteers can book a clashing shift until we commit.
    A volunteer who booked in between is locked too, or, if their booking is still in flight, the
    edit asks to try again rather than wait in the wrong order.
    """
    locked = sorted({b.user_id for b in _booked(shift)})
    for user_id in locked:
        lock_row("users", user_id)
    lock_row("shifts", shift.id)
    db.session.refresh(shift)
    booked = _booked(shift)
    for user_id in sorted({b.user_id for b in booked} - set(locked)):
        if not lock_row("users", user_id, skip_locked=True):
            raise InvalidInput(_l("A volunteer is booking this shift right now. Try again in a moment."), "start_time")
    return booked


def edit_shift(actor, shift: Shift, day: date, start: time, end: time, capacity: int) -> None:
    """Change a shift's times or seats, in one transaction with the shift and its volunteers locked.

    Never fewer seats than bookings; new times must not clash with the booked volunteers' other
    shifts or caps (checked under the same lock as booking); booked volunteers are told of a new
    time; new seats go to the waitlist.
    """
    if end <= start:
        raise InvalidInput(_l("The shift must end after it starts."), "end_time")
    try:
        booked = _lock_shift_and_volunteers(shift)
        if shift.status != "open":
            raise InvalidInput(_l("This shift is already cancelled."), "date")
        if capacity < shift.booked_count:
            raise InvalidInput(_l("%(n)d volunteers are booked: release some before lowering the seats.",
                                  n=shift.booked_count), "capacity")
        before = audit.snapshot(shift, ["starts_at", "ends_at", "capacity"])
        new_start, new_end = _aware(day, start), _aware(day, end)
        moved = (new_start, new_end) != (shift.starts_at, shift.ends_at)
        shift.starts_at, shift.ends_at, shift.capacity = new_start, new_end, capacity
        if moved:
            for seat in booked:
                others = [b for b in rules.student_bookings(seat.user_id, new_start - timedelta(days=8),
                                                            new_end + timedelta(days=8)) if b.shift_id != shift.id]
                clash = rules.schedule_clash(shift, others, shift.campaign)
                if clash:
                    raise InvalidInput(_l("%(name)s cannot come at the new time: %(reason)s",
                                          name=seat.user.full_name, reason=clash.message), "start_time")
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise InvalidInput(_l("This point already has a shift at exactly these times."), "start_time") from None
    except InvalidInput:
        db.session.rollback()
        raise
    audit.record(actor, "shift.update", "shift", shift.id, before,
                 audit.snapshot(shift, ["starts_at", "ends_at", "capacity"]))
    if moved:
        for seat in booked:
            mail.queue(seat.user.email, "shift_changed", kind="shift-changed", locale=seat.user.locale,
                       user=seat.user, shift=shift)
    while booking.promote_waitlist(shift.id) is not None:
        pass
    db.session.commit()


def cancel_shift(actor, shift: Shift, reason: str) -> int:
    """Cancel a shift with a reason; every booked student is told through the outbox. Returns how many."""
    reason = " ".join(nfc(reason or "").split())
    if len(reason) < 5:
        raise InvalidInput(_l("Give the reason the volunteers will read (at least 5 characters)."), "reason")
    # Lock first: a booking being made right now either committed (and is notified below) or waits
    # and then finds the shift cancelled.
    lock_row("shifts", shift.id)
    db.session.refresh(shift)
    if shift.status == "cancelled":
        db.session.rollback()
        raise InvalidInput(_l("This shift is already cancelled."), "reason")
    booked = _booked(shift)
    for seat in booked:
        seat.status, seat.cancelled_at, seat.cancelled_by_id = "shift_cancelled", clock.now(), actor.id
        mail.queue(seat.user.email, "shift_cancelled", kind="shift-cancelled", locale=seat.user.locale,
                   user=seat.user, shift=shift, reason=reason)
    db.session.execute(update(WaitlistEntry)
                       .where(WaitlistEntry.shift_id == shift.id, WaitlistEntry.status == "waiting")
                       .values(status="closed", resolved_at=clock.now()))
    shift.status, shift.cancel_reason, shift.booked_count = "cancelled", reason, 0
    audit.record(actor, "shift.cancel", "shift", shift.id, after={"reason": reason, "notified": len(booked)})
    db.session.commit()
    return len(booked)
