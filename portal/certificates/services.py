"""Issuing, revoking and correcting certificates; every change in one transaction, audited."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError, OperationalError

from portal.audit import services as audit
from portal.campaigns.models import Campaign
from portal.certificates import codes, signing
from portal.certificates.eligibility import Standing, has_ended, standings
from portal.certificates.models import REVOKE_CATEGORIES, CertificateRule, Credential
from portal.core import clock
from portal.core.clock import LOCAL_TZ
from portal.core.locks import lock_row
from portal.core.text import nfc
from portal.core.urls import external_url
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.mail import services as mail

REASON_MIN, REASON_MAX = 5, 500
BATCH = 250  # students per step of an issuing run (one transaction each)


def _reason(text: str | None, field: str) -> str:
    """A reason of 5 to 500 characters, on one line."""
    reason = " ".join(nfc(text or "").split())
    if len(reason) < REASON_MIN:
        raise InvalidInput(_l("Give a reason (at least 5 characters)."), field)
    if len(reason) > REASON_MAX:
        raise InvalidInput(_l("Keep the reason under 500 characters."), field)
    return reason


# --- rules --------------------------------------------------------------------------------


def set_rule(actor, campaign: Campaign, require_training: bool, min_hours, max_no_shows: int | None) -> CertificateRule:
    """Save the campaign's eligibility rule (hours in steps of a quarter hour)."""
    if min_hours is None or not 0 <= min_hours <= 1000:
        raise InvalidInput(_l("Enter the minimum hours as a number from 0 to 1000."), "min_hours")
    if max_no_shows is not None and not 0 <= max_no_shows <= 1000:
        raise InvalidInput(_l("Enter the most no-shows allowed as a number from 0 to 1000, or leave it empty."),
                           "max_no_shows")
    rule = db.session.scalar(select(CertificateRule).where(CertificateRule.campaign_id == campaign.id))
    before = _rule_dict(rule) if rule else None
    rule = rule or CertificateRule(campaign_id=campaign.id)
    rule.require_training, rule.min_minutes = bool(require_training), int(round(float(min_hours) * 60))
    rule.max_no_shows, rule.updated_by_id = max_no_shows, actor.id
    db.session.add(rule)
    db.session.flush()
    audit.record(actor, "certificate_rule.save", "campaign", campaign.id, before, _rule_dict(rule))
    db.session.commit()
    return rule


def _rule_dict(rule: CertificateRule) -> dict:
    return {"require_training": rule.require_training, "min_minutes": rule.min_minutes,
            "max_no_shows": rule.max_no_shows}


# --- the signed fields --------------------------------------------------------------------


def claims_for(code: str, standing: Standing, campaign: Campaign, issued_on: date, kind: str = "participation",
               extra: dict | None = None) -> dict:
    """The fields printed on the paper, exactly as they are signed (NFC text, ISO dates).

    Every kind carries the student's record; a referral adds its host (`extra`)."""
    user = standing.user
    return {
        "v": 1,
        "kind": kind,
        "code": code,
        "name": nfc(user.full_name),
        "school": nfc(user.school or ""),
        "campaign": nfc(campaign.name),
        "organisers": [nfc(name) for name in campaign.organiser_names],
        "start": campaign.start_date.isoformat(),
        "end": campaign.end_date.isoformat(),
        "minutes": standing.minutes,
        "shifts": standing.attended,
        "points": sorted(nfc(p) for p in standing.points),
        "issued": issued_on.isoformat(),
        **{key: nfc(value) if isinstance(value, str) else value for key, value in (extra or {}).items()},
    }


def _new_credential(actor, standing: Standing, campaign: Campaign, now: datetime, kind: str = "participation",
                    extra: dict | None = None, **columns) -> Credential:
    code = codes.new_code()
    claims = claims_for(code, standing, campaign, now.astimezone(LOCAL_TZ).date(), kind, extra)
    payload = signing.canonical(claims)
    signature, kid = signing.sign_detached(payload)
    return Credential(code=code, kind=kind, campaign_id=campaign.id, user_id=standing.user.id,
                      claims_json=payload.decode(), signature=signature, kid=kid, issued_at=now,
                      issued_by_id=getattr(actor, "id", None), **columns)


