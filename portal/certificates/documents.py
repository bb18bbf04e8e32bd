"""The signed document: the fields printed on the paper, a new signed credential, one issued for a referral
or a commendation, and the holder's email."""
from __future__ import annotations

from datetime import date, datetime

from portal.audit import services as audit
from portal.campaigns.models import Campaign
from portal.certificates import codes, signing
from portal.certificates.eligibility import Standing, standings
from portal.certificates.models import Credential
from portal.core import clock
from portal.core.clock import LOCAL_TZ
from portal.core.text import nfc
from portal.core.urls import external_url
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.mail import services as mail


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


def new_credential(actor, standing: Standing, campaign: Campaign, now: datetime, kind: str = "participation",
                    extra: dict | None = None, **columns) -> Credential:
    """A new credential of `standing`'s record, signed, not yet added to the session."""
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
    credential = new_credential(actor, standing, campaign, clock.now(), kind, extra)
    db.session.add(credential)
    db.session.flush()
    audit.record(actor, "credential.issue", "credential", credential.id, after={"code": credential.code,
                                                                                "kind": kind})
    return credential


def tell(credential: Credential, user) -> None:
    """Queue the student's email (in the same transaction as the document)."""
    mail.queue(user.email, "certificate_issued", "certificate", user.locale, user=user,
               campaign_name=credential.claims["campaign"], code=codes.pretty(credential.code),
               link=external_url("certificates.mine"))
