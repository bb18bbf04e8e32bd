"""The rule, issuing, revoking and correcting certificates; every change in one transaction, audited.
(The signed document itself is documents.py; reading one, its QR link and its PDF, records.py.)"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from portal.audit import services as audit
from portal.campaigns.models import Campaign
from portal.certificates import documents, numbers, status_lists
from portal.certificates.eligibility import has_ended, standings
from portal.certificates.models import REVOKE_CATEGORIES, CertificateRule, Credential
from portal.core import clock
from portal.core.locks import lock_row
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l

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
        # The campaign is locked first, so a parallel run waits and then finds who this one served; only then
        # are the numbers taken (in their own committed transaction on PostgreSQL: a failed step skips them,
        # never reuses them), as many as will be printed.
        numbers.prepare(campaign.id, "participation")
        lock_row("campaigns", campaign.id)
        everyone = standings(campaign)
        pending = [s for s in everyone if s.newly_eligible]
        eligible_total = sum(1 for s in everyone if s.eligible)
        chosen = pending if limit is None else pending[:limit]
        served = documents.holders(campaign, [s.user.id for s in chosen])
        to_issue = [s for s in chosen if s.user.id not in served]
        now = clock.now()
        numbered = documents.numbered_header(campaign, "participation", now, len(to_issue))
        issued = []
        for standing, number in zip(to_issue, numbered, strict=True):
            credential = documents.new_credential(actor, standing, campaign, now, numbered=number,
                                                  early_reason=reason)
            db.session.add(credential)
            documents.tell(credential, standing.user)
            issued.append(credential)
        if issued:
            db.session.flush()
            documents.seal(issued, now)
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
    status_lists.mark([credential.id], "revoked", credential.revoked_at)
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
    replacement = documents.new_credential(actor, standing, credential.campaign, now, credential.kind, extra,
                                  supersedes_id=credential.id, correction_reason=reason,
                                  early_reason=credential.early_reason)
    db.session.add(replacement)
    documents.tell(replacement, standing.user)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise InvalidInput(_l("This certificate was corrected at the same moment. Reload the page."),
                           "reason") from error
    status_lists.mark([credential.id], "superseded", now)  # the older list first: locks always go up by id
    documents.seal([replacement], now)
    audit.record(actor, "certificate.reissue", "credential", replacement.id,
                 before={"code": credential.code}, after={"code": replacement.code, "reason": reason})
    db.session.commit()
    return replacement
