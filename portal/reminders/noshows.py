"""Missed shifts: the next day the student is asked whether something went wrong (once per booking), and
repeated no-shows pause self-booking in the campaign until an organiser lifts the pause.

A no-show is a booking still 'booked' on an open shift that has ended with nobody checking the student
in (no attendance row with a check-in: the leader marked them absent, or recorded nothing). The pause
is a row in shifts' booking_pauses, which the booking rules read; counts are per campaign.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import User
from portal.audit import services as audit
from portal.core import clock
from portal.core.clock import LOCAL_TZ
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.notifications import services as notifications
from portal.operations.models import Attendance
from portal.reminders import services as reminders
from portal.reminders.models import MissedShift
from portal.shifts.models import Booking, BookingPause, Shift

ASK_WITHIN = timedelta(days=3)  # a shift missed longer ago than this is not asked about any more
BATCH = 500


def missed(now: datetime):
    """The condition of a no-show at `now` (bookings joined to their shifts)."""
    checked_in = exists().where(Attendance.booking_id == Booking.id, Attendance.checked_in_at.is_not(None))
    return and_(Booking.status == "booked", Shift.status == "open", Shift.ends_at <= now, ~checked_in)


def ask_missed(now: datetime | None = None) -> int:
    """Ask about yesterday's (and the day before's) missed shifts, once per booking; then apply the pause
    rule to the students concerned. The number asked."""
    now = now or clock.now()
    midnight = datetime.combine(now.astimezone(LOCAL_TZ).date(), datetime.min.time(), LOCAL_TZ)
    ids = db.session.scalars(select(Booking.id).join(Shift, Shift.id == Booking.shift_id).where(
        missed(midnight), Shift.ends_at > midnight - ASK_WITHIN).order_by(Booking.id)).all()
    asked, people = 0, set()
    for start in range(0, len(ids), BATCH):
        bookings = db.session.scalars(
            select(Booking).options(joinedload(Booking.shift).joinedload(Shift.point), selectinload(Booking.user))
            .where(Booking.id.in_(ids[start:start + BATCH])).order_by(Booking.id)).all()
        for held in bookings:
            notice = notifications.notify(held.user, "reminder-missed", f"noshow:booking:{held.id}", "reminder_missed",
                                          link=reminders.link_for("missed", held.id, held.user_id),
                                          shift=held.shift, point=held.shift.point)
            if notice is not None:
                db.session.add(MissedShift(booking_id=held.id, asked_at=now))
                asked += 1
            people.add((held.user_id, held.shift.campaign_id))
        db.session.commit()
    apply_pauses(people, now)
    return asked


def counts(pairs, now: datetime) -> dict[tuple[int, int], int]:
    """No-shows per (student, campaign) for the given pairs, in one query."""
    users = {u for u, _ in pairs}
    rows = db.session.execute(
        select(Booking.user_id, Shift.campaign_id, func.count(Booking.id)).join(Shift, Shift.id == Booking.shift_id)
        .where(missed(now), Booking.user_id.in_(users)).group_by(Booking.user_id, Shift.campaign_id)).all()
    return {(u, c): n for u, c, n in rows if (u, c) in pairs}


def apply_pauses(pairs, now: datetime) -> int:
    """Pause self-booking where a student reached the campaign's limit (counted again after a lift)."""
    pairs = set(pairs)
    if not pairs:
        return 0
    found = counts(pairs, now)
    limits = {cid: s.no_show_limit for cid, s in reminders.settings_of({c for _, c in pairs}).items()}
    pauses = {(p.user_id, p.campaign_id): p for p in db.session.scalars(select(BookingPause).where(
        BookingPause.user_id.in_({u for u, _ in pairs})))}
    made = 0
    for (user_id, campaign_id), n in found.items():
        limit, pause = limits[campaign_id], pauses.get((user_id, campaign_id))
        if not limit or (pause is not None and pause.lifted_at is None):
            continue
        if pause is None and n >= limit:
            db.session.add(BookingPause(user_id=user_id, campaign_id=campaign_id, no_shows=n, paused_at=now))
        elif pause is not None and n >= pause.no_shows + limit:  # lifted, then `limit` more no-shows
            pause.no_shows, pause.paused_at, pause.lifted_at, pause.lifted_by_id = n, now, None, None
        else:
            continue
        made += 1
    db.session.commit()
    return made


def save_reason(held: Booking, reason: str) -> MissedShift:
    """Keep what the student said about a missed shift (their last word counts); commits."""
    reason = nfc(reason or "").strip()
    if len(reason) > 500:
        raise InvalidInput(_l("Keep it under 500 characters."), "reason")
    row = db.session.scalar(select(MissedShift).where(MissedShift.booking_id == held.id))
    if row is None:
        row = MissedShift(booking_id=held.id)
        db.session.add(row)
    row.reason, row.answered_at = reason or None, clock.now()
    db.session.commit()
    return row


def missed_row(booking_id: int) -> MissedShift | None:
    """What the student said about a missed shift, if anything."""
    return db.session.scalar(select(MissedShift).where(MissedShift.booking_id == booking_id))


@dataclass
class Line:
    """One student on the organisers' no-show page."""

    user: User
    no_shows: int
    pause: BookingPause | None


def report(campaign, now: datetime | None = None) -> list[Line]:
    """Students of the campaign with at least one no-show: their count and pause, most no-shows first."""
    now = now or clock.now()
    rows = db.session.execute(
        select(Booking.user_id, func.count(Booking.id)).join(Shift, Shift.id == Booking.shift_id)
        .where(missed(now), Shift.campaign_id == campaign.id).group_by(Booking.user_id)).all()
    found = dict(rows)
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(found))))}
    pauses = {p.user_id: p for p in db.session.scalars(select(BookingPause).where(
        BookingPause.campaign_id == campaign.id, BookingPause.user_id.in_(list(found))))}
    lines = [Line(people[u], n, pauses.get(u)) for u, n in found.items() if u in people]
    return sorted(lines, key=lambda line: (-line.no_shows, line.user.sort_name or ""))


def lift(actor, campaign, user_id: int) -> BookingPause:
    """Lift a student's pause in the campaign (audited); they can book again until `limit` more no-shows."""
    pause = db.session.scalar(select(BookingPause).where(
        BookingPause.campaign_id == campaign.id, BookingPause.user_id == user_id, BookingPause.lifted_at.is_(None)))
    if pause is None:
        raise InvalidInput(_l("This student's booking is not paused."))
    pause.lifted_at, pause.lifted_by_id = clock.now(), actor.id
    audit.record(actor, "booking_pause.lift", "user", user_id, after={"campaign_id": campaign.id,
                                                                       "no_shows": pause.no_shows})
    db.session.commit()
    return pause
