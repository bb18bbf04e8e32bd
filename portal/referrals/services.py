"""Nominate, review, consent, send and award: each step one transaction, recorded with who and when."""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.audit import services as audit
from portal.campaigns.models import Campaign, CampaignEnrolment, CampaignStaff, PointLeader
from portal.certificates import codes
from portal.certificates import services as credentials
from portal.core import clock
from portal.core.locks import lock_row
from portal.core.text import nfc
from portal.core.urls import external_url
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.mail import services as mail
from portal.referrals.evidence import evidence_for
from portal.referrals.models import HostOrganisation, Nomination, Recommendation, RecommendationEvent
from portal.shifts.models import Booking, Shift

REASON_MIN, REASON_MAX = 20, 2000
NOTE_MIN, NOTE_MAX = 5, 1000
HOLDS_A_PLACE = ("approved", "sent", "accepted")


class NotAllowed(Exception):
    """The person may not take this step (the route answers 403)."""


def _text(value: str | None, low: int, high: int, field: str, message) -> str:
    text = nfc(value or "").strip()
    if not low <= len(text) <= high:
        raise InvalidInput(message, field)
    return text


def _locked(case: Recommendation) -> Recommendation:
    """Lock the case's row and re-read it, so two people cannot take the same step at once."""
    lock_row("recommendations", case.id)
    db.session.refresh(case)
    return case


def _not_their_own(actor, case: Recommendation) -> None:
    """Nobody decides, sends or awards their own case, whatever other roles they hold."""
    if actor.id == case.user_id:
        raise NotAllowed()


def _event(actor, case: Recommendation, before: str | None, note: str = "") -> None:
    db.session.add(RecommendationEvent(case=case, actor_id=getattr(actor, "id", None), from_status=before,
                                       to_status=case.status, note=note))


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
    from portal.accounts import consent
    from portal.accounts.models import User, UserRole

    return (User.is_active_account.is_(True)
            & User.id.in_(select(CampaignEnrolment.user_id).where(CampaignEnrolment.campaign_id == campaign.id))
            & User.id.in_(select(UserRole.user_id).where(UserRole.role == "student"))
            & User.id.not_in(consent.withdrawn_user_ids(consent.REFERRALS)))


def nominee(campaign: Campaign, user_id: int):
    """The enrolled student `user_id` of `campaign`, or None."""
    from portal.accounts.models import User

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
        raise NotAllowed()
    enrolled = db.session.scalar(select(CampaignEnrolment.id).where(
        CampaignEnrolment.campaign_id == campaign.id, CampaignEnrolment.user_id == student.id))
    if enrolled is None or not student.has_role("student"):
        raise InvalidInput(_l("Only students who joined this campaign can be nominated."), "student")
    if student.id == actor.id:
        raise InvalidInput(_l("You cannot nominate yourself."), "student")
    reason = _text(reason, REASON_MIN, REASON_MAX, "reason",
                   _l("Write the reason in 20 to 2,000 characters: what did the student do?"))
    case = db.session.scalar(select(Recommendation).where(
        Recommendation.campaign_id == campaign.id, Recommendation.user_id == student.id, Recommendation.kind == kind))
    created = case is None
    if created:
        case = Recommendation(campaign_id=campaign.id, user_id=student.id, kind=kind, status="proposed")
        db.session.add(case)
        _event(actor, case, None)
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


def _require_admin(actor) -> None:
    if not actor.has_role("admin"):
        raise NotAllowed()


def places_left(host: HostOrganisation, campaign: Campaign | None = None) -> int:
    """Places of a host not yet held by an approved, sent or accepted referral."""
    held = db.session.scalar(select(func.count()).select_from(Recommendation).where(
        Recommendation.host_id == host.id, Recommendation.status.in_(HOLDS_A_PLACE),
        Recommendation.consent != "refused"))
    return host.places - held


