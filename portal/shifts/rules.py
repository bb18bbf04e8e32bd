"""The booking rules, each with its own message. `refusal()` checks all but the seat count;
`shift_refusal()` is its part that reads nothing but the shift (a booking asks it, and the seat count,
before anything else)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from portal.campaigns import services as campaigns
from portal.core import clock
from portal.core.clock import LOCAL_TZ
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import format_date, format_datetime_local, format_number
from portal.i18n import lazy_text as _l
from portal.shifts.models import Booking, BookingPause, Shift
from portal.training import services as training


class BookingRefused(InvalidInput):
    """A booking (or cancellation) that a rule refuses; `code` names the rule."""

    gate = None  # booking.Gate: what the booking had read when it refused before locking anything

    def __init__(self, code: str, message):
        super().__init__(message, "shift")
        self.code = code


def local_day(moment: datetime):
    """The Hanoi calendar day of an instant."""
    return moment.astimezone(LOCAL_TZ).date()


def student_bookings(user_id: int, start: datetime, end: datetime) -> list[Booking]:
    """A student's active bookings on shifts overlapping [start, end), with their shifts."""
    return list(db.session.scalars(
        select(Booking).join(Shift, Shift.id == Booking.shift_id)
        .options(contains_eager(Booking.shift).joinedload(Shift.point))  # the rules read both: no query per booking
        .where(Booking.user_id == user_id, Booking.status == "booked", Shift.status == "open",
               Shift.starts_at < end, Shift.ends_at > start)
    ))


def context_for(user, shifts: list[Shift], enrolled: set[int] | None = None) -> dict:
    """What the rules need for a student, loaded once for many shifts (no query per shift);
    `enrolled`: the ids of the campaigns the student joined, when the caller has read them already."""
    if not shifts:
        return {"bookings": [], "missing": {}, "enrolled": {}, "paused": set()}
    start = min(s.starts_at for s in shifts) - timedelta(days=8)
    end = max(s.ends_at for s in shifts) + timedelta(days=8)
    campaign_ids = {s.campaign_id for s in shifts}
    by_id = {s.campaign_id: s.campaign for s in shifts}
    return {
        "bookings": student_bookings(user.id, start, end),
        "training": {cid: training.required_progress(user, by_id[cid]) for cid in campaign_ids},
        "enrolled": {cid: (cid in enrolled if enrolled is not None else campaigns.is_enrolled(user, by_id[cid]))
                     for cid in campaign_ids},
        "paused": paused_campaigns(user.id, campaign_ids),
    }


def paused_campaigns(user_id: int, campaign_ids) -> set[int]:
    """The campaigns (of `campaign_ids`) where the student's self-booking is paused after repeated no-shows."""
    return set(db.session.scalars(select(BookingPause.campaign_id).where(
        BookingPause.user_id == user_id, BookingPause.campaign_id.in_(list(campaign_ids)),
        BookingPause.lifted_at.is_(None))))


def missing_training(context: dict, shift: Shift) -> list:
    """Required modules not completed, or whose completion expires before the shift ends."""
    return [module for module, completion in context["training"].get(shift.campaign_id, [])
            if completion is None
            or (module.validity_days and module.expires_at(completion.completed_at) < shift.ends_at)]


def schedule_clash(shift: Shift, others: list[Booking], campaign) -> BookingRefused | None:
    """Overlap, weekly cap and daily hours cap of `shift` against a student's other bookings."""
    for booking in others:
        other = booking.shift
        if other.starts_at < shift.ends_at and other.ends_at > shift.starts_at:
            return BookingRefused("overlap", _l("It overlaps your shift at %(point)s, %(when)s.",
                                                point=other.point.name, when=format_datetime_local(other.starts_at)))
    week = local_day(shift.starts_at).isocalendar()[:2]
    same_week = [b for b in others if local_day(b.shift.starts_at).isocalendar()[:2] == week]
    if len(same_week) >= campaign.max_shifts_per_week:
        return BookingRefused("week_cap", _l("You already have %(n)d shifts that week, the most this campaign allows.",
                                             n=len(same_week)))
    day = local_day(shift.starts_at)
    hours = shift.hours + sum(b.shift.hours for b in others if local_day(b.shift.starts_at) == day)
    if hours > campaign.max_hours_per_day:
        return BookingRefused("day_cap", _l("That would make %(hours)s hours on %(date)s; the most is %(max)d a day.",
                                            hours=format_number(hours), date=format_date(day),
                                            max=campaign.max_hours_per_day))
    return None


