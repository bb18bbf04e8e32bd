"""What waits for trainers, team leaders and organisers on their home page, each in a few queries."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload, lazyload

from portal.accounts.models import User
from portal.campaigns.models import Campaign, CampaignEnrolment, CampaignStaff, PointLeader, ServicePoint
from portal.certificates import eligibility
from portal.certificates.models import Credential
from portal.core import clock
from portal.core.clock import LOCAL_TZ
from portal.extensions import db
from portal.operations.models import Attendance
from portal.privacy import requests as privacy_requests
from portal.privacy.models import DataRequest
from portal.referrals.models import Recommendation
from portal.shifts.models import Booking, Shift
from portal.training.models import (
    Completion,
    ModuleProgress,
    QuizQuestion,
    SessionRegistration,
    TrainingModule,
    TrainingSession,
)

LEADER_DAYS = 7          # a leader sees today and the next six days
UNDERSTAFFED_DAYS = 7    # an organiser sees the understaffed shifts of the next seven days
UNDERSTAFFED_SHOWN = 5
CERTIFICATE_DAYS = 366   # campaigns that ended over a year ago no longer wait on the home page
SESSION_ATTENDANCE_DAYS = 30


def _today_start() -> datetime:
    """Midnight of today in Hanoi, as an aware instant."""
    return datetime.combine(clock.local_today(), time(0), LOCAL_TZ)


# --- trainers --------------------------------------------------------------------------------


@dataclass
class TrainerWork:
    """Students waiting for a trainer's confirmation per module, and the trainer's sessions."""

    campaigns: list[Campaign]
    waiting: list[tuple[TrainingModule, int]] = field(default_factory=list)
    sessions: list[tuple[TrainingSession, int]] = field(default_factory=list)

    @property
    def waiting_total(self) -> int:
        """Students waiting, over every module."""
        return sum(n for _, n in self.waiting)


def trainer_work(user) -> TrainerWork:
    """Per module of the open campaigns the trainer is assigned to, the students who read it (and passed
    its quiz) and wait for confirmation; the campaigns' sessions to come and those past whose attendance
    is not taken yet (six queries)."""
    campaigns = list(db.session.scalars(
        select(Campaign).options(lazyload(Campaign.organisers))
        .join(CampaignStaff, CampaignStaff.campaign_id == Campaign.id)
        .where(CampaignStaff.user_id == user.id, CampaignStaff.role == "trainer", Campaign.status == "open")
        .order_by(Campaign.start_date.desc())))
    work = TrainerWork(campaigns=campaigns)
    if not campaigns:
        return work
    ids = [c.id for c in campaigns]
    modules = list(db.session.scalars(select(TrainingModule).options(joinedload(TrainingModule.campaign))
                                      .where(TrainingModule.campaign_id.in_(ids), TrainingModule.is_retired.is_(False))
                                      .order_by(TrainingModule.campaign_id, TrainingModule.position)))
    module_ids = [m.id for m in modules] or [-1]
    quizzed = list(db.session.scalars(select(QuizQuestion.module_id)
                                      .where(QuizQuestion.module_id.in_(module_ids)).distinct()))
    # "Ready for sign-off" as the roster counts it: read, quiz passed if any, no current completion.
    counts = dict(db.session.execute(
        select(ModuleProgress.module_id, func.count())
        .join(TrainingModule, TrainingModule.id == ModuleProgress.module_id)
        .join(CampaignEnrolment, and_(CampaignEnrolment.user_id == ModuleProgress.user_id,
                                      CampaignEnrolment.campaign_id == TrainingModule.campaign_id))
        .join(User, and_(User.id == ModuleProgress.user_id, User.is_active_account))
        .outerjoin(Completion, and_(Completion.user_id == ModuleProgress.user_id,
                                    Completion.module_id == ModuleProgress.module_id, Completion.is_current))
        .where(ModuleProgress.module_id.in_(module_ids), Completion.id.is_(None),
               or_(ModuleProgress.module_id.not_in(quizzed or [-1]), ModuleProgress.quiz_passed_at.is_not(None)))
        .group_by(ModuleProgress.module_id)).all())
    work.waiting = [(m, counts[m.id]) for m in modules if counts.get(m.id)]
    now = clock.now()
    sessions = list(db.session.scalars(
        select(TrainingSession).options(joinedload(TrainingSession.campaign))
        .where(TrainingSession.campaign_id.in_(ids),
               or_(TrainingSession.ends_at > now,
                   and_(TrainingSession.attendance_taken_at.is_(None),
                        TrainingSession.starts_at > now - timedelta(days=SESSION_ATTENDANCE_DAYS))))
        .order_by(TrainingSession.starts_at).limit(8)))
    taken = dict(db.session.execute(
        select(SessionRegistration.session_id, func.count())
        .where(SessionRegistration.session_id.in_([s.id for s in sessions] or [-1]))
        .group_by(SessionRegistration.session_id)).all())
    work.sessions = [(s, taken.get(s.id, 0)) for s in sessions]
    return work


# --- team leaders ----------------------------------------------------------------------------


@dataclass
class LeaderWork:
    """The leader's points and their shifts of today and the next days, with staffing."""

    points: list[ServicePoint]
    today: list[Shift] = field(default_factory=list)
    later: list[Shift] = field(default_factory=list)