def decide(actor, case: Recommendation, approve: bool, note: str = "", host_id: int | None = None) -> Recommendation:
    """Approve or reject a proposed case. Someone who nominated the student may not decide:
    another admin must. An approved referral names its host, within the host's places."""
    _require_admin(actor)
    _not_their_own(actor, case)
    _locked(case)
    if actor.id in _nominators(case):
        raise InvalidInput(_l("You nominated this student: another organiser must decide."), "note")
    if case.status != "proposed":
        raise InvalidInput(_l("This case has already been decided."), "note")
    note = nfc(note or "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(_l("Keep the note under 1,000 characters."), "note")
    if not approve and len(note) < NOTE_MIN:
        raise InvalidInput(_l("Say why the nomination is rejected (at least 5 characters)."), "note")
    if approve and case.kind == "referral":
        if host_id is None:
            raise InvalidInput(_l("Choose the host organisation for the internship."), "host_id")
        lock_row("host_organisations", host_id)  # two approvals cannot both take the last place
        host = db.session.get(HostOrganisation, host_id)
        if host is None or not host.is_active:
            raise InvalidInput(_l("Choose one of the active host organisations."), "host_id")
        if places_left(host) <= 0:
            raise InvalidInput(_l("%(host)s has no place left.", host=host.name), "host_id")
        case.host_id = host.id
    before = case.status
    case.status = "approved" if approve else "rejected"
    case.decided_by_id, case.decided_at, case.decision_note = actor.id, clock.now(), note
    _event(actor, case, before, note)
    audit.record(actor, f"recommendation.{case.status}", "recommendation", case.id,
                 before={"status": before}, after={"status": case.status, "host_id": case.host_id, "note": note})
    if approve:
        student = case.user
        template = "referral_approved" if case.kind == "referral" else "commendation_approved"
        mail.queue(student.email, template, "recommendation", student.locale, user=student,
                   campaign_name=case.campaign.name, host=case.host, link=external_url("referrals.mine"))
    db.session.commit()
    return case


# --- consent and sending (referrals) ------------------------------------------------------


def shared_fields(case: Recommendation) -> dict:
    """Exactly what the host receives about the student, as the student sees it before agreeing."""
    student = case.user
    record = evidence_for(case.campaign, [student.id])[student.id]
    standing = record.standing
    return {
        "name": nfc(student.full_name), "email": student.email, "phone": student.phone or "",
        "school": nfc(student.school or ""), "campaign": nfc(case.campaign.name),
        "minutes": standing.minutes, "shifts": standing.attended, "points": sorted(standing.points),
        "training": [title for title, _ in record.training],
        "host": case.host.name if case.host else "",
    }


def fingerprint(shared: dict) -> str:
    """A short digest of what a student is shown, so their answer is tied to exactly that."""
    import hashlib

    return hashlib.sha256(json.dumps(shared, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:32]


def answer_consent(student, case: Recommendation, agree: bool, seen: str | None = None) -> Recommendation:
    """The student agrees (or not) to share the fields shown with the host; what they saw is kept.
    `seen` is the fingerprint of the page they answered on: if the details changed since, they must
    look again."""
    if case.user_id != student.id:
        raise NotAllowed()
    _locked(case)
    if case.kind != "referral" or case.status != "approved":
        raise InvalidInput(_l("There is nothing to agree to for this referral now."), "consent")
    if agree and seen is not None and seen != fingerprint(shared_fields(case)):
        raise InvalidInput(_l("Your details changed since you opened the page. Check them again, then answer."),
                           "consent")
    case.consent, case.consent_at = ("given" if agree else "refused"), clock.now()
    case.shared_json = json.dumps(shared_fields(case), ensure_ascii=False, sort_keys=True) if agree else None
    _event(student, case, case.status, "consent given" if agree else "consent refused")
    audit.record(student, "referral.consent", "recommendation", case.id, after={"consent": case.consent})
    db.session.commit()
    return case


def send(actor, case: Recommendation) -> Recommendation:
    """Send an approved referral to its host: only what the student agreed to, with a verifiable letter."""
    _require_admin(actor)
    _not_their_own(actor, case)
    _locked(case)
    if case.kind != "referral" or case.status != "approved":
        raise InvalidInput(_l("Only an approved referral can be sent."), "send")
    if not case.host.is_active:
        raise InvalidInput(_l("%(host)s no longer takes interns: withdraw this referral.", host=case.host.name), "send")
    if case.consent != "given" or not case.shared_json:
        raise InvalidInput(_l("The student has not agreed to share their details: nothing can be sent."), "send")
    shared = json.loads(case.shared_json)
    letter = credentials.issue_document(actor, "referral", case.user, case.campaign, {"host": case.host.name},
                                        record=shared)  # the letter says what the student agreed to
    case.credential = letter
    before, case.status = case.status, "sent"
    _event(actor, case, before)
    db.session.flush()
    mail.queue(case.host.contact_email, "referral_to_host", "referral", "vi", host=case.host, shared=shared,
               code=codes.pretty(letter.code), link=credentials.verify_url(letter))
    audit.record(actor, "referral.send", "recommendation", case.id, after={"host_id": case.host_id,
                                                                         "code": letter.code})
    db.session.commit()
    return case


def record_outcome(actor, case: Recommendation, accepted: bool, note: str = "") -> Recommendation:
    """The host's answer to a sent referral."""
    _require_admin(actor)
    _locked(case)
    if case.status != "sent":
        raise InvalidInput(_l("Only a sent referral gets the host's answer."), "note")
    note = nfc(note or "").strip()[:NOTE_MAX]
    before, case.status = case.status, "accepted" if accepted else "declined"
    _event(actor, case, before, note)
    audit.record(actor, f"referral.{case.status}", "recommendation", case.id, after={"note": note})
    db.session.commit()
    return case


def award(actor, case: Recommendation, note: str = "") -> Recommendation:
    """Award an approved commendation: its certificate is issued and the student told."""
    _require_admin(actor)
    _not_their_own(actor, case)
    _locked(case)
    if case.kind != "commendation" or case.status != "approved":
        raise InvalidInput(_l("Only an approved commendation can be awarded."), "note")
    note = nfc(note or "").strip()[:NOTE_MAX]
    document = credentials.issue_document(actor, "commendation", case.user, case.campaign, {})
    case.credential = document
    before, case.status = case.status, "awarded"
    _event(actor, case, before, note)
    db.session.flush()
    student = case.user
    mail.queue(student.email, "commendation_awarded", "recommendation", student.locale, user=student,
               campaign_name=case.campaign.name, code=codes.pretty(document.code),
               link=external_url("certificates.mine"))
    audit.record(actor, "commendation.award", "recommendation", case.id, after={"code": document.code})
    db.session.commit()
    return case


def withdraw(actor, case: Recommendation, note: str) -> Recommendation:
    """Close an approved referral that will not be sent (the student declined, the host stopped
    taking interns): it becomes "not approved", with the note, and frees the host's place."""
    _require_admin(actor)
    _locked(case)
    if case.kind != "referral" or case.status != "approved":
        raise InvalidInput(_l("Only an approved referral that was not sent can be withdrawn."), "note")
    note = nfc(note or "").strip()
    if not NOTE_MIN <= len(note) <= NOTE_MAX:
        raise InvalidInput(_l("Say why the referral is withdrawn (at least 5 characters)."), "note")
    before, case.status = case.status, "rejected"
    _event(actor, case, before, note)
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
        _event(actor, case, before, "withdrawn: the person's data was erased")
        audit.record(actor, "referral.withdraw", "recommendation", case.id, after={"reason": "erasure"})
    return len(cases)


# --- hosts --------------------------------------------------------------------------------


@dataclass
class HostData:
    name: str
    contact_name: str
    contact_email: str
    contact_phone: str
    places: int
    fields: str
    is_active: bool = True


def save_host(actor, host: HostOrganisation | None, data: HostData) -> HostOrganisation:
    """Create or edit a host organisation."""
    _require_admin(actor)
    name = " ".join(nfc(data.name or "").split())
    if not 2 <= len(name) <= 200:
        raise InvalidInput(_l("Enter the organisation's name."), "name")
    from portal.accounts.models import fold

    clash = next((h for h in db.session.scalars(select(HostOrganisation)) if fold(h.name) == fold(name)), None)
    if clash is not None and clash is not host:
        raise InvalidInput(_l("A host organisation with this name already exists."), "name")
    if host is not None and data.places < host.places - places_left(host):
        raise InvalidInput(_l("More referrals already hold places at this host than that."), "places")
    before = _host_dict(host) if host else None
    host = host or HostOrganisation()
    host.name, host.contact_name = name, nfc(data.contact_name or "").strip()
    host.contact_email = (data.contact_email or "").strip().lower()
    host.contact_phone = (data.contact_phone or "").strip()
    host.places, host.fields, host.is_active = data.places, nfc(data.fields or "").strip(), data.is_active
    db.session.add(host)
    db.session.flush()
    audit.record(actor, "host.save", "host_organisation", host.id, before, _host_dict(host))
    db.session.commit()
    return host


def _host_dict(host: HostOrganisation) -> dict:
    return {"name": host.name, "contact_email": host.contact_email, "places": host.places, "fields": host.fields,
            "is_active": host.is_active}
