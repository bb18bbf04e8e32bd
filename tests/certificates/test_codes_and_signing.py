"""Certificate codes and Ed25519 signatures, checked by hand against the published JWKS."""
import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from portal.certificates import codes, signing


def test_codes_carry_80_random_bits_in_crockford_base32():
    made = {codes.new_code() for _ in range(2000)}
    assert len(made) == 2000
    assert all(len(c) == 16 and set(c) <= set(codes.ALPHABET) for c in made)
    assert codes.pretty("7KQ2M9XD4FHTPW3R") == "7KQ2-M9XD-4FHT-PW3R"


@pytest.mark.parametrize("typed", ["7kq2-m9xd-4fht-pw3r", "7KQ2 M9XD 4FHT PW3R", "7KQ2M9XD4FHTPW3R"])
def test_typed_codes_are_read_in_any_case_with_or_without_hyphens(typed):
    assert codes.normalise(typed) == "7KQ2M9XD4FHTPW3R"


def test_mistyped_letters_are_read_as_crockford_intends_and_junk_is_refused():
    assert codes.normalise("OOOO-IIII-LLLL-0000") == "0000111111110000"
    assert codes.normalise("7KQ2-M9XD-4FHT") is None
    assert codes.normalise("7KQ2-M9XD-4FHT-PW3U") is None  # U is not in the alphabet
    assert codes.normalise("") is None


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def test_tokens_verify_against_the_published_jwks_with_an_independent_library(app, client):
    token = signing.sign({"code": "7KQ2M9XD4FHTPW3R", "name": "Nguyễn Thị Lan"})
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(_b64(header_b64))
    assert header["alg"] == "EdDSA" and header["kid"]
    published = client.get("/.well-known/jwks.json")
    assert published.headers["Content-Type"].startswith("application/json")
    (jwk,) = [k for k in published.get_json()["keys"] if k["kid"] == header["kid"]]
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519" and "d" not in jwk
    Ed25519PublicKey.from_public_bytes(_b64(jwk["x"])).verify(
        _b64(signature_b64), f"{header_b64}.{payload_b64}".encode())  # raises if forged
    assert json.loads(_b64(payload_b64))["name"] == "Nguyễn Thị Lan"
    assert signing.verify(token)["code"] == "7KQ2M9XD4FHTPW3R"


def test_a_token_with_one_changed_byte_does_not_verify(app):
    token = signing.sign({"code": "ABCD"})
    head, payload, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert signing.verify(f"{head}.{payload}.{flipped}") is None
    assert signing.verify("not.a.token") is None


def test_the_dev_key_is_kept_private_and_production_needs_a_configured_key(make_app):
    import os
    from pathlib import Path

    app = make_app()
    with app.app_context():
        signing.signing_key()
    key_file = Path(app.instance_path) / "cert_signing_key.pem"
    assert key_file.exists() and (os.stat(key_file).st_mode & 0o077) == 0
    production = make_app(PORTAL_ENV="production")
    with production.app_context(), pytest.raises(signing.SigningKeyMissing):
        signing.sign({"x": 1})


def test_retired_keys_stay_published(make_app, tmp_path):
    retired = {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
                         "kid": "retired-2025"}]}
    path = tmp_path / "retired.json"
    path.write_text(json.dumps(retired))
    app = make_app(CERT_RETIRED_JWKS_FILE=str(path))
    with app.app_context():
        kids = [k["kid"] for k in app.test_client().get("/.well-known/jwks.json").get_json()["keys"]]
    assert "retired-2025" in kids and len(kids) == 2
