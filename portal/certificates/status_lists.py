"""W3C Bitstring Status Lists: where every credential's status is published for software to check.

Each credential gets one index in a list when it is issued. A list row holds two bitstrings at that
index, each published as a signed BitstringStatusListCredential:
- `revocation` (1 bit): set when the credential is revoked or superseded; the credential's one
  `credentialStatus` entry names it, and it is what any verifier checks;
- `message` (2 bits, published beside it at the same index): why, for our own checks: 0 valid,
  1 revoked, 2 superseded.

Both are re-signed in the transaction that changes a status (a revoke or a correction), so the
published lists are never behind the database. They are also re-signed every night: each carries a
`validUntil` two days ahead, so a copy that nobody refreshed is seen to be stale.
"""
from __future__ import annotations

import base64
import gzip
import io
import json
import random
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, LargeBinary, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, deferred, mapped_column

from portal.certificates import integrity
from portal.certificates.models import Credential
from portal.certificates.profile import VC_V2, iso, issuer_url, signing_method
from portal.core import clock
from portal.core.types import UTCDateTime
from portal.core.urls import external_url
from portal.extensions import db

_RANDOM = random.SystemRandom()
LENGTH = 131_072  # entries per list: the specification's minimum of 16 KB for a 1-bit list (herd privacy)
VALID_FOR = timedelta(days=2)  # a signed list's validUntil, after its validFrom
TTL_MS = 24 * 3600 * 1000  # a hint to verifiers: fetch again after a day
PURPOSES = {"revocation": 1, "message": 2}  # purpose: bits per entry
MESSAGES = {"valid": 0, "revoked": 1, "superseded": 2}


class StatusList(db.Model):
    """One numbered pair of published bitstrings (revocation and message) and their signed credentials."""

    __tablename__ = "status_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    next_index: Mapped[int] = mapped_column(default=0)  # how many places are taken (they are drawn at random)
    revocation_bits: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    message_bits: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    revocation_json: Mapped[str | None] = deferred(mapped_column(Text))
    message_json: Mapped[str | None] = deferred(mapped_column(Text))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<StatusList {self.id} next {self.next_index}>"


class StatusEntry(db.Model):
    """Which list and index a credential's status lives at (one row per credential, at issue)."""

    __tablename__ = "credential_status_entries"

    credential_id: Mapped[int] = mapped_column(ForeignKey("credentials.id", ondelete="CASCADE"), primary_key=True)
    status_list_id: Mapped[int] = mapped_column(ForeignKey("status_lists.id", ondelete="RESTRICT"))
    status_index: Mapped[int]

    __table_args__ = (UniqueConstraint("status_list_id", "status_index"),)

    def __repr__(self) -> str:
        return f"<StatusEntry credential {self.credential_id} list {self.status_list_id}[{self.status_index}]>"


# --- the bitstrings ---------------------------------------------------------------------------------


