"""Checking an Open Badges credential offline: its signature, the key, its dates and its status.

Used by `flask credentials verify FILE` and by the public page's upload. Nothing is fetched: the keys
are our published ones (current and retired, from the key files) and the status lists are the signed
copies the portal keeps (or copies given on the command line). A file is a credential's JSON or a PDF
that carries it as an embedded file.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from flask import current_app

from portal.certificates import embedded, integrity, profile, status_lists
from portal.core import clock
from portal.i18n import lazy_text as _l

MAX_BYTES = 2 * 1024 * 1024  # a file as uploaded (our PDFs are about 100 KB)
MAX_JSON = 64 * 1024  # the credential itself (ours are about 5 KB)
# Canonicalisation has no work limit, and a crafted graph of look-alike blank nodes takes it exponential
# time: before any JSON-LD work a document must have the shape our credentials have.
MAX_DEPTH, MAX_OBJECTS, MAX_ANONYMOUS, MAX_ITEMS = 12, 64, 8, 32
REFUSED_KEYS = {"@graph", "@included", "@reverse", "@nest", "@context", "@id", "@type", "@set", "@list"}

# The checks, in the order they are shown.
CHECKS = {
    "format": _l("Readable credential"),
    "issuer_key": _l("Issuer's key"),
    "signature": _l("Signature"),
    "dates": _l("Validity dates"),
    "status": _l("Status (revoked or replaced)"),
    "status_fresh": _l("Status list up to date"),
}
# The verdict, in plain words.
VERDICTS = {
    "valid": _l("Genuine and valid: issued by this portal, unchanged, not revoked."),
    "malformed": integrity.REASONS["malformed"],
    "forged": integrity.REASONS["forged"],
    "tampered": integrity.REASONS["tampered"],
    "not_yet_valid": _l("Not valid yet: its validity starts later."),
    "expired": _l("Expired: its validity has ended."),
    "revoked": _l("Revoked by the organisers: it is no longer valid."),
    "superseded": _l("Replaced by a corrected credential: this one is no longer valid."),
    "status_unknown": _l("Its status cannot be checked: the status list is missing or not signed by us."),
    "status_stale": _l("Not confirmed: the status list used is out of date, so a recent revocation would not "
                       "show. Check again with a fresh status list."),
}


@dataclass
class Check:
    """One line of the report: passed (True), failed (False) or not checked (None), and what was seen."""

    key: str
    ok: bool | None
    detail: str = ""

    @property
    def label(self):
        return CHECKS[self.key]


@dataclass
class Report:
    """Every check made on one credential and the verdict they add up to."""

    checks: list[Check] = field(default_factory=list)
    verdict: str = "malformed"
    document: dict | None = None
    key_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.verdict == "valid"

    @property
    def verdict_label(self):
        return VERDICTS[self.verdict]


class Unreadable(ValueError):
    """The file is neither a credential's JSON nor a PDF that carries one."""


def read_file(data: bytes) -> dict:
    """The credential in a file: JSON, or the JSON embedded in one of our PDFs."""
    if len(data) > MAX_BYTES:
        raise Unreadable("larger than 2 MB")
    if data[:5] == b"%PDF-":
        data = _embedded_json(data)
    if len(data) > MAX_JSON:
        raise Unreadable("the credential is larger than 64 KB")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise Unreadable("not JSON") from error
    if not isinstance(document, dict):
        raise Unreadable("not a JSON object")
    problem = shape_problem(document)
    if problem:
        raise Unreadable(problem)
    return document


def shape_problem(document: dict) -> str | None:
    """Why a document is not shaped like our credentials, or None: its @context a list of URLs, no inline
    contexts or graph keywords, no blank-node ids, a bounded depth, breadth and number of objects."""
    context = document.get("@context")
    if not isinstance(context, list) or not context or not all(isinstance(url, str) for url in context):
        return "@context must be a list of context addresses"
    objects = anonymous = 0
    waiting = [(document, 0, True)]
    while waiting:
        node, depth, top = waiting.pop()
        if depth > MAX_DEPTH:
            return "nested too deeply"
        if isinstance(node, list):
            if len(node) > MAX_ITEMS:
                return "a list is too long"
            waiting.extend((item, depth + 1, False) for item in node)
        elif isinstance(node, dict):
            objects += 1
            if set(node) & (REFUSED_KEYS - ({"@context"} if top else set())):
                return "JSON-LD keywords our credentials do not use"
            identifier = node.get("id")
            if isinstance(identifier, str) and identifier.startswith("_:"):
                return "blank node identifiers"
            anonymous += "id" not in node and not top
            waiting.extend((value, depth + 1, False) for key, value in node.items() if key != "@context")
        if objects > MAX_OBJECTS or anonymous > MAX_ANONYMOUS:
            return "too many objects"
    return None


def _embedded_json(pdf: bytes) -> bytes:
    """The credential JSON a PDF carries as an embedded file."""
    found = embedded.extract(pdf)
    if found is None:
        raise Unreadable("the PDF carries no credential")
    return found


