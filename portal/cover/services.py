"""Ask for cover, withdraw, and take a colleague's seat: the seat changes hands in one transaction.

Locks: the two students concerned are locked in id order (the booking service's own lock, so no booking,
cancellation or other hand-over of theirs runs meanwhile, and two hand-overs never wait on each other
in a circle); then the request goes open → taken with a conditional UPDATE, so of many colleagues
accepting at once exactly one wins. The seat counter does not move: one booking ends, one begins.
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.core import clock, identifiers
from portal.core.text import nfc
from portal.core.urls import external_url
from portal.cover import tasks
from portal.cover.models import CoverRequest, SwapProposal
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.notifications import services as notifications
from portal.shifts import booking, rules
from portal.shifts.models import Booking, Shift, WaitlistEntry
from portal.shifts.rules import BookingRefused

NOTE_MAX = 300
TAKEN = _l("Someone else took this shift a moment ago. Thank you for offering!")


def lock_people(*user_ids: int) -> None:
    """Lock the students concerned, lowest id first (the same order everywhere: no deadlock)."""
    for user_id in sorted(set(user_ids)):
        booking.lock_student(user_id)


def still_active(seat: Booking, now=None) -> BookingRefused | None:
    """Why a booking can no longer change hands (cancelled, released, shift cancelled or started), or None."""
    now = now or clock.now()
    if seat.status != "booked" or seat.shift.status != "open":
        return BookingRefused("stale", _l("This booking is no longer active, so its seat cannot change hands."))
    if seat.shift.starts_at <= now:
        return BookingRefused("started", _l("This shift has already started."))
    return None


def open_request_for(booking_id: int) -> CoverRequest | None:
    """The booking's open cover request, if any."""
    return db.session.scalar(select(CoverRequest).where(CoverRequest.booking_id == booking_id,
                                                        CoverRequest.status == "open"))


def ask(user, booking_id: int, note: str = "") -> CoverRequest:
    """Ask colleagues to cover one of my future shifts; I stay booked (and responsible) until one accepts."""
    note = " ".join(nfc(note or "").split())
    try:
        booking.lock_student(user.id)
        own = db.session.get(Booking, booking_id, populate_existing=True)
        if own is None or own.user_id != user.id:
            raise BookingRefused("missing", _l("This booking does not exist."))
        refused = still_active(own)
        if refused:
            raise refused
        problem = (_l("Keep the note under %(n)d characters.", n=NOTE_MAX) if len(note) > NOTE_MAX
                   else identifiers.problem(note))
        if problem is not None:
            refused = BookingRefused("note", problem)
            refused.field = "note"
            raise refused
        if open_request_for(own.id):
            raise BookingRefused("asked", _l("You have already asked for cover for this shift."))
        request = CoverRequest(booking_id=own.id, shift_id=own.shift_id, requester_id=user.id, note=note or None)
        db.session.add(request)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise BookingRefused("asked", _l("You have already asked for cover for this shift.")) from None
    except BookingRefused:
        db.session.rollback()
        raise
    tasks.offer(request.id)  # a job: judging hundreds of colleagues against the rules takes time
    return request


