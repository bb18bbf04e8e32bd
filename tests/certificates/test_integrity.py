"""The eddsa-rdfc-2022 cryptosuite on its own: 1EdTech's published test vector, byte for byte, and the
offline document loader that serves only the contexts our npm packages publish."""
import hashlib
import json
from pathlib import Path

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from portal.certificates import integrity, jsonld_loader

VECTOR = json.loads((Path(__file__).parent / "fixtures" / "ob3_eddsa_rdfc_2022_vector.json").read_text())


@pytest.fixture
def vector_loader():
    """Our loader, with the one alias the vector needs (see the fixture's _alias note)."""
    return jsonld_loader.document_loader(VECTOR["aliases"])


def test_the_published_open_badges_vector_is_reproduced_byte_for_byte(vector_loader):
    credential, options = VECTOR["credential"], VECTOR["proof_options"]
    document_nquads = integrity.canonical(credential, vector_loader)
    proof_nquads = integrity.canonical({**options, "@context": credential["@context"]}, vector_loader)
    assert document_nquads == VECTOR["document_canonical"]
    assert proof_nquads == VECTOR["proof_canonical"]
    assert hashlib.sha256(document_nquads.encode()).hexdigest() == VECTOR["document_hash_hex"]
    assert hashlib.sha256(proof_nquads.encode()).hexdigest() == VECTOR["proof_hash_hex"]

    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(VECTOR["private_key_hex"])[:32])
    assert integrity.multikey(key.public_key()) == VECTOR["public_key_multibase"]
    assert key.public_key().public_bytes_raw().hex() == VECTOR["public_key_hex"]
    signed = integrity.sign(credential, key, options["verificationMethod"], options["created"], vector_loader)
    assert signed["proof"] == {**options, "proofValue": VECTOR["proof_value"]}
    assert signed["proof"]["proofValue"] == "z" + base58.b58encode(bytes.fromhex(VECTOR["signature_hex"])).decode()
    assert "proof" not in credential  # signing never changes what it was given

    keys = {options["verificationMethod"]: bytes.fromhex(VECTOR["public_key_hex"])}
    assert integrity.verify(signed, keys, vector_loader).ok


def test_the_vector_fails_with_the_reason_a_verifier_needs(vector_loader):
    options = VECTOR["proof_options"]
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(VECTOR["private_key_hex"])[:32])
    signed = integrity.sign(VECTOR["credential"], key, options["verificationMethod"], options["created"],
                            vector_loader)
    keys = {options["verificationMethod"]: bytes.fromhex(VECTOR["public_key_hex"])}

    changed = json.loads(json.dumps(signed))
    changed["credentialSubject"]["achievement"]["name"] = "Leadership"
    assert integrity.verify(changed, keys, vector_loader).reason == "tampered"

    other = Ed25519PrivateKey.generate()
    forged = integrity.sign(VECTOR["credential"], other, options["verificationMethod"].split("#")[0] + "#"
                            + integrity.multikey(other.public_key()), options["created"], vector_loader)
    result = integrity.verify(forged, keys, vector_loader)
    assert (result.ok, result.reason) == (False, "forged") and str(result.label)

    for broken in ({**signed, "proof": {**signed["proof"], "proofValue": "zzz"}},
                   {**signed, "proof": {**signed["proof"], "cryptosuite": "ecdsa-rdfc-2019"}},
                   {key: value for key, value in signed.items() if key != "proof"}, "not json", [signed]):
        assert integrity.verify(broken, keys, vector_loader).reason == "malformed"
    # Without the alias the vector's context is unknown to the portal: it cannot be read, never fetched.
    assert integrity.verify(signed, keys).reason == "malformed"


def test_the_loader_serves_only_the_packaged_contexts():
    held = jsonld_loader.urls()
    for url in ("https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                "https://w3id.org/security/data-integrity/v2", "https://w3id.org/security/multikey/v1",
                "https://www.w3.org/ns/credentials/status/v1"):
        assert url in held
        assert "@context" in jsonld_loader.LOADER(url, {})["document"]
    for url in ("https://example.org/evil-context.jsonld", "http://www.w3.org/ns/credentials/v2",
                "file:///etc/passwd", "https://www.w3.org/ns/credentials/v2/../v1"):
        with pytest.raises(jsonld_loader.UnknownContext):
            jsonld_loader.LOADER(url, {})
