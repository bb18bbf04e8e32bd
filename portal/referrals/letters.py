"""The letters: what a student agrees to share, the referral sent to its host, the commendation awarded;
each with its verifiable document (certificates' documents, the same codes and pages)."""
from __future__ import annotations

import hashlib
import json

from portal.audit import services as audit
from portal.certificates import codes, documents, records
from portal.core import clock
from portal.core.text import nfc
from portal.core.urls import external_url
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.mail import services as mail
from portal.referrals import steps
from portal.referrals.evidence import evidence_for
from portal.referrals.models import Recommendation


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
    return hashlib.sha256(json.dumps(shared, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:32]


def answer_consent(student, case: Recommendation, agree: bool, seen: str | None = None) -> Recommendation:
    """The student agrees (or not) to share the fields shown with the host; what they saw is kept.
    `seen` is the fingerprint of the page they answered on: if the details changed since, they must
    look again."""
    if case.user_id != student.id:
        raise steps.NotAllowed()
    steps.locked(case)
    if case.kind != "referral" or case.status != "approved":
        raise InvalidInput(_l("There is nothing to agree to for this referral now."), "consent")
    if agree and seen is not None and seen != fingerprint(shared_fields(case)):
        raise InvalidInput(_l("Your details changed since you opened the page. Check them again, then answer."),
                           "consent")
    case.consent, case.consent_at = ("given" if agree else "refused"), clock.now()
    case.shared_json = json.dumps(shared_fields(case), ensure_ascii=False, sort_keys=True) if agree else None
    steps.record_event(student, case, case.status, "consent given" if agree else "consent refused")
    audit.record(student, "referral.consent", "recommendation", case.id, after={"consent": case.consent})
    db.session.commit()
    return case


def send(actor, case: Recommendation) -> Recommendation:
    """Send an approved referral to its host: only what the student agreed to, with a verifiable letter."""
    steps.require_admin(actor)
    steps.not_their_own(actor, case)
    steps.locked(case)
    if case.kind != "referral" or case.status != "approved":
        raise InvalidInput(_l("Only an approved referral can be sent."), "send")
    if not case.host.is_active:
        raise InvalidInput(_l("%(host)s no longer takes interns: withdraw this referral.", host=case.host.name), "send")
    if case.consent != "given" or not case.shared_json:
        raise InvalidInput(_l("The student has not agreed to share their details: nothing can be sent."), "send")
    shared = json.loads(case.shared_json)
    letter = documents.issue_document(actor, "referral", case.user, case.campaign, {"host": case.host.name},
                                        record=shared)  # the letter says what the student agreed to
    case.credential = letter
    before, case.status = case.status, "sent"
    steps.record_event(actor, case, before)
    db.session.flush()
    mail.queue(case.host.contact_email, "referral_to_host", "referral", "vi", host=case.host, shared=shared,
               code=codes.pretty(letter.code), link=records.verify_url(letter))
    audit.record(actor, "referral.send", "recommendation", case.id, after={"host_id": case.host_id,
                                                                         "code": letter.code})
    db.session.commit()
    return case


def award(actor, case: Recommendation, note: str = "") -> Recommendation:
    """Award an approved commendation: its certificate is issued and the student told."""
    steps.require_admin(actor)
    steps.not_their_own(actor, case)
    steps.locked(case)
    if case.kind != "commendation" or case.status != "approved":
        raise InvalidInput(_l("Only an approved commendation can be awarded."), "note")
    note = nfc(note or "").strip()[:steps.NOTE_MAX]
    document = documents.issue_document(actor, "commendation", case.user, case.campaign, {})
    case.credential = document
    before, case.status = case.status, "awarded"
    steps.record_event(actor, case, before, note)
    db.session.flush()
    student = case.user
    mail.queue(student.email, "commendation_awarded", "recommendation", student.locale, user=student,
               campaign_name=case.campaign.name, code=codes.pretty(document.code),
               link=external_url("certificates.mine"))
    audit.record(actor, "commendation.award", "recommendation", case.id, after={"code": document.code})
    db.session.commit()
    return case
