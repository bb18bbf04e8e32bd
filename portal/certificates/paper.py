"""A campaign's paper: the issuers' settings (saved in one transaction, audited), the signature PNGs, and the
header block frozen into a credential's signed fields at issue (so the paper re-renders identically later)."""
from __future__ import annotations

import hashlib
import io
import warnings
from datetime import date

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select

from portal.audit import services as audit
from portal.campaigns.models import Campaign
from portal.certificates.issuers import MOTTOS, CertificateIssuer, CertificatePaper, SignatureImage
from portal.core import images
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l

SIGNATURE_SIDE = 900  # px: a 60 mm wide signature block printed at about 380 dpi
ISSUER_FIELDS = ("parent_body", "issuing_body", "short_name", "on_behalf", "signatory_title", "signatory_name")
# Printed in capitals, as an official paper prints them.
UPPER = ("parent_body", "issuing_body", "short_name", "on_behalf", "signatory_title")
REQUIRED = {"issuing_body": _l("Enter the issuing body, for example BAN THƯỜNG VỤ."),
            "short_name": _l("Enter the short name used in the number, for example TĐTN."),
            "signatory_title": _l("Enter the signatory's title, for example PHÓ BÍ THƯ."),
            "signatory_name": _l("Enter the signatory's full name.")}


def paper_of(campaign: Campaign) -> CertificatePaper:
    """The campaign's paper settings (the defaults, unsaved, when none were saved: Hà Nội, the national motto)."""
    found = db.session.scalar(select(CertificatePaper).where(CertificatePaper.campaign_id == campaign.id))
    return found or CertificatePaper(campaign_id=campaign.id, place="Hà Nội", motto="state")


def issuers_of(campaign: Campaign) -> list[CertificateIssuer]:
    """The campaign's co-issuers, the leading one first."""
    return list(db.session.scalars(select(CertificateIssuer).where(CertificateIssuer.campaign_id == campaign.id)
                                   .order_by(CertificateIssuer.position)))


def place_date(place: str, day: date) -> str:
    """ "Hà Nội, ngày 05 tháng 02 năm 2026": Nghị định 30/2020/NĐ-CP, Phụ lục I, writes a 0 before a day under
    10 and before months 1 and 2 (so "tháng 3" to "tháng 12" stay as they are)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return nfc(f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}")


def header(campaign: Campaign, issued_on: date) -> dict:
    """What the paper's header and signature blocks say, frozen into the signed fields at issue
    (the signature image by its SHA-256); the number is added per credential."""
    paper = paper_of(campaign)
    return {"place_date": place_date(paper.place, issued_on), "motto": paper.motto,
            "issuers": [{"parent": i.parent_body, "body": i.issuing_body, "short": i.short_name,
                         "on_behalf": i.on_behalf, "title": i.signatory_title, "signatory": i.signatory_name,
                         "signature": i.signature_sha256 or ""} for i in issuers_of(campaign)]}


def signature_png(data: bytes, field: str) -> SignatureImage:
    """The uploaded signature-and-seal as the portal keeps it: a PNG whose transparency survives, at most
    SIGNATURE_SIDE px a side, every chunk but the pixels dropped (no text, time, ICC or EXIF)."""
    refused = InvalidInput(_l("Choose a PNG picture of the signature and seal (with a transparent background)."),
                           field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as source:
                if source.format != "PNG" or source.width * source.height > images.MAX_PIXELS:
                    raise refused
                picture = source.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise refused from None
    if picture.getchannel("A").getextrema()[0] == 255:
        raise InvalidInput(_l("The signature picture has no transparent background: the text under it would be "
                              "hidden. Save it as a PNG with transparency."), field)
    picture.thumbnail((SIGNATURE_SIDE, SIGNATURE_SIDE))
    clean = Image.frombytes("RGBA", picture.size, picture.tobytes())  # nothing of the original's metadata
    out = io.BytesIO()
    clean.save(out, "PNG", optimize=True)
    png = out.getvalue()
    return SignatureImage(sha256=hashlib.sha256(png).hexdigest(), data=png, width=clean.width, height=clean.height)


def _issuer_values(raw: dict, n: int) -> dict | None:
    """Issuer n's fields, NFC and upper case where paper prints them so; None when all are empty (no issuer n)."""
    values = {key: " ".join(nfc(raw.get(f"{key}_{n}") or "").split()) for key in ISSUER_FIELDS}
    if n == 2 and not any(values.values()):
        return None
    for key, message in REQUIRED.items():
        if not values[key]:
            raise InvalidInput(message, f"{key}_{n}")
    return {key: value.upper() if key in UPPER else value for key, value in values.items()}


def _snapshot(campaign: Campaign) -> dict:
    paper = paper_of(campaign)
    return {"place": paper.place, "motto": paper.motto,
            "issuers": [{**{k: getattr(i, k) for k in ISSUER_FIELDS}, "signature": i.signature_sha256}
                        for i in issuers_of(campaign)]}


def save(actor, campaign: Campaign, raw: dict, uploads: dict[int, bytes | None], remove: dict[int, bool]) -> None:
    """Save the place, the right-hand header and the one or two co-issuers in one transaction, all or nothing
    (InvalidInput on the first bad field, before anything is written); a new signature PNG replaces the old one."""
    apply(actor, campaign, raw, uploads, remove)
    db.session.commit()


def apply(actor, campaign: Campaign, raw: dict, uploads: dict[int, bytes | None], remove: dict[int, bool]) -> None:
    """save() in the caller's transaction (the demo seed's)."""
    place = " ".join(nfc(raw.get("place") or "").split())
    if not place:
        raise InvalidInput(_l("Enter the place printed before the date, for example Hà Nội."), "place")
    if raw.get("motto") not in MOTTOS:
        raise InvalidInput(_l("Choose the header on the right."), "motto")
    wanted = {n: _issuer_values(raw, n) for n in (1, 2)}
    pictures = {n: signature_png(data, f"signature_{n}") for n, data in uploads.items() if data and wanted[n]}
    before = _snapshot(campaign)
    paper = paper_of(campaign)
    paper.place, paper.motto, paper.updated_by_id = place, raw["motto"], getattr(actor, "id", None)
    db.session.add(paper)
    current = {i.position: i for i in issuers_of(campaign)}
    for n, values in wanted.items():
        issuer = current.get(n)
        if values is None:
            if issuer is not None:
                db.session.delete(issuer)
            continue
        issuer = issuer or CertificateIssuer(campaign_id=campaign.id, position=n)
        for key, value in values.items():
            setattr(issuer, key, value)
        if n in pictures:
            image = pictures[n]
            if db.session.get(SignatureImage, image.sha256) is None:
                db.session.add(image)
                db.session.flush()  # the image row before the issuer's reference to it
            issuer.signature_sha256 = image.sha256
        elif remove.get(n):
            issuer.signature_sha256 = None
        db.session.add(issuer)
    db.session.flush()
    audit.record(actor, "certificate_paper.save", "campaign", campaign.id, before, _snapshot(campaign))


def signature_images(claims: dict) -> dict[str, bytes]:
    """The signature PNGs a credential's signed fields refer to, by SHA-256 (for the paper only)."""
    wanted = [i["signature"] for i in claims.get("issuers", ()) if i.get("signature")]
    if not wanted:
        return {}
    rows = db.session.execute(select(SignatureImage.sha256, SignatureImage.data)
                              .where(SignatureImage.sha256.in_(wanted)))
    return {sha: data for sha, data in rows}
