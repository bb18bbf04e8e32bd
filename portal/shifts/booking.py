"""The one booking service: every seat is claimed here, atomically, with every rule checked.

The seat counter `shifts.booked_count` is raised by a conditional UPDATE (`… WHERE booked_count <
capacity`) in the same transaction as the booking row, and a CHECK constraint forbids more
bookings than seats. A student's bookings are serialised by locking their user row first (a row
lock on PostgreSQL; on SQLite the first write takes the database's write lock), so the rules read
a state nobody else is changing for that student.

A booking rush is mostly refusals (a week opens, a thousand students, a hundred seats), so a
booking costs few statements: one reads the shift with its campaign and point and what the student
has to do with it (shifts/gate.py); a full shift is refused right there, with the waitlist offer
(joining the waitlist checks every rule); otherwise the student is locked, their bookings around the shift
and their training read, the seat claimed (RETURNING the new count), the booking and its email
written, and the answer renders what was just read and written without reading it again.
"""
from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from portal.audit import services as audit
from portal.core import clock, identifiers
from portal.core.locks import lock_row
from portal.core.transactions import commit_keeping_loaded
from portal.core.urls import external_url
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.mail import services as mail
from portal.notifications import services as notifications
from portal.shifts import rules
from portal.shifts.gate import FULL, gate, seat_refusal
from portal.shifts.models import Booking, Shift, WaitlistEntry
from portal.shifts.rules import BookingRefused


def lock_student(user_id: int) -> None:
    """Serialise one student's bookings for the rest of this transaction (closing an account takes the same lock)."""
    lock_row("users", user_id)


def claim_seat(shift_id: int) -> int | None:
    """Take one free seat and return the new count of booked seats, or None when there is none (never
    more than capacity); walk-ins claim theirs here too."""
    result = db.session.execute(
        update(Shift).where(Shift.id == shift_id, Shift.status == "open", Shift.booked_count < Shift.capacity)
        .values(booked_count=Shift.booked_count + 1).returning(Shift.booked_count)
        .execution_options(synchronize_session=False)
    )
    return result.scalar()


def _free_seat(shift_id: int) -> None:
    """Give a seat back."""
    db.session.execute(
        update(Shift).where(Shift.id == shift_id, Shift.booked_count > 0)
        .values(booked_count=Shift.booked_count - 1).execution_options(synchronize_session=False)
    )


def _fresh_shift(shift_id: int) -> Shift:
    """The shift as the database has it now."""
    shift = db.session.get(Shift, shift_id, populate_existing=True)
    if shift is None:
        raise BookingRefused("missing", _l("This shift does not exist."))
    return shift


def _tell(user, template: str, kind: str, shift: Shift, **context) -> None:
    """Queue an email about a shift to the student, in their language, in the caller's transaction.

    The templates name the point, the time, the address and the shift's page; nothing about anyone else.
    """
    mail.queue(user.email, template, kind=kind, locale=user.locale, user=user, shift=shift, **context)


