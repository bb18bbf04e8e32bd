"""Our issuer profile: its address, the keys it publishes as Multikeys (current and retired), and the
JSON-LD contexts our credentials use. Open Badges (badges.py) and the status lists (status_lists.py) sign
with these; verification.py checks against them."""
from __future__ import annotations

import json
from datetime import timezone

from flask import current_app
from joserfc.jwk import OKPKey

from portal.certificates import integrity, signing
from portal.core.urls import external_url

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
CONTEXT = [VC_V2, OB_V3]
MEDIA_TYPE = "application/ld+json"


def issuer_url() -> str:
    """The issuer profile's address: the `issuer.id` of every credential and the controller of our keys."""
    return external_url("certificates.issuer_profile")


def public_keys() -> dict[str, bytes]:
    """Our published keys (current first, then retired) as verificationMethod id → raw Ed25519 public key."""
    base, published = issuer_url(), signing.jwks()["keys"]
    marker = (base, json.dumps(published, sort_keys=True))
    cached = current_app.extensions.get("ob_public_keys")
    if cached and cached[0] == marker:
        return cached[1]
    found = {}
    for jwk in published:
        raw = OKPKey.import_key(jwk).public_key.public_bytes_raw()
        found[f"{base}#{integrity.multikey(raw)}"] = raw
    current_app.extensions["ob_public_keys"] = (marker, found)
    return found


def signing_method() -> tuple[object, str]:
    """The current private key and its verificationMethod id (`<issuer profile>#<Multikey>`)."""
    key = signing.signing_key()
    return key.private_key, f"{issuer_url()}#{integrity.multikey(key.public_key)}"


def profile() -> dict:
    """The issuer Profile (JSON-LD) with our keys as Multikeys, current and retired, for assertions."""
    base = issuer_url()
    methods = [{"id": method, "type": "Multikey", "controller": base,
                "publicKeyMultibase": method.split("#", 1)[1]} for method in public_keys()]
    return {"@context": [*CONTEXT, MULTIKEY_V1], "id": base, "type": ["Profile"],
            "name": current_app.config.get("CERT_ISSUER_NAME") or "Đồng hành",
            "url": external_url("home.index"), "verificationMethod": methods,
            "assertionMethod": [method["id"] for method in methods]}


def iso(moment) -> str:
    """A UTC datetime as an XML Schema dateTime (seconds, Z)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