def instant(text) -> datetime | None:
    """An XML Schema dateTime as an aware datetime, or None."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _issuer_id(document: dict) -> str | None:
    issuer = document.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer if isinstance(issuer, str) else None


def our_keys(document: dict) -> dict[str, bytes]:
    """Our keys, named as this document names its issuer (the base address differs between a developer's
    machine and a command; in production, with BASE_URL set, it must be our issuer address)."""
    issuer = _issuer_id(document)
    ours = profile.issuer_url()
    if not issuer or (current_app.config.get("BASE_URL") and issuer != ours):
        issuer = ours
    raw_keys = profile.public_keys().values()
    return {f"{issuer}#{integrity.multikey(raw)}": raw for raw in raw_keys}


def _published_list(url: str) -> str | None:
    """Our signed copy of a status list, found by its address (ours only, once BASE_URL names us)."""
    marker, base = "/credentials/status/", current_app.config.get("BASE_URL")
    if marker not in url or (base and not url.startswith(base.rstrip("/") + marker)):
        return None
    list_id, _, purpose = url.split(marker, 1)[1].partition("/")
    return status_lists.published(int(list_id), purpose) if list_id.isdigit() else None


def verify(document: dict, now: datetime | None = None,
           lists: Callable[[str], str | None] | None = None) -> Report:
    """Every check on a credential; `lists` finds a status list's signed JSON by its address."""
    now, lists = now or clock.now(), lists or _published_list
    report = Report(document=document)
    problem = shape_problem(document)
    if problem:
        report.checks.append(Check("format", False, problem))
        return report
    keys = our_keys(document)
    proof = integrity.verify(document, keys)
    report.key_id = proof.verification_method
    if proof.reason == "malformed":
        report.checks.append(Check("format", False, proof.detail))
        return report
    report.checks.append(Check("format", True))
    report.checks.append(Check("issuer_key", proof.reason != "forged", proof.verification_method or ""))
    if proof.reason == "forged":
        report.verdict = "forged"
        return report
    report.checks.append(Check("signature", proof.ok, proof.detail or (proof.created or "")))
    if not proof.ok:
        report.verdict = "tampered"
        return report
    report.verdict = _dates(report, document, now) or _status(report, document, now, lists, keys) or "valid"
    return report


def _dates(report: Report, document: dict, now: datetime) -> str | None:
    """validFrom ≤ now ≤ validUntil; the verdict when they fail."""
    start, end = instant(document.get("validFrom")), instant(document.get("validUntil"))
    shown = " – ".join(filter(None, [document.get("validFrom"), document.get("validUntil")]))
    if start and now < start:
        report.checks.append(Check("dates", False, shown))
        return "not_yet_valid"
    if end and now > end:
        report.checks.append(Check("dates", False, shown))
        return "expired"
    report.checks.append(Check("dates", True, shown))
    return None


def _status(report: Report, document: dict, now: datetime, lists, keys: dict) -> str | None:
    """The credential's revocation entry read from its signed list and, when it is set, why (revoked or
    replaced) from the message list beside it; the verdict when it is set, unknown or out of date."""
    entry = document.get("credentialStatus")
    entry = entry[0] if isinstance(entry, list) and len(entry) == 1 else entry
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry" \
            or entry.get("statusPurpose") != "revocation":
        report.checks.append(Check("status", False, "no credentialStatus"))  # ours always carry one
        return "status_unknown"
    url, index = entry.get("statusListCredential"), entry.get("statusListIndex")
    revoked, until = _read_entry(url, "revocation", index, 1, lists, keys)
    if revoked is None:
        report.checks.append(Check("status", False, f"revocation: {url}"))
        return "status_unknown"
    verdict, detail = None, f"revocation={revoked}"
    if revoked:
        why, _ = _read_entry(status_lists.message_url(url) if isinstance(url, str) else None, "message", index, 2,
                             lists, keys)
        verdict, detail = ("superseded" if why == 2 else "revoked"), f"{detail}, message={why}"
    report.checks.append(Check("status", not revoked, detail))
    stale = until is None or until < now
    report.checks.append(Check("status_fresh", not stale, f"validUntil {until.isoformat() if until else '?'}"))
    return verdict or ("status_stale" if stale else None)


def _read_entry(url, purpose: str, index_text, size: int, lists, keys: dict) -> tuple[int | None, datetime | None]:
    """An entry's value in its list (checked: signed by us, of that purpose) and the list's validUntil."""
    try:
        index = int(index_text)
        text = lists(url) if isinstance(url, str) else None
        listed = json.loads(text) if text and len(text) <= MAX_BYTES else None
    except (TypeError, ValueError, RecursionError):
        return None, None
    if not isinstance(listed, dict) or listed.get("id") != url or shape_problem(listed):
        return None, None
    list_keys = {f"{_issuer_id(listed)}#{method.split('#', 1)[1]}": raw for method, raw in keys.items()}
    subject = listed.get("credentialSubject") or {}
    if not integrity.verify(listed, list_keys).ok or subject.get("statusPurpose") != purpose:
        return None, None
    try:
        bits = status_lists.decode(subject.get("encodedList"))
        if not 0 <= index < len(bits) * 8 // size:
            return None, None
        return status_lists.read_entry(bits, index, size), instant(listed.get("validUntil"))
    except ValueError:
        return None, None