PAUSED = _l("Your self-booking in this campaign is paused after repeated no-shows. Ask the organisers to lift "
             "the pause; a team leader can still add you to a shift.")
PHONE_NEEDED = _l("Add your phone number in My details before booking: the team leader calls you if the shift "
                  "changes or you are late.")


def refusal(user, shift: Shift, context: dict | None = None, now: datetime | None = None,
            check_training: bool = True, check_phone: bool = True,
            check_pause: bool | None = None) -> BookingRefused | None:
    """The first rule that stops `user` from booking `shift`, or None (capacity aside).

    A phone number is optional at sign-up and needed only to book (the leader must reach a volunteer
    whose shift changes). `check_phone=False` when a leader or organiser adds the volunteer (at the
    point, or a walk-in): they have the person in front of them or chose them, and the booking
    is theirs; the rule is for students booking themselves and for waitlists they joined. A pause
    after repeated no-shows (`check_pause`, by default as `check_phone`) stops the same self-bookings."""
    now = now or clock.now()
    refused = shift_refusal(shift, now)
    if refused:
        return refused
    context = context or context_for(user, [shift])
    if not context["enrolled"].get(shift.campaign_id):
        return BookingRefused("enrolment", _l("Join the campaign first."))
    if (check_phone if check_pause is None else check_pause) and shift.campaign_id in context.get("paused", ()):
        return BookingRefused("paused", PAUSED)
    if not user.is_active_account or not user.has_role("student"):
        return BookingRefused("account", _l("Only active student accounts can book shifts."))
    missing = missing_training(context, shift) if check_training else []
    if missing:
        return BookingRefused("training", _l("Complete the required training first: %(modules)s.",
                                             modules=", ".join(m.title for m in missing)))
    if any(b.shift_id == shift.id for b in context["bookings"]):
        return BookingRefused("duplicate", _l("You have already booked this shift."))
    clash = schedule_clash(shift, [b for b in context["bookings"] if b.shift_id != shift.id], shift.campaign)
    if clash is None and check_phone and not (user.phone or "").strip():
        return BookingRefused("phone", PHONE_NEEDED)
    return clash


def shift_refusal(shift: Shift, now: datetime | None = None) -> BookingRefused | None:
    """The rules of the shift itself, whoever books it (read from the shift, its campaign and point:
    no query): cancelled, campaign not open, started, not open for booking yet, point not taking volunteers."""
    now = now or clock.now()
    campaign = shift.campaign
    if shift.status != "open":
        return BookingRefused("cancelled", _l("This shift was cancelled."))
    if campaign.status != "open":
        return BookingRefused("campaign", _l("This campaign is not open for bookings."))
    if shift.starts_at <= now:
        return BookingRefused("started", _l("This shift has already started."))
    opens = shift.starts_at - timedelta(days=campaign.booking_window_days)
    if opens > now:
        return BookingRefused("window", _l("Bookings for this shift open on %(date)s, %(days)d days ahead.",
                                           date=format_date(opens), days=campaign.booking_window_days))
    if not shift.point.is_active:
        return BookingRefused("point", _l("This service point is not taking volunteers at the moment."))
    return None


def context_at(user, shift: Shift, enrolled: bool, paused: bool) -> dict:
    """What the rules need for one shift when the enrolment and the pause are known already (the
    booking's first statement reads them): the student's bookings around it and the training."""
    start, end = shift.starts_at - timedelta(days=8), shift.ends_at + timedelta(days=8)
    return {
        "bookings": student_bookings(user.id, start, end),
        "training": {shift.campaign_id: training.required_progress(user, shift.campaign)},
        "enrolled": {shift.campaign_id: enrolled},
        "paused": {shift.campaign_id} if paused else set(),
    }


def cancellation_refusal(booking: Booking, by_staff: bool, now: datetime | None = None) -> BookingRefused | None:
    """Students cancel only until the campaign's cut-off; leaders and admins release seats any time."""
    now = now or clock.now()
    if booking.status != "booked":
        return BookingRefused("not_booked", _l("This booking is no longer active."))
    if by_staff:
        return None
    if booking.shift.starts_at <= now:
        return BookingRefused("started", _l("This shift has already started."))
    cutoff = booking.shift.starts_at - timedelta(hours=booking.shift.campaign.cancel_cutoff_hours)
    if now > cutoff:
        return BookingRefused("cutoff", _l("Cancellations close %(hours)d hours before the start. "
                                           "Ask your team leader to release the seat.",
                                           hours=booking.shift.campaign.cancel_cutoff_hours))
    return None
