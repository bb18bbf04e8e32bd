"""The answers to "Bạn vẫn đến chứ?": coming, or not (the seat goes to the waitlist's first at once and the
point's leaders are told), and what a shift's leaders see of them.

A student may say "coming" and later "cannot come" (plans change); once the seat is given up the answer
stands. A double tap, or the same answer again, changes nothing and says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.campaigns.models import PointLeader
from portal.core import clock
from portal.core.urls import external_url
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.notifications import services as notifications
from portal.reminders import services as reminders
from portal.reminders.models import ShiftConfirmation
from portal.shifts import booking
from portal.shifts.models import Booking, Shift
from portal.shifts.rules import BookingRefused

ANSWERS = ("coming", "released")


@dataclass
class Outcome:
    """What an answer did: the message to show, its tone, and whether anything changed."""

    message: object
    category: str = "success"
    changed: bool = False


def confirmation(booking_id: int) -> ShiftConfirmation | None:
    """The booking's answer, if any."""
    return db.session.scalar(select(ShiftConfirmation).where(ShiftConfirmation.booking_id == booking_id))


def answer(held: Booking, choice: str) -> Outcome:
    """Record the student's answer in one transaction (seat, waitlist, leaders' notices included)."""
    booking.lock_student(held.user_id)  # a double tap waits here, then finds the first answer
    db.session.refresh(held)
    given = confirmation(held.id)
    if given is not None and (given.answer == choice or given.answer == "released"):
        db.session.rollback()
        return Outcome(_l("You have already answered: nothing was changed.") if given.answer == choice else
                       _l("You already gave up this seat; it may have gone to someone on the waitlist. To come "
                          "after all, book the shift again if a seat is free."), "warning")
    if held.status != "booked" or held.shift.starts_at <= clock.now():
        db.session.rollback()
        return Outcome(_l("This booking was cancelled or released: there is nothing to answer.")
                       if held.status != "booked" else _l("This shift has already started."), "warning")
    given = given or ShiftConfirmation(booking_id=held.id, answer=choice)
    given.answer, given.answered_at = choice, clock.now()
    db.session.add(given)
    if choice == "coming":
        db.session.commit()
        return Outcome(_l("Thank you: your team leader knows you are coming."), changed=True)
    try:
        _, promoted = booking.give_up_seat(held.id, note="reminder")
    except BookingRefused as refused:
        db.session.rollback()
        return Outcome(refused.message, "warning")
    _tell_leaders(held, promoted)
    db.session.commit()
    return Outcome(_l("Your seat is released, and your team leader is told. Thank you for letting us know."),
                   changed=True)


def _tell_leaders(held: Booking, promoted: Booking | None) -> None:
    """Each leader of the point hears that the seat was given up, and who took it; urgent on the day."""
    shift = held.shift
    urgent = shift.starts_at - clock.now() <= timedelta(hours=12)
    for leader in _leaders(shift.point_id):
        notifications.notify(leader, "reminder-released", f"reminder-released:booking:{held.id}",
                             "reminder_released", link=external_url("reminders.shift_answers", shift_id=shift.id),
                             urgent=urgent, shift=shift, point=shift.point, student=held.user,
                             promoted=promoted.user if promoted else None)


def _leaders(point_id: int):
    """The point's active leaders."""
    return db.session.scalars(select(User).join(PointLeader, PointLeader.user_id == User.id)
                              .where(PointLeader.point_id == point_id, User.is_active_account)).all()


@dataclass
class Roster:
    """A shift's volunteers by answer: confirmed, not answered yet, released (each a list of bookings)."""

    confirmed: list
    waiting: list
    released: list
    answered_at: dict


def roster(shift: Shift) -> Roster:
    """Who confirmed, who has not answered and who gave up their seat, for the shift's leaders (two queries)."""
    bookings = db.session.scalars(
        select(Booking).options(selectinload(Booking.user))
        .where(Booking.shift_id == shift.id, Booking.status.in_(("booked", "cancelled")))).all()
    answers = {c.booking_id: c for c in db.session.scalars(select(ShiftConfirmation).where(
        ShiftConfirmation.booking_id.in_([b.id for b in bookings])))}
    by_name = sorted(bookings, key=lambda b: b.user.sort_name or "")
    pick = {"coming": [], "waiting": [], "released": []}
    for b in by_name:
        given = answers.get(b.id)
        if b.status == "booked":
            pick["coming" if given and given.answer == "coming" else "waiting"].append(b)
        elif given and given.answer == "released":
            pick["released"].append(b)
    return Roster(pick["coming"], pick["waiting"], pick["released"],
                  {bid: c.answered_at for bid, c in answers.items()})


def answer_link(held: Booking) -> str:
    """The "still coming?" page of a booking (what the evening reminder links to)."""
    return reminders.link_for("answer", held.id, held.user_id)


THANKS = _l("Thank you for telling us. The organisers will read it.")
