"""A student's home: the four steps until they can book, then their next shift, hours against the
campaign's certificate rule, waitlists and certificates. About a dozen queries whatever the data."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from portal.accounts.models import User
from portal.campaigns.models import Campaign, CampaignEnrolment, PointLeader
from portal.certificates import eligibility
from portal.certificates.models import CertificateRule, Credential
from portal.core import clock
from portal.extensions import db
from portal.home import staff
from portal.operations.models import Attendance
from portal.operations.services import served_minutes
from portal.privacy import requests as privacy_requests
from portal.shifts import finder
from portal.shifts.models import Booking, Shift
from portal.training.models import (
    Completion,
    ModuleProgress,
    QuizQuestion,
    SessionRegistration,
    TrainingModule,
    TrainingSession,
)
from portal.training.services import expiry_cutoff

STEPS = ("join", "read", "confirm", "book")
# A step's state: done; to do (the student acts); waiting (for a trainer); blocked (an earlier step first).
STATES = ("done", "todo", "waiting", "blocked")


@dataclass
class Step:
    """One task of the list, with its state and what the template needs for its one action."""

    key: str
    state: str
    done_count: int = 0
    total: int = 0


@dataclass
class CertificateState:
    """Where a student stands on one campaign's certificate."""

    campaign: Campaign
    state: str  # issued, revoked, eligible, not_yet
    credential: Credential | None = None
    reasons: list = field(default_factory=list)
    ended: bool = False


@dataclass
class StudentHome:
    """Everything the student's home shows."""

    open_campaigns: list[Campaign]
    campaign: Campaign | None = None
    steps: list[Step] = field(default_factory=list)
    missing: list[TrainingModule] = field(default_factory=list)  # required, not confirmed yet
    session: TrainingSession | None = None
    upcoming: list[Shift] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)
    minutes: int = 0
    need_minutes: int = 0
    waitlist: list = field(default_factory=list)
    certificates: list[CertificateState] = field(default_factory=list)

    @property
    def can_book(self) -> bool:
        """Every step before booking is done."""
        return bool(self.steps) and all(s.state == "done" for s in self.steps[:3])

    @property
    def ready(self) -> bool:
        """All four steps done: the page turns into a status page."""
        return bool(self.steps) and all(s.state == "done" for s in self.steps)

    @property
    def steps_by_key(self) -> dict[str, Step]:
        """The steps by their key, for the template."""
        return {s.key: s for s in self.steps}

    @property
    def next_shift(self) -> Shift | None:
        """The soonest booked shift that has not ended."""
        return self.upcoming[0] if self.upcoming else None


def _campaigns(user) -> tuple[list[Campaign], dict[int, Campaign]]:
    """Open campaigns (newest first), and every non-draft campaign the student joined, by id."""
    rows = db.session.execute(
        select(Campaign, CampaignEnrolment.id).options(lazyload(Campaign.organisers))
        .outerjoin(CampaignEnrolment,
                   (CampaignEnrolment.campaign_id == Campaign.id) & (CampaignEnrolment.user_id == user.id))
        .where(Campaign.status != "draft").order_by(Campaign.start_date.desc(), Campaign.id.desc())).all()
    return [c for c, _ in rows if c.status == "open"], {c.id: c for c, joined in rows if joined is not None}


def _training(user, joined: dict[int, Campaign]):
    """Required active modules of the joined campaigns, the quizzed ones, and the student's progress and
    current completions (four queries)."""
    modules = list(db.session.scalars(select(TrainingModule).where(
        TrainingModule.campaign_id.in_(list(joined) or [-1]), TrainingModule.is_required,
        TrainingModule.is_retired.is_(False)).order_by(TrainingModule.position, TrainingModule.id)))
    ids = [m.id for m in modules] or [-1]
    quizzed = set(db.session.scalars(select(QuizQuestion.module_id).where(QuizQuestion.module_id.in_(ids)).distinct()))
    progress = {p.module_id: p for p in db.session.scalars(
        select(ModuleProgress).where(ModuleProgress.user_id == user.id, ModuleProgress.module_id.in_(ids)))}
    completions = {c.module_id: c for c in db.session.scalars(
        select(Completion).where(Completion.user_id == user.id, Completion.is_current, Completion.module_id.in_(ids)))}
    return modules, quizzed, progress, completions


def _steps(home: StudentHome, campaign: Campaign, modules, quizzed, progress, completions, booked: bool) -> None:
    """The four steps of the focus campaign, from the rows already read."""
    now = clock.now()
    mine = [m for m in modules if m.campaign_id == campaign.id]

    def confirmed(m):
        cutoff = expiry_cutoff(m, now)
        return m.id in completions and (cutoff is None or completions[m.id].completed_at >= cutoff)

    def read(m):
        return confirmed(m) or (m.id in progress and (m.id not in quizzed or progress[m.id].quiz_passed_at))

    home.missing = [m for m in mine if not confirmed(m)]
    n_read, n_confirmed = sum(1 for m in mine if read(m)), len(mine) - len(home.missing)
    read_state = "done" if n_read == len(mine) else "todo"
    confirm_state = "done" if not home.missing else ("waiting" if read_state == "done" else "blocked")
    book_state = "done" if booked else ("todo" if confirm_state == "done" else "blocked")
    home.steps = [Step("join", "done"), Step("read", read_state, n_read, len(mine)),
                  Step("confirm", confirm_state, n_confirmed, len(mine)), Step("book", book_state)]


