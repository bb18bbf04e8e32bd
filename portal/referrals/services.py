"""The cases: who may nominate, nominating, the organisers' review, the host's answer, withdrawing; each step one
transaction, recorded with who and when. (The letters sent and awarded are letters.py; the hosts, hosts.py.)"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.accounts import consent
from portal.accounts.models import User, UserRole
from portal.audit import services as audit
from portal.campaigns.models import Campaign, CampaignEnrolment, CampaignStaff, PointLeader
from portal.core import clock
from portal.core.locks import lock_row
from portal.core.text import nfc
from portal.core.urls import external_url
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.mail import services as mail
from portal.referrals import hosts, steps
from portal.referrals.models import HostOrganisation, Nomination, Recommendation
from portal.shifts.models import Booking, Shift

REASON_MIN, REASON_MAX = 20, 2000


# --- who may nominate ----------------------------------------------------------------------


def capacity(actor, campaign: Campaign, student) -> str | None:
    """The capacity in which `actor` may nominate `student` in `campaign`, or None.

    Admins always; trainers assigned to the campaign; leaders assigned to it, or leading a point
    where the student booked a shift of it.
    """
    if actor.has_role("admin"):
        return "admin"
    roles = set(db.session.scalars(select(CampaignStaff.role).where(
        CampaignStaff.campaign_id == campaign.id, CampaignStaff.user_id == actor.id)))
    if "trainer" in roles and actor.has_role("trainer"):
        return "trainer"
    if actor.has_role("leader"):
        if "leader" in roles:
            return "leader"
        led = db.session.scalar(
            select(func.count()).select_from(Booking).join(Shift, Shift.id == Booking.shift_id)
            .join(PointLeader, PointLeader.point_id == Shift.point_id)
            .where(Shift.campaign_id == campaign.id, Booking.user_id == student.id, Booking.status == "booked",
                   PointLeader.user_id == actor.id))
        if led:
            return "leader"
    return None


def nominees(campaign: Campaign):
    """The condition a nominee must meet: an active account with the student role, enrolled in `campaign`,
    who has not withdrawn consent to internship referrals.

    The search, the nominate page and the nomination itself use this one rule, so no page shows the
    record of someone who is not a student of the campaign."""
    return (User.is_active_account.is_(True)
            & User.id.in_(select(CampaignEnrolment.user_id).where(CampaignEnrolment.campaign_id == campaign.id))
            & User.id.in_(select(UserRole.user_id).where(UserRole.role == "student"))
            & User.id.not_in(consent.withdrawn_user_ids(consent.REFERRALS)))


def nominee(campaign: Campaign, user_id: int):
    """The enrolled student `user_id` of `campaign`, or None."""
    return db.session.scalar(select(User).where(User.id == user_id, nominees(campaign)))


def search_scope(actor, campaign: Campaign):
    """Whose records `actor` may look up to nominate: None for everyone in the campaign (admins and
    the campaign's staff), a subquery of student ids for a leader of points it uses, False for nobody."""
    if actor.has_role("admin"):
        return None
    roles = set(db.session.scalars(select(CampaignStaff.role).where(
        CampaignStaff.campaign_id == campaign.id, CampaignStaff.user_id == actor.id)))
    if ("trainer" in roles and actor.has_role("trainer")) or ("leader" in roles and actor.has_role("leader")):
        return None
    if actor.has_role("leader"):
        return (select(Booking.user_id).join(Shift, Shift.id == Booking.shift_id)
                .join(PointLeader, PointLeader.point_id == Shift.point_id)
                .where(Shift.campaign_id == campaign.id, Booking.status == "booked", PointLeader.user_id == actor.id))
    return False


def nominate(actor, campaign: Campaign, student, kind: str, reason: str) -> Recommendation:
    """Propose a student for a referral or a commendation; several people may nominate the same one."""
    if kind not in ("referral", "commendation"):
        raise InvalidInput(_l("Choose a referral or a commendation."), "kind")
    role = capacity(actor, campaign, student)
    if role is None:
        raise steps.NotAllowed()
    enrolled = db.session.scalar(select(CampaignEnrolment.id).where(
        CampaignEnrolment.campaign_id == campaign.id, CampaignEnrolment.user_id == student.id))
    if enrolled is None or not student.has_role("student"):
        raise InvalidInput(_l("Only students who joined this campaign can be nominated."), "student")
    if student.id == actor.id:
        raise InvalidInput(_l("You cannot nominate yourself."), "student")
    reason = steps.text_between(reason, REASON_MIN, REASON_MAX, "reason",
                   _l("Write the reason in 20 to 2,000 characters: what did the student do?"))
    case = db.session.scalar(select(Recommendation).where(
        Recommendation.campaign_id == campaign.id, Recommendation.user_id == student.id, Recommendation.kind == kind))
    created = case is None
    if created:
        case = Recommendation(campaign_id=campaign.id, user_id=student.id, kind=kind, status="proposed")
        db.session.add(case)
        steps.record_event(actor, case, None)
    elif case.status != "proposed":
        raise InvalidInput(_l("This student's case has already been decided; nominations are closed."), "reason")
    elif any(n.nominated_by_id == actor.id for n in case.nominations):
        raise InvalidInput(_l("You have already nominated this student for this."), "reason")
    case.nominations.append(Nomination(nominated_by_id=actor.id, role=role, reason=reason))
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise InvalidInput(_l("Someone nominated this student at the same moment. Open the case and try again."),
                           "reason") from error
    audit.record(actor, "nomination.create", "recommendation", case.id, after={"kind": kind, "role": role})
    db.session.commit()
    return case


# --- review -------------------------------------------------------------------------------


def _nominators(case: Recommendation) -> set[int]:
    return {n.nominated_by_id for n in case.nominations}


def decide(actor, case: Recommendation, approve: bool, note: str = "", host_id: int | None = None) -> Recommendation:
    """Approve or reject a proposed case. Someone who nominated the student may not decide:
    another admin must. An approved referral names its host, within the host's places."""
    steps.require_admin(actor)
    steps.not_their_own(actor, case)
    steps.locked(case)
    if actor.id in _nominators(case):
        raise InvalidInput(_l("You nominated this student: another organiser must decide."), "note")
    if case.status != "proposed":
        raise InvalidInput(_l("This case has already been decided."), "note")
    note = nfc(note or "").strip()
    if len(note) > steps.NOTE_MAX:
        raise InvalidInput(_l("Keep the note under 1,000 characters."), "note")
    if not approve and len(note) < steps.NOTE_MIN:
        raise InvalidInput(_l("Say why the nomination is rejected (at least 5 characters)."), "note")
    if approve and case.kind == "referral":
        if host_id is None:
            raise InvalidInput(_l("Choose the host organisation for the internship."), "host_id")
        lock_row("host_organisations", host_id)  # two approvals cannot both take the last place
        host = db.session.get(HostOrganisation, host_id)
        if host is None or not host.is_active:
            raise InvalidInput(_l("Choose one of the active host organisations."), "host_id")
        if hosts.places_left(host) <= 0:
            raise InvalidInput(_l("%(host)s has no place left.", host=host.name), "host_id")
        case.host_id = host.id
    before = case.status
    case.status = "approved" if approve else "rejected"
    case.decided_by_id, case.decided_at, case.decision_note = actor.id, clock.now(), note
    steps.record_event(actor, case, before, note)
    audit.record(actor, f"recommendation.{case.status}", "recommendation", case.id,
                 before={"status": before}, after={"status": case.status, "host_id": case.host_id, "note": note})
    if approve:
        student = case.user
        template = "referral_approved" if case.kind == "referral" else "commendation_approved"
        mail.queue(student.email, template, "recommendation", student.locale, user=student,
                   campaign_name=case.campaign.name, host=case.host, link=external_url("referrals.mine"))
    db.session.commit()
    return case


def record_outcome(actor, case: Recommendation, accepted: bool, note: str = "") -> Recommendation:
    """The host's answer to a sent referral."""
    steps.require_admin(actor)
    steps.locked(case)
    if case.status != "sent":
        raise InvalidInput(_l("Only a sent referral gets the host's answer."), "note")
    note = nfc(note or "").strip()[:steps.NOTE_MAX]
    before, case.status = case.status, "accepted" if accepted else "declined"
    steps.record_event(actor, case, before, note)
    audit.record(actor, f"referral.{case.status}", "recommendation", case.id, after={"note": note})
    db.session.commit()
    return case


def withdraw(actor, case: Recommendation, note: str) -> Recommendation:
    """Close an approved referral that will not be sent (the student declined, the host stopped
    taking interns): it becomes "not approved", with the note, and frees the host's place."""
    steps.require_admin(actor)
    steps.locked(case)
    if case.kind != "referral" or case.status != "approved":
        raise InvalidInput(_l("Only an approved referral that was not sent can be withdrawn."), "note")
    note = nfc(note or "").strip()
    if not steps.NOTE_MIN <= len(note) <= steps.NOTE_MAX:
        raise InvalidInput(_l("Say why the referral is withdrawn (at least 5 characters)."), "note")
    before, case.status = case.status, "rejected"
    steps.record_event(actor, case, before, note)
    audit.record(actor, "referral.withdraw", "recommendation", case.id, after={"note": note})
    db.session.commit()
    return case


IN_PROGRESS = ("proposed", "approved")


def withdraw_for_erasure(user_ids: list[int], actor=None) -> int:
    """Withdraw the cases in progress (proposed or approved, so nothing was sent) of people whose
    data is being erased, in the caller's transaction: each becomes "rejected" with a note that
    names nobody, freeing any host's place; no host is told. Returns how many."""
    cases = db.session.scalars(select(Recommendation).where(
        Recommendation.user_id.in_(user_ids), Recommendation.status.in_(IN_PROGRESS))).all()
    for case in cases:
        before, case.status = case.status, "rejected"
        steps.record_event(actor, case, before, "withdrawn: the person's data was erased")
        audit.record(actor, "referral.withdraw", "recommendation", case.id, after={"reason": "erasure"})
    return len(cases)