def empty_bits(purpose: str) -> bytes:
    """A list of LENGTH entries, all 0 (valid)."""
    return bytes(LENGTH * PURPOSES[purpose] // 8)


def read_entry(bits: bytes, index: int, size: int) -> int:
    """The `size`-bit value at entry `index`: bit 0 is the most significant bit of the first byte."""
    value = 0
    for offset in range(index * size, index * size + size):
        byte = bits[offset // 8]
        value = (value << 1) | ((byte >> (7 - offset % 8)) & 1)
    return value


def write_entry(bits: bytes, index: int, size: int, value: int) -> bytes:
    """The bitstring with entry `index` set to `value` (`size` bits)."""
    changed = bytearray(bits)
    for position in range(size):
        offset = index * size + position
        bit = (value >> (size - 1 - position)) & 1
        mask = 1 << (7 - offset % 8)
        changed[offset // 8] = (changed[offset // 8] | mask) if bit else (changed[offset // 8] & ~mask)
    return bytes(changed)


def encode(bits: bytes) -> str:
    """encodedList: multibase base64url (prefix u, no padding) of the GZIP-compressed bitstring.

    mtime=0 keeps the same bits giving the same text."""
    compressed = gzip.compress(bits, compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def decode(encoded: str, max_bytes: int = 16 * 1024 * 1024) -> bytes:
    """The bitstring from an encodedList; ValueError if it is not one."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise ValueError("encodedList must start with 'u' (multibase base64url)")
    body = encoded[1:]
    try:
        compressed = base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_", validate=True)
        with gzip.GzipFile(fileobj=io.BytesIO(compressed)) as stream:
            bits = stream.read(max_bytes + 1)
    except (ValueError, OSError, EOFError) as error:
        raise ValueError("encodedList is not a GZIP-compressed bitstring") from error
    if not bits or len(bits) > max_bytes:
        raise ValueError("encodedList is empty or too large")
    return bits



# --- lists in the database -----------------------------------------------------------------------


def _new_list(now: datetime) -> StatusList:
    """A new, empty list, signed and published in the caller's transaction."""
    fresh = StatusList(next_index=0, revocation_bits=empty_bits("revocation"), message_bits=empty_bits("message"))
    db.session.add(fresh)
    db.session.flush()
    publish(fresh, now)
    return fresh


def assign(credential_ids: list[int], now: datetime | None = None) -> dict[int, tuple[int, int]]:
    """Give each new credential its index, in the caller's transaction: {credential id: (list id, index)}.

    Indexes are drawn at random among the list's free ones, so a credential's place says nothing about
    when it was issued (the specification's herd privacy). The newest list's row is locked while its
    count of used places moves, so two issuing runs never share an index; a full list is followed by a
    new one. Indexes are never reused."""
    now = now or clock.now()
    placed: dict[int, tuple[int, int]] = {}
    waiting = list(credential_ids)
    while waiting:
        current = db.session.scalar(select(StatusList).order_by(StatusList.id.desc()).limit(1).with_for_update()
                                    .execution_options(populate_existing=True))
        if current is None or current.next_index >= LENGTH:
            current = _new_list(now)
        take = min(len(waiting), LENGTH - current.next_index)
        used = set(db.session.scalars(select(StatusEntry.status_index).where(
            StatusEntry.status_list_id == current.id)))
        if take + len(used) < LENGTH // 2:  # enough room: draw more than needed and drop the used ones
            chosen = [i for i in _RANDOM.sample(range(LENGTH), take + len(used)) if i not in used][:take]
        else:  # a list filling up: draw among what is left
            chosen = _RANDOM.sample([i for i in range(LENGTH) if i not in used], take)
        current.next_index += take  # the row is locked: a plain write is enough
        rows = [{"credential_id": cid, "status_list_id": current.id, "status_index": index}
                for cid, index in zip(waiting[:take], chosen, strict=True)]
        db.session.execute(StatusEntry.__table__.insert(), rows)
        placed.update({row["credential_id"]: (current.id, row["status_index"]) for row in rows})
        waiting = waiting[take:]
    return placed


def mark(credential_ids: list[int], status: str, now: datetime | None = None) -> None:
    """Publish credentials' new status (revoked or superseded) in the caller's transaction: both bitstrings
    change and each list touched is signed again, once. A credential issued before status lists existed
    has no entry and nothing to publish."""
    found = db.session.execute(select(StatusEntry.status_list_id, StatusEntry.status_index).where(
        StatusEntry.credential_id.in_(credential_ids))).all() if credential_ids else []
    by_list: dict[int, list[int]] = {}
    for list_id, index in found:
        by_list.setdefault(list_id, []).append(index)
    for list_id in sorted(by_list):  # a fixed order, so two transactions never wait on each other
        status_list = db.session.scalar(select(StatusList).where(StatusList.id == list_id).with_for_update()
                                        .execution_options(populate_existing=True))
        revocation, message = status_list.revocation_bits, status_list.message_bits
        for index in by_list[list_id]:
            revocation = write_entry(revocation, index, 1, int(status != "valid"))
            message = write_entry(message, index, 2, MESSAGES[status])
        status_list.revocation_bits, status_list.message_bits = revocation, message
        publish(status_list, now or clock.now())


def backfill(now: datetime | None = None) -> int:
    """Give every credential issued before the status lists existed its index, and publish those already
    revoked or replaced (the nightly job and `flask credentials refresh-status`); how many were placed."""
    now = now or clock.now()
    waiting = db.session.execute(select(Credential.id, Credential.revoked_at, Credential.is_current)
                                 .outerjoin(StatusEntry, StatusEntry.credential_id == Credential.id)
                                 .where(StatusEntry.credential_id.is_(None)).order_by(Credential.id)).all()
    if waiting:
        assign([row.id for row in waiting], now)
        mark([row.id for row in waiting if row.revoked_at is not None], "revoked", now)
        mark([row.id for row in waiting if row.revoked_at is None and not row.is_current], "superseded", now)
    return len(waiting)


def refresh_all(now: datetime | None = None) -> int:
    """Sign every list again with a new validUntil (the nightly job); how many lists."""
    now = now or clock.now()
    lists = db.session.scalars(select(StatusList).order_by(StatusList.id).with_for_update()
                               .execution_options(populate_existing=True)).all()
    for status_list in lists:
        publish(status_list, now)
    return len(lists)


def published(list_id: int, purpose: str) -> str | None:
    """A list's signed credential as published (JSON text), or None."""
    if purpose not in PURPOSES:
        return None
    column = getattr(StatusList, f"{purpose}_json")
    return db.session.scalar(select(column).where(StatusList.id == list_id))


# --- what is published -----------------------------------------------------------------------------


def list_url(list_id: int, purpose: str) -> str:
    """Where a list's signed credential is published (its id, and every entry's statusListCredential)."""
    return external_url("certificates.status_list", list_id=list_id, purpose=purpose)


def unsigned_list(status_list: StatusList, purpose: str, now: datetime) -> dict:
    """A BitstringStatusListCredential of one purpose, before its proof."""
    url = list_url(status_list.id, purpose)
    subject = {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": purpose,
               "encodedList": encode(getattr(status_list, f"{purpose}_bits")), "ttl": TTL_MS}
    return {"@context": [VC_V2], "id": url, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": issuer_url(), "validFrom": iso(now), "validUntil": iso(now + VALID_FOR),
            "credentialSubject": subject}


def publish(status_list: StatusList, now: datetime) -> None:
    """Sign both of a list's credentials again with the current key, in the caller's transaction."""
    private_key, method = signing_method()
    for purpose in PURPOSES:
        document = integrity.sign(unsigned_list(status_list, purpose, now), private_key, method, iso(now))
        setattr(status_list, f"{purpose}_json", json.dumps(document, ensure_ascii=False, separators=(",", ":")))
    status_list.signed_at = now


def entry(credential_id: int) -> dict | None:
    """A credential's credentialStatus: its entry in the revocation list (OB 3.0 allows one), None for a
    credential issued before the lists existed. The message list at the same index, beside it
    (`message_url()`), says why for our own checks."""
    found = db.session.get(StatusEntry, credential_id)
    return entry_at(found.status_list_id, found.status_index) if found else None


def entry_at(list_id: int, index: int) -> dict:
    """The credentialStatus entry for an index in a list's revocation bitstring."""
    url = list_url(list_id, "revocation")
    return {"id": f"{url}#{index}", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": str(index), "statusListCredential": url}


def message_url(revocation_url: str) -> str | None:
    """The message list published beside a revocation list of ours (same list, same indexes)."""
    return revocation_url.removesuffix("/revocation") + "/message" if revocation_url.endswith("/revocation") else None