def issue_document(actor, kind: str, user, campaign: Campaign, extra: dict, record: dict | None = None) -> Credential:
    """Issue a referral letter or a commendation for one student, in the caller's transaction:
    the same codes, signatures, verification page and revocation as certificates. `record` (minutes,
    shifts, points) replaces today's figures, e.g. with what the student agreed to share."""
    found = standings(campaign, [user.id])
    if not found:
        raise InvalidInput(_l("This student no longer takes part in the campaign."), "student")
    standing = found[0]
    if record:
        standing.minutes, standing.attended = record["minutes"], record["shifts"]
        standing.points = set(record["points"])
    credential = _new_credential(actor, standing, campaign, clock.now(), kind, extra)
    db.session.add(credential)
    db.session.flush()
    audit.record(actor, "credential.issue", "credential", credential.id, after={"code": credential.code,
                                                                                "kind": kind})
    return credential


def _tell(credential: Credential, user) -> None:
    """Queue the student's email (in the same transaction as the document)."""
    mail.queue(user.email, "certificate_issued", "certificate", user.locale, user=user,
               campaign_name=credential.claims["campaign"], code=codes.pretty(credential.code),
               link=external_url("certificates.mine"))


# --- issuing ------------------------------------------------------------------------------


@dataclass
class IssueStep:
    """What one step of an issuing run did, and what is left."""

    issued: list[Credential]
    remaining: int
    eligible_total: int


def check_may_issue(campaign: Campaign, early_reason: str | None) -> str | None:
    """Once the campaign has ended anyone eligible may be issued; before, only with a recorded reason."""
    if campaign.status == "draft":
        raise InvalidInput(_l("A draft campaign cannot have certificates."), None)
    if has_ended(campaign):
        return None
    if not (early_reason or "").strip():
        raise InvalidInput(_l("The campaign has not ended yet: give the reason for issuing early."), "reason")
    return _reason(early_reason, "reason")


def issue_step(actor, campaign: Campaign, early_reason: str | None = None, limit: int | None = BATCH) -> IssueStep:
    """Issue certificates to up to `limit` newly eligible students, in one transaction.

    Idempotent: students who already hold a certificate of this campaign (valid, revoked or
    superseded) are never issued another. Runs for one campaign take turns (the campaign row is
    locked first), so two admins, or a double click, cannot issue twice; the unique index backs it.
    """
    reason = check_may_issue(campaign, early_reason)
    try:
        lock_row("campaigns", campaign.id)
        everyone = standings(campaign)
        pending = [s for s in everyone if s.newly_eligible]
        eligible_total = sum(1 for s in everyone if s.eligible)
        chosen = pending if limit is None else pending[:limit]
        now = clock.now()
        issued = []
        for standing in chosen:
            credential = _new_credential(actor, standing, campaign, now, early_reason=reason)
            db.session.add(credential)
            _tell(credential, standing.user)
            issued.append(credential)
        if issued:
            db.session.flush()
            audit.record(actor, "certificate.issue", "campaign", campaign.id,
                         after={"count": len(issued), "early_reason": reason})
        db.session.commit()
    except (IntegrityError, OperationalError) as error:
        db.session.rollback()
        raise InvalidInput(_l("Another issuing run is in progress for this campaign. Try again in a moment."),
                           None) from error
    return IssueStep(issued=issued, remaining=len(pending) - len(chosen), eligible_total=eligible_total)


def issue_all(actor, campaign: Campaign, early_reason: str | None = None) -> list[Credential]:
    """Issue to every newly eligible student in one transaction (the command line); what was issued."""
    return issue_step(actor, campaign, early_reason, limit=None).issued


# --- revoking and correcting --------------------------------------------------------------


def find(code_text: str) -> Credential | None:
    """The credential with this code (typed in any case, with or without hyphens)."""
    code = codes.normalise(code_text)
    if code is None:
        return None
    return db.session.scalar(select(Credential).where(Credential.code == code))


@dataclass(frozen=True)
class PublicRecord:
    """What the public verification page needs of a credential, read without the ORM's overhead."""

    id: int
    code: str
    claims_json: str
    signature: str
    kid: str
    is_current: bool
    superseded_at: datetime | None
    revoked_at: datetime | None
    revoke_category: str | None

    claims = Credential.claims
    status = Credential.status


_PUBLIC_QUERY = select(*[getattr(Credential, f) for f in PublicRecord.__dataclass_fields__]).where(
    Credential.code == bindparam("code"))


