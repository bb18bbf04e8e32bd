"""The next 14 days: seats booked against capacity and against the demand the points reported,
understaffed shifts first, and a one-click call to the students who could come."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.accounts import consent
from portal.accounts.models import Consent, User
from portal.audit import services as audit
from portal.campaigns.models import Campaign, CampaignEnrolment, ServicePoint
from portal.core import clock
from portal.core.clock import LOCAL_TZ
from portal.core.locks import lock_row
from portal.core.urls import external_url
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.notifications import services as notifications
from portal.operations.models import ActivityCount, ActivityLog
from portal.reports.models import StaffingCall
from portal.shifts.models import Booking, Shift
from portal.training.models import Completion
from portal.training.services import modules_of

HORIZON = timedelta(days=14)
CALL_AGAIN_AFTER = timedelta(hours=6)


@dataclass
class Need:
    """One upcoming shift and how short it is."""

    shift: Shift
    shortfall: int
    demand: float | None  # citizens helped per shift at this point and hour, over the last 4 weeks
    last_call: StaffingCall | None


@dataclass(frozen=True)
class Ranked:
    """An upcoming shift's place in the list, before its details are loaded (only a page's are)."""

    shift_id: int
    shortfall: int
    demand: float | None


def ranked(point_ids: tuple[int, ...] | None = None, campaign_id: int | None = None) -> list[Ranked]:
    """Open shifts of the next 14 days, the shortest-staffed and busiest first (two queries, plain
    rows: the whole fortnight of a city is thousands of shifts, of which a page shows fifty)."""
    now = clock.now()
    query = (select(Shift.id, Shift.point_id, Shift.starts_at, Shift.capacity, Shift.booked_count)
             .join(Campaign, Campaign.id == Shift.campaign_id).join(ServicePoint, ServicePoint.id == Shift.point_id)
             .where(Shift.status == "open", Shift.starts_at > now, Shift.starts_at < now + HORIZON,
                    Campaign.status == "open", ServicePoint.is_active))
    if point_ids is not None:
        query = query.where(Shift.point_id.in_(point_ids or (-1,)))
    if campaign_id:
        query = query.where(Shift.campaign_id == campaign_id)
    shifts = db.session.execute(query).all()
    # Demand: what the activity logs of the last four weeks say about each point at each hour of the day.
    helped: dict[tuple[int, int], list[int]] = defaultdict(list)
    for point_id, starts, count in db.session.execute(
            select(Shift.point_id, Shift.starts_at, func.coalesce(func.sum(ActivityCount.count), 0))
            .join(ActivityLog, ActivityLog.shift_id == Shift.id)
            .outerjoin(ActivityCount, ActivityCount.log_id == ActivityLog.id)
            .where(Shift.starts_at >= now - timedelta(days=28), Shift.starts_at < now,
                   Shift.point_id.in_({s.point_id for s in shifts} or {-1}))
            .group_by(ActivityLog.id, Shift.point_id, Shift.starts_at)):
        helped[(point_id, starts.astimezone(LOCAL_TZ).hour)].append(int(count))
    rows = []
    for shift_id, point_id, starts, capacity, booked in shifts:
        seen = helped.get((point_id, starts.astimezone(LOCAL_TZ).hour))
        rows.append((starts, Ranked(shift_id=shift_id, shortfall=max(capacity - booked, 0),
                                    demand=(sum(seen) / len(seen)) if seen else None)))
    rows.sort(key=lambda pair: (-pair[1].shortfall, -(pair[1].demand or 0), pair[0], pair[1].shift_id))
    return [r for _, r in rows]


def details(items: list[Ranked]) -> list[Need]:
    """The shifts (with their point) and last calls of some ranked rows, in the same order (two queries)."""
    ids = [r.shift_id for r in items]
    shifts = {s.id: s for s in db.session.scalars(select(Shift).options(joinedload(Shift.point))
                                                  .where(Shift.id.in_(ids or [-1])))}
    calls = {}
    for call in db.session.scalars(select(StaffingCall).where(StaffingCall.shift_id.in_(ids or [-1]))
                                   .order_by(StaffingCall.sent_at)):
        calls[call.shift_id] = call
    return [Need(shift=shifts[r.shift_id], shortfall=r.shortfall, demand=r.demand, last_call=calls.get(r.shift_id))
            for r in items]


def needs(point_ids: tuple[int, ...] | None = None, campaign_id: int | None = None) -> list[Need]:
    """Every open shift of the next 14 days with its details, in order (four queries)."""
    return details(ranked(point_ids, campaign_id))


def candidates(shift: Shift) -> list[User]:
    """Students of the campaign who could book the shift: active, trained (not expiring before it ends),
    free at that time, and under the week's and the day's caps. A fixed number of queries."""
    campaign = shift.campaign
    students = db.session.scalars(
        select(User).join(CampaignEnrolment, CampaignEnrolment.user_id == User.id)
        .where(CampaignEnrolment.campaign_id == campaign.id, User.is_active_account)).all()
    ids = [u.id for u in students if u.has_role("student")]
    required = [m for m in modules_of(campaign) if m.is_required]
    if required:
        done: dict[int, int] = defaultdict(int)
        by_id = {m.id: m for m in required}
        for user_id, module_id, completed_at in db.session.execute(
                select(Completion.user_id, Completion.module_id, Completion.completed_at)
                .where(Completion.module_id.in_([m.id for m in required]), Completion.is_current)):
            module = by_id[module_id]
            if not module.validity_days or module.expires_at(completed_at) >= shift.ends_at:
                done[user_id] += 1
        ids = [i for i in ids if done.get(i, 0) == len(required)]
    day = shift.starts_at.astimezone(LOCAL_TZ).date()
    week_start = day - timedelta(days=day.weekday())
    window = (datetime.combine(week_start, time(0), LOCAL_TZ), datetime.combine(week_start + timedelta(days=7), time(0),
                                                                                 LOCAL_TZ))
    busy, per_week, hours_that_day = set(), defaultdict(int), defaultdict(float)
    for user_id, starts, ends in db.session.execute(
            select(Booking.user_id, Shift.starts_at, Shift.ends_at).join(Shift, Shift.id == Booking.shift_id)
            .where(Booking.status == "booked", Shift.status == "open", Booking.user_id.in_(ids or [-1]),
                   Shift.starts_at < window[1], Shift.ends_at > window[0])):
        per_week[user_id] += 1
        if starts < shift.ends_at and ends > shift.starts_at:
            busy.add(user_id)
        if starts.astimezone(LOCAL_TZ).date() == day:
            hours_that_day[user_id] += (ends - starts).total_seconds() / 3600
    chosen = {i for i in ids if i not in busy and per_week[i] < campaign.max_shifts_per_week
              and hours_that_day[i] + shift.hours <= campaign.max_hours_per_day}
    return [u for u in students if u.id in chosen]


def start_call(actor, shift: Shift) -> StaffingCall:
    """Record a call for the shift (the worker then tells the students: send_call); refused for a full or
    past shift, or one called in the last 6 hours. Commits."""
    lock_row("shifts", shift.id)  # two clicks at once call once
    db.session.refresh(shift)
    if shift.status != "open" or shift.starts_at <= clock.now():
        raise InvalidInput(_l("This shift is past or cancelled."), None)
    if shift.campaign.status != "open" or not shift.point.is_active:
        raise InvalidInput(_l("This campaign or point is not taking bookings."), None)
    if shift.starts_at - timedelta(days=shift.campaign.booking_window_days) > clock.now():
        raise InvalidInput(_l("Bookings for this shift are not open yet."), None)
    if shift.booked_count >= shift.capacity:
        raise InvalidInput(_l("This shift is already full."), None)
    recent = db.session.scalar(select(StaffingCall).where(StaffingCall.shift_id == shift.id,
                                                          StaffingCall.sent_at > clock.now() - CALL_AGAIN_AFTER))
    if recent is not None:
        raise InvalidInput(_l("Volunteers were called for this shift less than 6 hours ago."), None)
    call = StaffingCall(shift_id=shift.id, sent_by_id=actor.id, recipients=0)
    db.session.add(call)
    db.session.flush()
    audit.record(actor, "staffing.call", "shift", shift.id, after={"call": call.id})
    db.session.commit()
    return call


def send_call(call_id: int) -> int:
    """Tell every student who could come and agreed to campaign news (inbox, email, phone), once each
    however often the job runs; the number told. Commits."""
    call = db.session.get(StaffingCall, call_id)
    shift = call.shift if call else None
    if shift is None or shift.status != "open" or shift.starts_at <= clock.now():
        return 0
    people = candidates(shift)
    if people:  # campaign news and calls for volunteers go only to those who agreed to receive them
        agreed = set(db.session.scalars(consent.consenting_user_ids(consent.NEWS)
                                        .where(Consent.user_id.in_([p.id for p in people]))))
        people = [p for p in people if p.id in agreed]
    link = external_url("shifts.show", shift_id=shift.id)
    told = [notifications.notify(person, "staffing", f"staffing-call:{call.id}:{person.id}", "staffing_call",
                                 link=link, shift=shift) for person in people]
    call.recipients = len(people)
    db.session.commit()
    return sum(1 for notice in told if notice is not None)


def call_volunteers(actor, shift: Shift) -> int:
    """Call at once, in this process (the command line and tests; the page hands send_call to the worker)."""
    return send_call(start_call(actor, shift).id)
