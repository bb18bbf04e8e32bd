"""Reading credentials: one by its code, its public record, its replacement, its QR link and its PDF."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select

from portal.certificates import codes, signing
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


def verify_url(credential: Credential) -> str:
    """What the QR code encodes: the public page, with the token after # (never sent to a server log)."""
    return external_url("certificates.verify", code=credential.code) + "#" + credential.signature


def pdf_bytes(credential: Credential) -> bytes:
    """The PDF: rendered on first download, then served from the record; its SHA-256 is kept."""
    if credential.pdf is not None:
        return credential.pdf
    from portal.certificates.pdf import render  # lazy: reportlab and the fonts load on the first PDF only

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
