"""A booking's first read: the shift with its campaign, point and branch, and the student's standing
with it (booked already, waiting, enrolled, paused), in one statement; and what a student is told
from that alone, before anything is locked or written (the shift's own rules, "you have it
already", "it is full: join the waitlist")."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import joinedload

from portal.campaigns.models import CampaignEnrolment, ServicePoint
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.shifts import rules
from portal.shifts.models import Booking, BookingPause, Shift, WaitlistEntry
from portal.shifts.rules import BookingRefused


@dataclass
class Gate:
    """A shift as a booking first sees it, in one statement: the shift with its campaign, point and
    branch, and the student's standing with it."""

    shift: Shift
    booking_id: int | None  # the student's active booking of this shift
    waiting: bool  # on its waitlist
    enrolled: bool  # in its campaign
    paused: bool  # self-booking paused in its campaign after repeated no-shows


@cache
def _statement():
    """The gate's statement, built once (a rush runs it a thousand times a minute; the values are bound)."""
    user_id = bindparam("user_id")
    mine = (select(Booking.id).where(Booking.shift_id == Shift.id, Booking.user_id == user_id,
                                     Booking.status == "booked").correlate(Shift).scalar_subquery())
    waiting = exists().where(WaitlistEntry.shift_id == Shift.id, WaitlistEntry.user_id == user_id,
                             WaitlistEntry.status == "waiting").correlate(Shift)
    enrolled = exists().where(CampaignEnrolment.campaign_id == Shift.campaign_id,
                              CampaignEnrolment.user_id == user_id).correlate(Shift)
    paused = exists().where(BookingPause.campaign_id == Shift.campaign_id, BookingPause.user_id == user_id,
                            BookingPause.lifted_at.is_(None)).correlate(Shift)
    return (select(Shift, mine, waiting, enrolled, paused)
            .options(joinedload(Shift.campaign), joinedload(Shift.point).joinedload(ServicePoint.branch))
            .where(Shift.id == bindparam("shift_id")).execution_options(populate_existing=True))


def gate(user_id: int, shift_id: int) -> Gate:
    """Read the shift (as the database has it now) and the student's standing with it; BookingRefused
    ("missing") when there is no such shift."""
    row = db.session.execute(_statement(), {"user_id": user_id, "shift_id": shift_id}).first()
    if row is None:
        raise BookingRefused("missing", _l("This shift does not exist."))
    return Gate(row[0], row[1], bool(row[2]), bool(row[3]), bool(row[4]))


FULL = _l("This shift is full. You can join its waitlist.")


def seat_refusal(seen: Gate) -> BookingRefused | None:
    """What a student booking the shift is told before anything else is read: the shift's own rules,
    then that they have it already, then that it is full (the waitlist offer)."""
    refused = rules.shift_refusal(seen.shift)
    if refused is None and seen.booking_id is not None:
        refused = BookingRefused("duplicate", _l("You have already booked this shift."))
    if refused is None and seen.shift.seats_left <= 0:
        refused = BookingRefused("full", FULL)
    if refused is not None:
        refused.gate = seen
    return refused
