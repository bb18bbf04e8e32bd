"""What the cover pages show: a booking's cover and swap state, requests a student could take, the history."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased, joinedload

from portal.campaigns import points as points_service
from portal.campaigns.models import CampaignEnrolment
from portal.core import clock
from portal.cover import services as cover
from portal.cover import swaps
from portal.cover.models import CoverRequest, SwapProposal
from portal.extensions import db
from portal.shifts import rules
from portal.shifts.models import Booking, Shift

LIST_CAP = 50
HISTORY_CAP = 100


@dataclass
class BookingCover:
    """One of my bookings with what cover and swapping offer it: the open request, the code, the proposals."""

    booking: Booking
    request: CoverRequest | None
    refusal: object  # why the seat cannot change hands now (a BookingRefused), or None
    code: str
    proposals: list = field(default_factory=list)


def for_booking(booking: Booking) -> BookingCover:
    """My booking's cover page."""
    proposals = list(db.session.scalars(select(SwapProposal).where(
        SwapProposal.status == "proposed",
        or_(SwapProposal.from_booking_id == booking.id, SwapProposal.to_booking_id == booking.id))
        .order_by(SwapProposal.id.desc())))
    return BookingCover(booking, cover.open_request_for(booking.id), cover.still_active(booking),
                        swaps.code_for(booking), proposals)


def _open_requests():
    """Open requests on active bookings of shifts still to come."""
    return (select(CoverRequest).join(Booking, Booking.id == CoverRequest.booking_id)
            .join(Shift, Shift.id == CoverRequest.shift_id)
            .where(CoverRequest.status == "open", Booking.status == "booked", Shift.status == "open",
                   Shift.starts_at > clock.now()))


def takeable(user) -> list[tuple[CoverRequest, object]]:
    """Open requests of my campaigns' colleagues, soonest first, each with the rule that stops me (or None);
    those I can take come first."""
    joined = select(CampaignEnrolment.campaign_id).where(CampaignEnrolment.user_id == user.id)
    found = list(db.session.scalars(_open_requests().where(CoverRequest.requester_id != user.id,
                                                           Shift.campaign_id.in_(joined))
                                    .options(joinedload(CoverRequest.shift).joinedload(Shift.point))
                                    .order_by(Shift.starts_at).limit(LIST_CAP)))
    context = rules.context_for(user, [r.shift for r in found])
    judged = [(r, rules.refusal(user, r.shift, context)) for r in found]
    return sorted(judged, key=lambda pair: pair[1] is not None)


def mine(user) -> list[CoverRequest]:
    """My cover requests, the open ones and the latest others."""
    return list(db.session.scalars(select(CoverRequest).where(CoverRequest.requester_id == user.id)
                                   .order_by((CoverRequest.status == "open").desc(), CoverRequest.id.desc())
                                   .limit(20)))


def history(user, point_id: int | None = None) -> tuple[list[CoverRequest], list[SwapProposal]]:
    """Cover requests and swaps at the points `user` runs (all for organisers), newest first."""
    led = None if user.has_role("admin") else [p.id for p in points_service.points_led_by(user)]
    requests = select(CoverRequest).join(Shift, Shift.id == CoverRequest.shift_id)
    from_b, to_b = aliased(Booking), aliased(Booking)
    from_s, to_s = aliased(Shift), aliased(Shift)
    proposals = (select(SwapProposal).join(from_b, from_b.id == SwapProposal.from_booking_id)
                 .join(to_b, to_b.id == SwapProposal.to_booking_id)
                 .join(from_s, from_s.id == from_b.shift_id).join(to_s, to_s.id == to_b.shift_id))
    for points in ([point_id] if point_id else None, led):
        if points is not None:
            requests = requests.where(Shift.point_id.in_(points))
            proposals = proposals.where(or_(from_s.point_id.in_(points), to_s.point_id.in_(points)))
    return (list(db.session.scalars(requests.order_by(CoverRequest.id.desc()).limit(HISTORY_CAP))),
            list(db.session.scalars(proposals.order_by(SwapProposal.id.desc()).limit(HISTORY_CAP))))


def may_view(user, request: CoverRequest) -> bool:
    """The asker, the taker and the students of the request's campaign may open its page."""
    if user.id in (request.requester_id, request.taken_by_id):
        return True
    return db.session.scalar(select(CampaignEnrolment.id).where(
        CampaignEnrolment.user_id == user.id, CampaignEnrolment.campaign_id == request.shift.campaign_id)) is not None
