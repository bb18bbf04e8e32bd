"""The portal's Ed25519 signing key, compact JWS (alg EdDSA, kid), and the published JWKS."""
from __future__ import annotations

import base64
import json
import os
import warnings
from contextlib import contextmanager
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, OKPKey

ALGORITHM = "EdDSA"


@contextmanager
def _eddsa():
    """joserfc warns that RFC 9864 prefers the name "Ed25519"; we keep "EdDSA", which verifiers expect."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="EdDSA is deprecated")
        yield


class SigningKeyMissing(RuntimeError):
    """Production has no signing key configured."""


def _key_path() -> Path:
    """Where the private key lives: CERT_SIGNING_KEY_FILE, else a development key in instance/."""
    configured = current_app.config.get("CERT_SIGNING_KEY_FILE")
    if configured:
        return Path(configured)
    if current_app.config["PORTAL_ENV"] == "production":
        raise SigningKeyMissing("CERT_SIGNING_KEY_FILE is not set: certificates cannot be signed.")
    return Path(current_app.instance_path) / "cert_signing_key.pem"


def _generate(path: Path) -> None:
    """Write a new Ed25519 private key (PEM, owner-only) for development.

    Written to a temporary file and linked into place, so two workers starting together never read
    half a key: the first link wins and the other worker uses that key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)


def signing_key() -> OKPKey:
    """The current private key, with its kid (the RFC 7638 thumbprint); read once per file version."""
    path = _key_path()
    if not path.exists():
        if current_app.config.get("CERT_SIGNING_KEY_FILE"):
            raise SigningKeyMissing(f"CERT_SIGNING_KEY_FILE points to {path}, which does not exist.")
        _generate(path)
    stamp = (str(path), path.stat().st_mtime_ns)
    cached = current_app.extensions.get("cert_signing_key")
    if cached and cached[0] == stamp:
        return cached[1]
    key = OKPKey.import_key(path.read_bytes())
    key.ensure_kid()
    current_app.extensions["cert_signing_key"] = (stamp, key)
    return key


def _retired_keys() -> list[dict]:
    """Retired public keys from CERT_RETIRED_JWKS_FILE, read once per file version. A broken file
    is logged and ignored: the current key still verifies, and the operator sees the error."""
    retired_file = current_app.config.get("CERT_RETIRED_JWKS_FILE")
    if not retired_file:
        return []
    path = Path(retired_file)
    try:
        stamp = (str(path), path.stat().st_mtime_ns)
    except OSError:
        current_app.logger.error("CERT_RETIRED_JWKS_FILE %s cannot be read", path)
        return []
    cached = current_app.extensions.get("cert_retired_keys")
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        keys = [k for k in json.loads(path.read_text()).get("keys", []) if "d" not in k]
        KeySet.import_key_set({"keys": keys})
    except (ValueError, TypeError, AttributeError, JoseError):
        current_app.logger.error("CERT_RETIRED_JWKS_FILE %s is not a valid JWKS; it is ignored", path)
        keys = []
    current_app.extensions["cert_retired_keys"] = (stamp, keys)
    return keys


def jwks() -> dict:
    """The public keys to publish: the current one and the retired ones (CERT_RETIRED_JWKS_FILE)."""
    current = signing_key().as_dict(private=False)
    return {"keys": [current] + [k for k in _retired_keys() if k.get("kid") != current["kid"]]}


def _key_set() -> KeySet:
    """The published keys as a KeySet, rebuilt only when a key file changes."""
    published = jwks()
    marker = json.dumps(published, sort_keys=True)
    cached = current_app.extensions.get("cert_key_set")
    if cached and cached[0] == marker:
        return cached[1]
    keys = KeySet.import_key_set(published)
    current_app.extensions["cert_key_set"] = (marker, keys)
    return keys


def sign(claims: dict) -> str:
    """A compact JWS of the claims (canonical JSON), signed with the current key."""
    key = signing_key()
    payload = canonical(claims)
    with _eddsa():
        return jws.serialize_compact({"alg": ALGORITHM, "kid": key.kid}, payload, key, algorithms=[ALGORITHM])


def canonical(claims: dict) -> bytes:
    """The exact bytes we sign: sorted keys, no spaces, UTF-8 (text already NFC)."""
    return json.dumps(claims, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign_detached(payload: bytes) -> tuple[str, str]:
    """A compact JWS with a detached payload (RFC 7515, appendix F): `header..signature`, and its kid.

    The QR code carries only this short token; the server holds the payload (the printed fields).
    """
    key = signing_key()
    with _eddsa():
        token = jws.serialize_compact({"alg": ALGORITHM, "kid": key.kid}, payload, key, algorithms=[ALGORITHM])
    header, _, signature = token.split(".")
    return f"{header}..{signature}", key.kid


def verify_detached(token: str, payload: bytes) -> bool:
    """Tell whether `token` (header..signature) signs exactly `payload` with one of our published keys."""
    parts = (token or "").split(".")
    if len(parts) != 3 or parts[1] != "" or len(token) > 1000:
        return False
    body = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
    return verify(f"{parts[0]}.{body}.{parts[2]}") is not None


def verify(token: str) -> dict | None:
    """The claims of a token signed by one of our published keys, or None if it does not verify."""
    keys = _key_set()  # configuration errors surface here, not as "this paper was altered"
    try:
        with _eddsa():
            result = jws.deserialize_compact(token, keys, algorithms=[ALGORITHM])
        return json.loads(result.payload)
    except (JoseError, ValueError, TypeError):
        return None
