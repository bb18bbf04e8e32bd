"""The portal's Ed25519 signing key, compact JWS (alg EdDSA, kid), and the published JWKS."""
from __future__ import annotations

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
    """Write a new Ed25519 private key (PEM, owner-only) for development."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


def signing_key() -> OKPKey:
    """The current private key, with its kid (the RFC 7638 thumbprint)."""
    path = _key_path()
    if not path.exists():
        if current_app.config.get("CERT_SIGNING_KEY_FILE"):
            raise SigningKeyMissing(f"CERT_SIGNING_KEY_FILE points to {path}, which does not exist.")
        _generate(path)
    key = OKPKey.import_key(path.read_bytes())
    key.ensure_kid()
    return key


def jwks() -> dict:
    """The public keys to publish: the current one and the retired ones (CERT_RETIRED_JWKS_FILE)."""
    current = signing_key().as_dict(private=False)
    keys = [current]
    retired_file = current_app.config.get("CERT_RETIRED_JWKS_FILE")
    if retired_file and Path(retired_file).exists():
        retired = json.loads(Path(retired_file).read_text()).get("keys", [])
        keys += [k for k in retired if k.get("kid") != current["kid"] and "d" not in k]
    return {"keys": keys}


def sign(claims: dict) -> str:
    """A compact JWS of the claims (canonical JSON), signed with the current key."""
    key = signing_key()
    payload = json.dumps(claims, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    with _eddsa():
        return jws.serialize_compact({"alg": ALGORITHM, "kid": key.kid}, payload, key, algorithms=[ALGORITHM])


def verify(token: str) -> dict | None:
    """The claims of a token signed by one of our published keys, or None if it does not verify."""
    try:
        keys = KeySet.import_key_set(jwks())
        with _eddsa():
            result = jws.deserialize_compact(token, keys, algorithms=[ALGORITHM])
        return json.loads(result.payload)
    except (JoseError, ValueError, TypeError):
        return None
