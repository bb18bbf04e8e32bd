"""Who is offered a seat that needs cover, and the closing of requests and proposals overtaken by events.

Candidates are found in two steps: a query narrows the campaign's students to those who could be free
(active, enrolled, a phone, no booking that overlaps), students who prefer the point first; then the
booking rules (rules.refusal: training, caps, window…) judge each, until OFFER_CAP are found.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from portal.accounts.models import User, UserPreferredPoint, UserRole
from portal.campaigns.models import CampaignEnrolment
from portal.core import clock
from portal.core.urls import external_url
from portal.cover.models import CoverRequest, SwapProposal
from portal.extensions import db
from portal.notifications import services as notifications
from portal.shifts import rules
from portal.shifts.models import Booking, Shift

OFFER_CAP = 50  # colleagues told of one request: enough to find someone, few enough not to flood a campus
SCAN_CAP = 400  # candidates judged by the rules at most (the query has already removed the busy ones)
URGENT_WITHIN = timedelta(hours=6)  # a request for a shift this soon ignores quiet hours


def candidates(request: CoverRequest, limit: int = OFFER_CAP) -> list[User]:
    """The students who could take the request's seat under the booking rules, preferred-point first."""
    shift = request.shift
    other = aliased(Shift)
    busy = exists().where(Booking.user_id == User.id, Booking.status == "booked", Booking.shift_id == other.id,
                          other.status == "open", other.starts_at < shift.ends_at, other.ends_at > shift.starts_at)
    prefers = exists().where(UserPreferredPoint.user_id == User.id, UserPreferredPoint.point_id == shift.point_id)
    stmt = (select(User).join(CampaignEnrolment, and_(CampaignEnrolment.user_id == User.id,
                                                       CampaignEnrolment.campaign_id == shift.campaign_id))
            .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == "student"))
            .where(User.is_active_account, User.id != request.requester_id, User.phone.is_not(None),
                   func.trim(User.phone) != "", ~busy)
            .order_by(case((prefers, 0), else_=1), User.id).limit(SCAN_CAP))
    chosen = []
    for user in db.session.scalars(stmt).unique():
        if rules.refusal(user, shift) is None:
            chosen.append(user)
            if len(chosen) >= limit:
                break
    return chosen


def send_offers(request_id: int) -> int:
    """Tell the best candidates of an open request about it (once each); the number told."""
    request = db.session.get(CoverRequest, request_id)
    if request is None or request.status != "open":
        return 0
    shift, link = request.shift, external_url("cover.offer", cover_id=request.id)
    urgent = shift.starts_at - clock.now() < URGENT_WITHIN
    told = 0
    for user in candidates(request, OFFER_CAP):
        notice = notifications.notify(user, "cover-offer", f"cover-offer:{request.id}:{user.id}", "cover_offer",
                                      link=link, urgent=urgent, shift=shift, note=request.note,
                                      asker_name=request.requester.given_name)
        told += notice is not None
    request.offered_count = request.offered_count + told
    db.session.commit()
    return told


def close_overtaken() -> int:
    """Close open requests and proposals whose shift has started or whose booking ended another way."""
    now = clock.now()
    gone = select(Booking.id).join(Shift, Shift.id == Booking.shift_id).where(
        or_(Booking.status != "booked", Shift.status != "open", Shift.starts_at <= now))
    closed = db.session.execute(update(CoverRequest).where(
        CoverRequest.status == "open", CoverRequest.booking_id.in_(gone)
    ).values(status="closed", resolved_at=now).execution_options(synchronize_session=False)).rowcount or 0
    closed += db.session.execute(update(SwapProposal).where(
        SwapProposal.status == "proposed",
        or_(SwapProposal.from_booking_id.in_(gone), SwapProposal.to_booking_id.in_(gone))
    ).values(status="closed", resolved_at=now).execution_options(synchronize_session=False)).rowcount or 0
    db.session.commit()
    return closed