def book(user, shift_id: int, actor=None, override_capacity: bool = False, source: str = "self") -> Booking:
    """Book `user` on a shift, or raise BookingRefused with the rule that stops it.

    `actor` is the leader or admin adding a volunteer (rules still apply); with
    `override_capacity` they may add one seat beyond capacity, which is recorded. A student booking
    themselves is told at once, before anything is locked or written, when the shift is full. The
    booking comes back with its shift (`booking.shift`, seats counted) loaded, for the answer to show.
    """
    seen = gate(user.id, shift_id)
    shift = seen.shift
    if actor is None:
        refused = seat_refusal(seen)
        if refused:
            raise refused  # nothing written, nothing locked: nothing to roll back
    try:
        lock_student(user.id)
        context = rules.context_at(user, shift, enrolled=seen.enrolled, paused=seen.paused)
        refused = rules.refusal(user, shift, context, check_phone=actor is None)
        if refused:
            raise refused
        booked = claim_seat(shift.id)
        if booked is None:
            if not (actor and override_capacity):
                raise BookingRefused("full", FULL)
            booked, capacity = db.session.execute(
                update(Shift).where(Shift.id == shift.id)
                .values(capacity=Shift.capacity + 1, booked_count=Shift.booked_count + 1)
                .returning(Shift.booked_count, Shift.capacity).execution_options(synchronize_session=False)).one()
            audit.record(actor, "shift.capacity_override", "shift", shift.id,
                         before={"capacity": capacity - 1}, after={"capacity": capacity, "user_id": user.id})
            set_committed_value(shift, "capacity", capacity)
        set_committed_value(shift, "booked_count", booked)
        booking = Booking(shift_id=shift.id, user_id=user.id, source="staff" if actor else source,
                          created_by_id=getattr(actor, "id", user.id), is_override=bool(actor and override_capacity))
        db.session.add(booking)
        db.session.flush()
        set_committed_value(booking, "shift", shift)
        if seen.waiting:
            db.session.execute(update(WaitlistEntry).where(
                WaitlistEntry.shift_id == shift.id, WaitlistEntry.user_id == user.id, WaitlistEntry.status == "waiting"
            ).values(status="promoted", resolved_at=clock.now()))
        if actor:
            audit.record(actor, "booking.add", "booking", booking.id, after={"user_id": user.id, "shift_id": shift.id,
                                                                          "override": override_capacity})
        if shift.starts_at > clock.now():  # a walk-in added at the point on the day needs no email
            _tell(user, "shift_booked", "shift-booked", shift, by_staff=bool(actor))
        commit_keeping_loaded()  # what the answer shows was read or written just now
        return booking
    except IntegrityError as error:
        db.session.rollback()
        if "seats" in str(error.orig) or "capacity" in str(error.orig):  # 500 seats is the most a shift has
            raise BookingRefused("full", FULL) from None
        # The same student's second click: the partial unique index said no.
        raise BookingRefused("duplicate", _l("You have already booked this shift.")) from None
    except BookingRefused:
        db.session.rollback()
        raise


def cancel(booking_id: int, actor, note: str = "") -> Booking:
    """Cancel a booking (the student, before the cut-off) or release it (a leader or admin)."""
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        raise BookingRefused("missing", _l("This booking does not exist."))
    by_staff = actor.id != booking.user_id
    try:
        lock_student(booking.user_id)
        db.session.refresh(booking)
        refused = rules.cancellation_refusal(booking, by_staff)
        if refused:
            raise refused
        booking.status = "released" if by_staff else "cancelled"
        booking.cancelled_at, booking.cancelled_by_id = clock.now(), actor.id
        reason = identifiers.problem(note or "")
        if reason is not None:
            raise BookingRefused("note", reason)
        booking.cancel_note = (note or "")[:500] or None
        _free_seat(booking.shift_id)
        if by_staff:
            audit.record(actor, "booking.release", "booking", booking.id, after={"note": booking.cancel_note})
        _tell(booking.user, "shift_booking_cancelled", "booking-cancelled", booking.shift, by_staff=by_staff)
        promote_waitlist(booking.shift_id)
        db.session.commit()
        return booking
    except BookingRefused:
        db.session.rollback()
        raise


def give_up_seat(booking_id: int, note: str = "") -> tuple[Booking, Booking | None]:
    """The student answers a reminder "I cannot come": the seat is freed even past the self-cancel cut-off
    (until the shift starts: an early word beats a no-show) and goes to the waitlist's first at once.
    Returns (the cancelled booking, the promoted one or None); the caller commits, or rolls back."""
    booking = db.session.get(Booking, booking_id, populate_existing=True)
    if booking is None:
        raise BookingRefused("missing", _l("This booking does not exist."))
    lock_student(booking.user_id)
    db.session.refresh(booking)
    refused = rules.cancellation_refusal(booking, by_staff=True)
    if refused is None and booking.shift.starts_at <= clock.now():
        refused = BookingRefused("started", _l("This shift has already started."))
    if refused:
        raise refused
    booking.status, booking.cancelled_at, booking.cancelled_by_id = "cancelled", clock.now(), booking.user_id
    booking.cancel_note = note[:500] or None
    _free_seat(booking.shift_id)
    _tell(booking.user, "shift_booking_cancelled", "booking-cancelled", booking.shift, by_staff=False)
    return booking, promote_waitlist(booking.shift_id)