def _shifts(user, joined: dict[int, Campaign]):
    """The student's booked shifts in their campaigns, with attendance where recorded (one query)."""
    return db.session.execute(
        select(Shift, Attendance.status, Attendance.adjusted_minutes, Attendance.checked_in_at,
               Attendance.checked_out_at)
        .join(Booking, Booking.shift_id == Shift.id).outerjoin(Attendance, Attendance.booking_id == Booking.id)
        .options(joinedload(Shift.point))
        .where(Booking.user_id == user.id, Booking.status == "booked", Shift.status == "open",
               Shift.campaign_id.in_(list(joined) or [-1]))
        .order_by(Shift.starts_at)).all()


def _standings(user, joined, rows, modules, completions) -> dict[int, eligibility.Standing]:
    """The student's record per campaign, as the certificate rule reads it (eligibility.standings, for one)."""
    now = clock.now()
    found = {cid: eligibility.Standing(user=user) for cid in joined}
    for shift, status, adjusted, checked_in, checked_out in rows:
        if shift.starts_at > now or status is None:
            continue
        standing = found[shift.campaign_id]
        standing.minutes += served_minutes(adjusted, checked_in, checked_out, shift.starts_at, shift.ends_at)
        if status == "present":
            standing.attended += 1
            standing.points.add(shift.point.name)
        elif status == "no_show":
            standing.no_shows += 1
    for m in modules:
        if m.id not in completions:
            found[m.campaign_id].missing_modules.append(m.title)
    return found


def _certificates(user, joined, standings, focus: Campaign | None, today: date) -> tuple[list[CertificateState], dict]:
    """Each campaign's certificate state worth showing: the focus campaign, and any other with a
    certificate or an attended shift (two queries: rules and credentials)."""
    rules = {r.campaign_id: r for r in db.session.scalars(
        select(CertificateRule).where(CertificateRule.campaign_id.in_(list(joined) or [-1])))}
    credentials = {c.campaign_id: c for c in db.session.scalars(select(Credential).where(
        Credential.user_id == user.id, Credential.kind == "participation", Credential.is_current))}
    states = []
    for campaign in joined.values():
        rule = rules.get(campaign.id) or CertificateRule(campaign_id=campaign.id, require_training=True, min_minutes=0)
        standing = standings[campaign.id]
        if not rule.require_training:
            standing.missing_modules = []
        credential = credentials.get(campaign.id)
        if credential is None and campaign is not focus and standing.attended == 0:
            continue
        why = eligibility.reasons(standing, rule)
        state = ("revoked" if credential.revoked_at else "issued") if credential else ("not_yet" if why else "eligible")
        states.append(CertificateState(campaign, state, credential, why, eligibility.has_ended(campaign, today)))
    return states, rules


def student_home(user) -> StudentHome:
    """The student's home page, in a fixed number of queries."""
    open_campaigns, joined = _campaigns(user)
    home = StudentHome(open_campaigns=open_campaigns)
    campaign = next((c for c in open_campaigns if c.id in joined), None)
    home.campaign = campaign
    modules, quizzed, progress, completions = _training(user, joined)
    rows = _shifts(user, joined)
    now = clock.now()
    if campaign is None:
        home.steps = [Step("join", "todo"), Step("read", "blocked"), Step("confirm", "blocked"),
                      Step("book", "blocked")]
    else:
        booked = any(shift.campaign_id == campaign.id for shift, *_ in rows)
        _steps(home, campaign, modules, quizzed, progress, completions, booked)
        if home.steps[2].state != "done":
            home.session = db.session.scalar(
                select(TrainingSession).join(SessionRegistration, SessionRegistration.session_id == TrainingSession.id)
                .where(SessionRegistration.user_id == user.id, TrainingSession.campaign_id == campaign.id,
                       TrainingSession.ends_at > now).order_by(TrainingSession.starts_at).limit(1))
    home.upcoming = [shift for shift, *_ in rows if shift.ends_at >= now]
    if home.upcoming:
        home.leaders = list(db.session.scalars(
            select(User.full_name).join(PointLeader, PointLeader.user_id == User.id)
            .where(PointLeader.point_id == home.upcoming[0].point_id, User.is_active_account).order_by(User.sort_name)))
    standings = _standings(user, joined, rows, modules, completions)
    today = clock.local_today()
    home.certificates, rules = _certificates(user, joined, standings, campaign, today)
    if campaign is not None:
        home.minutes = standings[campaign.id].minutes
        home.need_minutes = rules[campaign.id].min_minutes if campaign.id in rules else 0
    home.waitlist = finder.my_waitlist(user)
    return home


def sections(user) -> dict:
    """The home page's sections for each role the person holds (None for the others)."""
    return {
        "student": student_home(user) if user.has_role("student") else None,
        "trainer": staff.trainer_work(user) if user.has_role("trainer") else None,
        "leader": staff.leader_work(user) if user.has_role("leader") else None,
        "organiser": staff.organiser_work() if user.has_role("admin") else None,
        "request_kinds": privacy_requests.KIND_LABELS, "next_deadline": staff.next_deadline, "now": clock.now(),
    }
