"""Training sessions: scheduling, registration with a capacity, attendance that completes modules."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.audit import services as audit
from portal.campaigns.models import Campaign, CampaignEnrolment
from portal.core import clock
from portal.core.locks import lock_row
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.training import signoff
from portal.training.models import SessionRegistration, TrainingModule, TrainingSession


@dataclass
class SessionData:
    """What a trainer types on the session form (times already aware)."""

    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str
    capacity: int
    module_ids: list[int]


def sessions_of(campaign: Campaign) -> list[TrainingSession]:
    """A campaign's sessions, soonest first, with their modules."""
    return list(db.session.scalars(
        select(TrainingSession).options(selectinload(TrainingSession.modules))
        .where(TrainingSession.campaign_id == campaign.id).order_by(TrainingSession.starts_at)
    ))


def seats_taken_by_session(session_ids: list[int]) -> dict[int, int]:
    """Registrations per session, in one query."""
    rows = db.session.execute(
        select(SessionRegistration.session_id, func.count()).where(SessionRegistration.session_id.in_(session_ids))
        .group_by(SessionRegistration.session_id)
    ).all()
    return {session_id: 0 for session_id in session_ids} | dict(rows)


def seats_taken(session: TrainingSession) -> int:
    """How many students registered."""
    return db.session.scalar(
        select(func.count()).select_from(SessionRegistration).where(SessionRegistration.session_id == session.id)
    )


def schedule(actor, campaign: Campaign, data: SessionData) -> TrainingSession:
    """Create a session covering some of the campaign's modules."""
    if data.ends_at <= data.starts_at:
        raise InvalidInput(_l("The session must end after it starts."), "end_time")
    if not data.place.strip() and not data.online_url.strip():
        raise InvalidInput(_l("Give a place or an online link."), "place")
    if data.online_url and not data.online_url.startswith(("https://", "http://")):
        raise InvalidInput(_l("The online link must start with https://."), "online_url")
    modules = list(db.session.scalars(select(TrainingModule).where(
        TrainingModule.id.in_(data.module_ids), TrainingModule.campaign_id == campaign.id,
        TrainingModule.is_retired.is_(False))))
    if not modules or len(modules) != len(set(data.module_ids)):
        raise InvalidInput(_l("Choose at least one module of this campaign."), "module_ids")
    session = TrainingSession(
        campaign_id=campaign.id, title=nfc(data.title), starts_at=data.starts_at, ends_at=data.ends_at,
        place=nfc(data.place.strip()), online_url=data.online_url.strip(), capacity=data.capacity,
        trainer_id=actor.id, modules=modules,
    )
    db.session.add(session)
    db.session.flush()
    audit.record(actor, "session.create", "training_session", session.id,
                 after=audit.snapshot(session, ["title", "starts_at", "capacity"], modules=[m.id for m in modules]))
    db.session.commit()
    return session


def register(user, session: TrainingSession) -> None:
    """Register a student: enrolled in the campaign, before the start, while seats remain."""
    if session.starts_at <= clock.now():
        raise InvalidInput(_l("This session has already started."), "session")
    enrolled = db.session.scalar(select(CampaignEnrolment.id).where(
        CampaignEnrolment.campaign_id == session.campaign_id, CampaignEnrolment.user_id == user.id))
    if enrolled is None:
        raise InvalidInput(_l("Join the campaign first, then register for its training."), "session")
    # Lock the session so two last-seat registrations cannot both pass the count (both databases).
    lock_row("training_sessions", session.id)
    if seats_taken(session) >= session.capacity:
        db.session.rollback()
        raise InvalidInput(_l("This session is full. Choose another one."), "session")
    db.session.add(SessionRegistration(session_id=session.id, user_id=user.id))
    try:
        db.session.commit()
    except IntegrityError:  # registered already (a double click)
        db.session.rollback()


def unregister(user, session: TrainingSession) -> None:
    """Cancel a registration before the session starts."""
    if session.starts_at <= clock.now():
        raise InvalidInput(_l("This session has already started."), "session")
    registration = db.session.scalar(select(SessionRegistration).where(
        SessionRegistration.session_id == session.id, SessionRegistration.user_id == user.id))
    if registration is not None:
        db.session.delete(registration)
        db.session.commit()


ATTENDANCE_FILTERS = ("unmarked", "present", "absent")


def roster_query(session: TrainingSession, search: str = "", attendance: str = ""):
    """A session's registrations with their students, searchable and filterable, by given name."""
    stmt = (select(SessionRegistration, User).join(User, User.id == SessionRegistration.user_id)
            .where(SessionRegistration.session_id == session.id))
    if search:
        like = f"%{nfc(search.strip()).lower()}%"
        stmt = stmt.where(or_(*(func.lower(col).like(like) for col in
                                (User.full_name, User.email, User.student_code, User.school, User.chapter))))
    if attendance == "unmarked":
        stmt = stmt.where(SessionRegistration.attended.is_(None))
    elif attendance in ("present", "absent"):
        stmt = stmt.where(SessionRegistration.attended.is_(attendance == "present"))
    return stmt.order_by(User.sort_name, User.id)


def take_attendance(actor, session: TrainingSession, present_ids: set[int], shown_ids: set[int] | None = None) -> int:
    """Record who attended among the rows shown (all when None) and complete every covered
    module for those present, in one transaction."""
    registrations = [r for r in session.registrations if shown_ids is None or r.user_id in shown_ids]
    for registration in registrations:
        registration.attended = registration.user_id in present_ids
    attendees = [r.user_id for r in registrations if r.attended]
    completed = 0
    for module in session.modules:
        completed += signoff.complete(actor, module, attendees, method="session", session_id=session.id, commit=False)
    session.attendance_taken_at = clock.now()
    audit.record(actor, "session.attendance", "training_session", session.id,
                 after={"present": sorted(attendees), "completions": completed})
    db.session.commit()
    return completed