def leader_work(user) -> LeaderWork:
    """Today's and the next days' open shifts at the points the leader leads (two queries)."""
    points = list(db.session.scalars(select(ServicePoint).join(PointLeader, PointLeader.point_id == ServicePoint.id)
                                     .where(PointLeader.user_id == user.id).order_by(ServicePoint.name)))
    work = LeaderWork(points=points)
    if not points:
        return work
    start = _today_start()
    shifts = db.session.scalars(
        select(Shift).options(joinedload(Shift.point))
        .where(Shift.point_id.in_([p.id for p in points]), Shift.status == "open", Shift.ends_at > clock.now(),
               Shift.starts_at < start + timedelta(days=LEADER_DAYS))
        .order_by(Shift.starts_at, Shift.point_id).limit(12)).all()
    tomorrow = start + timedelta(days=1)
    work.today = [s for s in shifts if s.starts_at < tomorrow]
    work.later = [s for s in shifts if s.starts_at >= tomorrow][:6]
    return work


# --- organisers ------------------------------------------------------------------------------


@dataclass
class OrganiserWork:
    """The organisers' worklist: each item links to the page that does the work."""

    referrals: list[tuple[Campaign, int]] = field(default_factory=list)
    understaffed: list[Shift] = field(default_factory=list)
    understaffed_total: int = 0
    certificates: list[tuple[Campaign, int]] = field(default_factory=list)
    requests: list[tuple[DataRequest, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing waits."""
        return not (self.referrals or self.understaffed or self.certificates or self.requests)


def _certificates_waiting(today: date) -> list[tuple[Campaign, int]]:
    """Recently ended campaigns with students who qualify and hold no certificate yet: one query for the
    candidates (attended, no certificate), then the rule's check of those only, per such campaign."""
    ended = or_(Campaign.status == "closed", Campaign.end_date < today)
    rows = db.session.execute(
        select(Shift.campaign_id, Booking.user_id).distinct()
        .join(Booking, Booking.shift_id == Shift.id).join(Attendance, Attendance.booking_id == Booking.id)
        .join(Campaign, Campaign.id == Shift.campaign_id)
        .outerjoin(Credential, and_(Credential.campaign_id == Shift.campaign_id, Credential.user_id == Booking.user_id,
                                    Credential.kind == "participation", Credential.is_current))
        .where(ended, Campaign.status != "draft", Campaign.end_date >= today - timedelta(days=CERTIFICATE_DAYS),
               Attendance.status == "present", Booking.status == "booked", Credential.id.is_(None))).all()
    candidates: dict[int, list[int]] = {}
    for campaign_id, user_id in rows:
        candidates.setdefault(campaign_id, []).append(user_id)
    waiting = []
    for campaign in db.session.scalars(select(Campaign).options(lazyload(Campaign.organisers))
                                       .where(Campaign.id.in_(list(candidates) or [-1]))
                                       .order_by(Campaign.end_date.desc())):
        count = sum(1 for s in eligibility.standings(campaign, candidates[campaign.id]) if s.newly_eligible)
        if count:
            waiting.append((campaign, count))
    return waiting


def organiser_work() -> OrganiserWork:
    """Referrals to decide, understaffed shifts soonest first, certificates to issue, data requests near
    their deadline."""
    work = OrganiserWork()
    work.referrals = [(c, n) for c, n in db.session.execute(
        select(Campaign, func.count(Recommendation.id)).options(lazyload(Campaign.organisers))
        .join(Recommendation, Recommendation.campaign_id == Campaign.id)
        .where(Recommendation.status == "proposed").group_by(Campaign.id).order_by(Campaign.start_date.desc())).all()]
    now = clock.now()
    short = (select(Shift).join(Campaign, Campaign.id == Shift.campaign_id)
             .where(Shift.status == "open", Campaign.status == "open", Shift.booked_count < Shift.capacity,
                    Shift.starts_at > now, Shift.starts_at < now + timedelta(days=UNDERSTAFFED_DAYS)))
    work.understaffed_total = db.session.scalar(select(func.count()).select_from(short.subquery()))
    if work.understaffed_total:
        work.understaffed = list(db.session.scalars(short.options(joinedload(Shift.point))
                                                    .order_by(Shift.starts_at, Shift.point_id)
                                                    .limit(UNDERSTAFFED_SHOWN)))
    work.certificates = _certificates_waiting(clock.local_today())
    soon = now + timedelta(hours=privacy_requests.setting("PRIVACY_DUE_SOON_HOURS"))
    near = db.session.scalars(
        select(DataRequest).where(DataRequest.status.in_(privacy_requests.OPEN_STATUSES),
                                  or_(DataRequest.due_at < soon,
                                      DataRequest.acknowledged_at.is_(None) & (DataRequest.acknowledge_by < soon)))
        .order_by(DataRequest.due_at, DataRequest.id)).all()
    work.requests = [(r, privacy_requests.deadline_state(next_deadline(r), now=now)) for r in near]
    return work


def next_deadline(req: DataRequest) -> datetime:
    """The deadline that comes first: the answer's while unanswered, then the completion's."""
    return req.acknowledge_by if req.acknowledged_at is None else req.due_at