def public_record(code_text: str) -> PublicRecord | None:
    """The public view of the credential with this code (typed in any case, with or without hyphens)."""
    code = codes.normalise(code_text)
    if code is None:
        return None
    with db.engine.connect() as connection:  # one read, no ORM session to set up and tear down
        row = connection.execute(_PUBLIC_QUERY, {"code": code}).first()
    return PublicRecord(*row) if row else None


def replacement_of(credential: Credential) -> Credential | None:
    """The credential that superseded this one."""
    return db.session.scalar(select(Credential).where(Credential.supersedes_id == credential.id))


def _locked_valid(credential: Credential, message) -> None:
    """Lock the credential's row and re-read it, so a revocation and a correction cannot cross."""
    lock_row("credentials", credential.id)
    db.session.refresh(credential)
    if credential.status != "valid":
        raise InvalidInput(message, "reason")


def revoke(actor, credential: Credential, reason: str, category: str = "other") -> Credential:
    """Revoke a valid credential; its public page stays, red, giving the category, never the reason's words."""
    reason = _reason(reason, "reason")
    if category not in REVOKE_CATEGORIES:
        raise InvalidInput(_l("Choose what the public page says."), "category")
    _locked_valid(credential, _l("Only a valid certificate can be revoked."))
    credential.revoked_at, credential.revoked_by_id, credential.revoke_reason = clock.now(), actor.id, reason
    credential.revoke_category = category
    audit.record(actor, "certificate.revoke", "credential", credential.id, after={"code": credential.code,
                                                                                  "category": category,
                                                                                  "reason": reason})
    db.session.commit()
    return credential


def reissue(actor, credential: Credential, reason: str) -> Credential:
    """Correct a valid certificate: a new code from today's records, the old one marked superseded.

    A certificate of participation is corrected only while the student still qualifies."""
    reason = _reason(reason, "reason")
    _locked_valid(credential, _l("Only a valid certificate can be corrected."))
    if credential.campaign.status == "draft":
        raise InvalidInput(_l("A draft campaign cannot have certificates."), "reason")
    (standing,) = standings(credential.campaign, [credential.user_id]) or (None,)
    if standing is None:
        raise InvalidInput(_l("This student no longer takes part in the campaign."), "reason")
    if credential.kind == "participation" and standing.reasons:
        raise InvalidInput(_l("With today's records the student no longer qualifies (%(why)s) Revoke the "
                              "certificate instead.", why=" ".join(str(r) for r in standing.reasons)), "reason")
    now = clock.now()
    credential.is_current, credential.superseded_at = False, now
    db.session.flush()  # frees the "one current certificate" slot
    extra = {key: credential.claims[key] for key in ("host",) if key in credential.claims}
    replacement = _new_credential(actor, standing, credential.campaign, now, credential.kind, extra,
                                  supersedes_id=credential.id, correction_reason=reason,
                                  early_reason=credential.early_reason)
    db.session.add(replacement)
    _tell(replacement, standing.user)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise InvalidInput(_l("This certificate was corrected at the same moment. Reload the page."),
                           "reason") from error
    audit.record(actor, "certificate.reissue", "credential", replacement.id,
                 before={"code": credential.code}, after={"code": replacement.code, "reason": reason})
    db.session.commit()
    return replacement


# --- the PDF, cached ----------------------------------------------------------------------


def verify_url(credential: Credential) -> str:
    """What the QR code encodes: the public page, with the token after # (never sent to a server log)."""
    return external_url("certificates.verify", code=credential.code) + "#" + credential.signature


def pdf_bytes(credential: Credential) -> bytes:
    """The PDF: rendered on first download, then served from the record; its SHA-256 is kept."""
    if credential.pdf is not None:
        return credential.pdf
    from portal.certificates.pdf import render

    data = render(credential.claims, verify_url(credential))
    credential.pdf, credential.pdf_sha256 = data, hashlib.sha256(data).hexdigest()
    db.session.commit()
    return data


def token_matches(credential: Credential | PublicRecord, token: str | None) -> bool:
    """The token from the QR signs this record's current fields with one of our keys."""
    return bool(token) and signing.verify_detached(token, credential.claims_json.encode())


def masked_name(name: str) -> str:
    """The first letter of each word: Nguyễn Thị Lan → N. T. L."""
    return " ".join(word[0] + "." for word in name.split())
