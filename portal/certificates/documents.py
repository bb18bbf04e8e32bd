"""The signed document: the fields printed on the paper, a new signed credential, one issued for a referral
or a commendation, and the holder's email."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from portal.audit import services as audit
from portal.campaigns.models import Campaign
from portal.certificates import badges, codes, numbers, paper, signing, status_lists
from portal.certificates.eligibility import Standing, standings
from portal.certificates.issuers import CredentialSignature
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
               extra: dict | None = None, paper: dict | None = None) -> dict:
    """The fields printed on the paper, exactly as they are signed (NFC text, ISO dates).

    Every kind carries the student's record; a referral adds its host (`extra`). Version 2 adds the paper's
    number, place-and-date line, right-hand header and issuers (`paper`: paper.header() and the number)."""
    user = standing.user
    return {
        "v": 2 if paper else 1,
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
        **_nfc_tree(paper or {}),
    }


def _nfc_tree(value):
    """Every string in a JSON-like value, NFC."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [_nfc_tree(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc_tree(v) for k, v in value.items()}
    return value


def numbered_header(campaign: Campaign, kind: str, now: datetime, count: int) -> list[tuple[int, dict]]:
    """`count` new numbers of the campaign's series for `kind` (taken at once, never reused), each with the
    paper's header as it stands today: what new_credential freezes into the signed fields."""
    frozen = paper.header(campaign, now.astimezone(LOCAL_TZ).date())
    shorts = [issuer["short"] for issuer in frozen["issuers"]]
    return [(n, {**frozen, "number": numbers.printed(n, kind, shorts)})
            for n in numbers.allocate(campaign.id, kind, count)]


def holders(campaign: Campaign, user_ids: list[int]) -> set[int]:
    """Which of these students already hold a certificate of participation of the campaign (in any state)."""
    if not user_ids:
        return set()
    return set(db.session.scalars(select(Credential.user_id).where(
        Credential.campaign_id == campaign.id, Credential.kind == "participation", Credential.user_id.in_(user_ids))))


def new_credential(actor, standing: Standing, campaign: Campaign, now: datetime, kind: str = "participation",
                    extra: dict | None = None, numbered: tuple[int, dict] | None = None, **columns) -> Credential:
    """A new credential of `standing`'s record, signed, not yet added to the session (its signature images'
    links are: they keep the images while it exists). `numbered` is one of numbered_header(); else one is taken."""
    number, header = numbered or numbered_header(campaign, kind, now, 1)[0]
    code = codes.new_code()
    claims = claims_for(code, standing, campaign, now.astimezone(LOCAL_TZ).date(), kind, extra, header)
    payload = signing.canonical(claims)
    signature, kid = signing.sign_detached(payload)
    credential = Credential(code=code, kind=kind, campaign_id=campaign.id, user_id=standing.user.id,
                            claims_json=payload.decode(), signature=signature, kid=kid, issued_at=now,
                            issued_by_id=getattr(actor, "id", None), number=number, number_text=header["number"],
                            **columns)
    for sha in sorted({i["signature"] for i in header["issuers"] if i["signature"]}):
        db.session.add(CredentialSignature(credential=credential, sha256=sha))
    return credential


def seal(credentials: list[Credential], now: datetime) -> None:
    """After the new credentials are flushed, in their transaction: each gets its index in the status lists,
    then its Open Badge, signed with that entry in it and kept."""
    placed = status_lists.assign([credential.id for credential in credentials], now)
    for credential in credentials:
        badges.issue(credential, status_lists.entry_at(*placed[credential.id]))


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
    now = clock.now()
    credential = new_credential(actor, standing, campaign, now, kind, extra)
    db.session.add(credential)
    db.session.flush()
    seal([credential], now)
    audit.record(actor, "credential.issue", "credential", credential.id, after={"code": credential.code,
                                                                                "kind": kind})
    return credential


def tell(credential: Credential, user) -> None:
    """Queue the student's email (in the same transaction as the document)."""
    mail.queue(user.email, "certificate_issued", "certificate", user.locale, user=user,
               campaign_name=credential.claims["campaign"], code=codes.pretty(credential.code),
               link=external_url("certificates.mine"))
