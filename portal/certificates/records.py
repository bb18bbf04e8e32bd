"""Reading credentials: one by its code, its public record, its replacement, its QR link and its PDF."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select

from portal.certificates import badges, codes, embedded, signing
from portal.certificates.models import Credential
from portal.core.urls import external_url
from portal.extensions import db


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


QR_TOKEN_LENGTH = 16  # base64url characters: 96 bits, beyond guessing under the page's rate limit


def qr_token(credential: Credential | PublicRecord) -> str:
    """The short check code the QR code carries: a hash of the stored signature keyed by the signature itself.

    It is exactly as secret as the signature (only the server and the holder's paper know either), needs no
    column and no key to rotate, and keeps the QR code small enough to print with modules of about 1 mm.
    """
    digest = hmac.new(credential.signature.encode(), b"qr-token:" + credential.code.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode()[:QR_TOKEN_LENGTH]


def verify_url(credential: Credential) -> str:
    """What the QR code encodes: the public page, with the short token after # (never sent to a server log)."""
    return external_url("certificates.verify", code=credential.code) + "#" + qr_token(credential)


def pdf_bytes(credential: Credential) -> bytes:
    """The PDF, carrying the signed Open Badge as credential.json: rendered on first download, then served
    from the record; its SHA-256 is kept."""
    if credential.pdf is not None:
        return credential.pdf
    from portal.certificates.pdf import render  # lazy: reportlab and the fonts load on the first PDF only

    badge = json.dumps(badges.signed(credential), ensure_ascii=False, indent=2).encode()
    data = embedded.attach(render(credential.claims, verify_url(credential)), badge)
    credential.pdf, credential.pdf_sha256 = data, hashlib.sha256(data).hexdigest()
    db.session.commit()
    return data


def token_matches(credential: Credential | PublicRecord, token: str | None) -> bool:
    """The token from the QR belongs to this record, whose fields still verify against one of our keys.

    Papers printed before the short token carry the detached JWS itself (`header..signature`): it still works.
    """
    token = token or ""
    if not credential.signature or not token:  # an erased holder's record keeps no signature
        return False
    if "." in token:
        return signing.verify_detached(token, credential.claims_json.encode())
    return (hmac.compare_digest(token.encode(), qr_token(credential).encode())
            and signing.verify_detached(credential.signature, credential.claims_json.encode()))


def key_state(kid: str) -> str:
    """Where the key that signed a record stands: "current", "retired" (still published) or "unpublished"."""
    published = [key.get("kid") for key in signing.jwks()["keys"]]
    if published and published[0] == kid:
        return "current"
    return "retired" if kid in published else "unpublished"


def masked_name(name: str) -> str:
    """The first letter of each word: Nguyễn Thị Lan → N. T. L."""
    return " ".join(word[0] + "." for word in name.split())