def withdraw(user, request_id: int) -> CoverRequest:
    """Take back my request: nobody may accept it any more; I keep my seat."""
    done = db.session.execute(update(CoverRequest).where(
        CoverRequest.id == request_id, CoverRequest.requester_id == user.id, CoverRequest.status == "open"
    ).values(status="withdrawn", resolved_at=clock.now()).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        db.session.rollback()
        raise BookingRefused("not_open", _l("This request is no longer open."))
    db.session.commit()
    return db.session.get(CoverRequest, request_id, populate_existing=True)


def refusal_to_take(user, request: CoverRequest) -> BookingRefused | None:
    """Why `user` cannot take this request now (its state, then the booking rules), or None."""
    if request.requester_id == user.id:
        return BookingRefused("own", _l("This is your own request."))
    if request.status == "taken":
        return BookingRefused("taken", TAKEN)
    if request.status != "open":
        return BookingRefused("not_open", _l("This request is no longer open."))
    return still_active(request.booking) or rules.refusal(user, request.booking.shift)


def accept(user, request_id: int) -> Booking:
    """Take the seat of an open request: the asker is released and I am booked, or BookingRefused."""
    request = db.session.get(CoverRequest, request_id)
    if request is None:
        raise BookingRefused("missing", _l("This request does not exist."))
    try:
        lock_people(user.id, request.requester_id)
        db.session.refresh(request)
        old = db.session.get(Booking, request.booking_id, populate_existing=True)
        db.session.get(Shift, old.shift_id, populate_existing=True)
        refused = refusal_to_take(user, request)
        if refused:
            raise refused
        now = clock.now()
        won = db.session.execute(update(CoverRequest).where(
            CoverRequest.id == request.id, CoverRequest.status == "open"
        ).values(status="taken", taken_by_id=user.id, resolved_at=now).execution_options(synchronize_session=False))
        if won.rowcount != 1:
            raise BookingRefused("taken", TAKEN)
        new = hand_over(old, user, now)
        db.session.execute(update(CoverRequest).where(CoverRequest.id == request.id).values(new_booking_id=new.id))
        close_proposals_of([old.id], now)
        db.session.refresh(request)
        tell_cover_taken(request, new)
        db.session.commit()
        return new
    except IntegrityError:
        db.session.rollback()
        raise BookingRefused("duplicate", _l("You have already booked this shift.")) from None
    except BookingRefused:
        db.session.rollback()
        raise


def hand_over(old: Booking, taker, now) -> Booking:
    """End `old` and book `taker` on the same seat (the counter stays: one out, one in); same transaction."""
    old.status, old.cancelled_at, old.cancelled_by_id = "cancelled", now, old.user_id
    db.session.flush()
    new = Booking(shift_id=old.shift_id, user_id=taker.id, source="self", created_by_id=taker.id)
    db.session.add(new)
    db.session.execute(update(WaitlistEntry).where(
        WaitlistEntry.shift_id == old.shift_id, WaitlistEntry.user_id == taker.id, WaitlistEntry.status == "waiting"
    ).values(status="promoted", resolved_at=now))
    db.session.flush()
    return new


def close_proposals_of(booking_ids: list[int], now, keep: int | None = None) -> None:
    """Bookings that changed hands: their open cover requests and swap proposals are closed."""
    db.session.execute(update(CoverRequest).where(
        CoverRequest.booking_id.in_(booking_ids), CoverRequest.status == "open"
    ).values(status="closed", resolved_at=now).execution_options(synchronize_session=False))
    db.session.execute(update(SwapProposal).where(
        (SwapProposal.from_booking_id.in_(booking_ids)) | (SwapProposal.to_booking_id.in_(booking_ids)),
        SwapProposal.status == "proposed", SwapProposal.id != (keep or 0),
    ).values(status="closed", resolved_at=now).execution_options(synchronize_session=False))


def leaders_of(shift: Shift) -> list:
    """The active leaders of the shift's point (told of every change of hands there)."""
    return [leader for leader in shift.point.leaders if leader.is_active_account]


def tell_cover_taken(request: CoverRequest, new: Booking) -> None:
    """The asker, the taker and the point's leaders hear who now holds the seat (the caller commits)."""
    shift, link = new.shift, external_url("shifts.show", shift_id=new.shift_id)
    asker, taker = request.requester, request.taken_by
    notifications.notify(asker, "cover-taken", f"cover-taken:{request.id}", "cover_taken_asker", link=link,
                         shift=shift, taker_name=taker.given_name)
    notifications.notify(taker, "cover-taken", f"cover-booked:{request.id}", "cover_taken_taker", link=link,
                         shift=shift, asker_name=asker.given_name)
    history = external_url("cover.history")
    for leader in leaders_of(shift):
        notifications.notify(leader, "cover-leader", f"cover-leader:{request.id}:{leader.id}", "cover_leader",
                             link=history, shift=shift, asker=asker, taker=taker)