def promote_waitlist(shift_id: int) -> Booking | None:
    """Give a freed seat to the first waiting student who still meets every rule (same transaction).

    Those who no longer qualify keep their place; nobody is skipped for good.
    """
    shift = _fresh_shift(shift_id)
    entries = db.session.scalars(
        select(WaitlistEntry).where(WaitlistEntry.shift_id == shift_id, WaitlistEntry.status == "waiting")
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
    ).all()
    for entry in entries:
        # Lock the student as a booking would; one busy booking elsewhere right now keeps their
        # place (and avoids a deadlock), the next in line is tried.
        if not lock_row("users", entry.user_id, skip_locked=True):
            continue
        if rules.refusal(entry.user, shift) is not None:
            continue
        if not claim_seat(shift_id):
            return None
        booking = Booking(shift_id=shift_id, user_id=entry.user_id, source="waitlist", created_by_id=entry.user_id)
        db.session.add(booking)
        entry.status, entry.resolved_at = "promoted", clock.now()
        db.session.flush()
        _tell(entry.user, "waitlist_promoted", "waitlist-promoted", shift)
        # The email above says it; the inbox (and its badge) shows it too, without a second email.
        notifications.notify(entry.user, "waitlist-promoted", f"waitlist-promoted:booking:{booking.id}",
                             "waitlist_promoted", link=external_url("shifts.show", shift_id=shift_id),
                             inbox_only=True, shift=shift)
        return booking
    return None


def join_waitlist(user, shift_id: int) -> WaitlistEntry:
    """Wait for a seat on a full shift (only when the student could otherwise book it)."""
    try:
        lock_student(user.id)
        shift = _fresh_shift(shift_id)
        refused = rules.refusal(user, shift)
        if refused:
            raise refused
        if shift.seats_left > 0:
            raise BookingRefused("not_full", _l("This shift still has seats: book it directly."))
        entry = WaitlistEntry(shift_id=shift.id, user_id=user.id)
        db.session.add(entry)
        db.session.commit()
        return entry
    except IntegrityError:
        db.session.rollback()
        raise BookingRefused("waiting", _l("You are already on this shift's waitlist.")) from None
    except BookingRefused:
        db.session.rollback()
        raise


def leave_waitlist(user, shift_id: int) -> None:
    """Leave a shift's waitlist."""
    db.session.execute(update(WaitlistEntry).where(
        WaitlistEntry.shift_id == shift_id, WaitlistEntry.user_id == user.id, WaitlistEntry.status == "waiting"
    ).values(status="left", resolved_at=clock.now()))
    db.session.commit()


@cache
def _positions_statement():
    """The places in line of one student on some shifts' waitlists, built once (every finder page asks)."""
    mine = aliased(WaitlistEntry)
    ahead = aliased(WaitlistEntry)
    return (select(mine.shift_id, func.count(ahead.id))
            .join(ahead, (ahead.shift_id == mine.shift_id) & (ahead.status == "waiting")
                  & ((ahead.created_at < mine.created_at)
                     | ((ahead.created_at == mine.created_at) & (ahead.id <= mine.id))))
            .where(mine.user_id == bindparam("user_id"), mine.status == "waiting",
                   mine.shift_id.in_(bindparam("shift_ids", expanding=True)))
            .group_by(mine.shift_id))


def waitlist_positions(user_id: int, shift_ids: list[int]) -> dict[int, int]:
    """The student's place (1 = next) on each shift's waitlist they are on."""
    rows = db.session.execute(_positions_statement(), {"user_id": user_id, "shift_ids": list(shift_ids)}).all()
    return dict(rows)  # counts include the student's own entry: 1 means next in line
