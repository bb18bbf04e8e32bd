"""W3C Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite: sign and verify a JSON-LD document.

The hash data is SHA-256(canonical proof options) ‖ SHA-256(canonical document), both canonicalised with
RDFC-1.0 (pyld's URDNA2015) through our offline document loader; the signature is Ed25519 over it, and
`proofValue` is its multibase base58btc form. Keys travel as Multikeys (z6Mk…: the Ed25519 public key
behind the multicodec prefix 0xed01). Nothing here knows Flask: the portal's keys come from badges.py.
"""
from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

from portal.certificates import jsonld_loader
from portal.i18n import lazy_text as _l

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
_ED25519_MULTICODEC = b"\xed\x01"
_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")

# Why a document did not verify, in plain words (Verification.reason → label).
REASONS = {
    "malformed": _l("The file is not a credential we can read, or its proof is incomplete."),
    "forged": _l("It is signed with a key that is not ours: it was not issued by this portal."),
    "tampered": _l("The signature does not match the content: the credential was changed after it was issued."),
}


def multikey(public_key: bytes | Ed25519PublicKey) -> str:
    """An Ed25519 public key as a Multikey's publicKeyMultibase (z6Mk…)."""
    if isinstance(public_key, Ed25519PublicKey):
        public_key = public_key.public_bytes_raw()
    return "z" + base58.b58encode(_ED25519_MULTICODEC + public_key).decode()


def public_key_of(multibase: str) -> bytes:
    """The raw 32-byte Ed25519 key of a publicKeyMultibase; ValueError if it is not one."""
    if not multibase.startswith("z"):
        raise ValueError("not base58btc")
    raw = base58.b58decode(multibase[1:])
    if len(raw) != 34 or raw[:2] != _ED25519_MULTICODEC:
        raise ValueError("not an Ed25519 Multikey")
    return raw[2:]


def canonical(document: dict, loader: Callable | None = None) -> str:
    """The document's RDFC-1.0 canonical N-Quads, its contexts served by `loader` (ours by default)."""
    return jsonld.normalize(document, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                       "documentLoader": loader or jsonld_loader.LOADER, "safe": True})


def _leaves(node) -> int:
    """How many values (strings, numbers, booleans, ids, types) a compact JSON-LD document holds."""
    if isinstance(node, list):
        return sum(_leaves(item) for item in node)
    if isinstance(node, dict):
        return sum(_leaves(value) for key, value in node.items() if key != "@context")
    return 0 if node is None else 1


def _expanded_leaves(node) -> int:
    """The same count in expanded form: each @value, @id and @type entry (a value's datatype is not one)."""
    if isinstance(node, list):
        return sum(_expanded_leaves(item) for item in node)
    if not isinstance(node, dict):
        return 0
    if "@value" in node:
        return 1
    types = node.get("@type", [])
    count = ("@id" in node) + (len(types) if isinstance(types, list) else 1)
    return count + sum(_expanded_leaves(value) for key, value in node.items() if key not in ("@id", "@type"))


def dropped_values(document: dict, loader: Callable | None = None) -> int:
    """How many of its values JSON-LD expansion drops (keys no context defines): a signature would not cover them.

    pyld has no "safe mode", so we count: every value of the document must reach its expanded form.
    """
    expanded = jsonld.expand(document, {"documentLoader": loader or jsonld_loader.LOADER})
    return _leaves(document) - _expanded_leaves(expanded)


def _proof_config(document: dict, proof: dict) -> dict:
    """The proof options to hash: the proof without proofValue, under the document's @context."""
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    options["@context"] = document["@context"]
    return options


@functools.lru_cache(maxsize=256)
def _options_hash(options_json: str) -> bytes:
    """SHA-256 of canonical proof options with our contexts, kept: a batch issued together shares them
    (the same created time, key and contexts), so each is canonicalised once."""
    return hashlib.sha256(canonical(json.loads(options_json)).encode()).digest()


def hash_data(document: dict, proof: dict, loader: Callable | None = None, keep: bool = False) -> bytes:
    """SHA-256 of the canonical proof options followed by SHA-256 of the canonical document (64 bytes).

    `keep`: remember the options' hash (our own signing only; never for a document from outside)."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    options = _proof_config(document, proof)
    options_hash = (_options_hash(json.dumps(options, sort_keys=True)) if keep and loader is None
                    else hashlib.sha256(canonical(options, loader).encode()).digest())
    return options_hash + hashlib.sha256(canonical(unsecured, loader).encode()).digest()


def sign(document: dict, private_key: Ed25519PrivateKey, verification_method: str, created: str,
         loader: Callable | None = None) -> dict:
    """A copy of `document` with an embedded DataIntegrityProof (eddsa-rdfc-2022, assertionMethod)."""
    proof = {"type": PROOF_TYPE, "created": created, "verificationMethod": verification_method,
             "cryptosuite": CRYPTOSUITE, "proofPurpose": "assertionMethod"}
    signature = private_key.sign(hash_data(document, proof, loader, keep=True))
    signed = copy.deepcopy(document)
    signed["proof"] = {**proof, "proofValue": "z" + base58.b58encode(signature).decode()}
    return signed


@dataclass(frozen=True)
class Verification:
    """What verifying a document found: ok, or the one check that failed ("malformed", "forged", "tampered")."""

    ok: bool
    reason: str | None = None
    verification_method: str | None = None
    created: str | None = None
    detail: str = ""  # for logs and the technical details, never translated

    @property
    def label(self):
        """The reason in plain words, translated (None when it verified)."""
        return REASONS[self.reason] if self.reason else None


def _malformed(detail: str, proof: dict | None = None) -> Verification:
    """A document or proof we cannot check."""
    proof = proof or {}
    method = proof.get("verificationMethod") if isinstance(proof.get("verificationMethod"), str) else None
    return Verification(False, "malformed", method, None, detail)


def _proof_of(document) -> dict | str:
    """The one eddsa-rdfc-2022 proof of a document, or why there is none we can check."""
    if not isinstance(document, dict) or "@context" not in document:
        return "not a JSON-LD object"
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, dict):
        return "no single proof"
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return f"not a {PROOF_TYPE} with {CRYPTOSUITE}"
    if proof.get("proofPurpose") != "assertionMethod":
        return "proofPurpose is not assertionMethod"
    for field in ("verificationMethod", "proofValue", "created"):
        if not isinstance(proof.get(field), str):
            return f"{field} missing"
    if not _DATETIME.fullmatch(proof["created"]):
        return "created is not a date-time"
    return proof


def verify(document, keys: Mapping[str, bytes], loader: Callable | None = None) -> Verification:
    """Check a document's eddsa-rdfc-2022 proof against `keys` (verificationMethod id → raw Ed25519 key)."""
    proof = _proof_of(document)
    if isinstance(proof, str):
        return _malformed(proof, document.get("proof") if isinstance(document, dict) else None)
    method, created = proof["verificationMethod"], proof["created"]
    try:
        signature = base58.b58decode(proof["proofValue"][1:]) if proof["proofValue"].startswith("z") else b""
    except ValueError:
        signature = b""
    if len(signature) != 64:
        return _malformed("proofValue is not a base58btc Ed25519 signature", proof)
    if method not in keys:
        return Verification(False, "forged", method, created, "verificationMethod is not one of our keys")
    try:
        dropped = dropped_values({key: value for key, value in document.items() if key != "proof"}, loader)
        if dropped:
            return _malformed(f"{dropped} value(s) under keys that no context defines", proof)
        data = hash_data(document, proof, loader)
    except jsonld_loader.UnknownContext as error:
        return _malformed(str(error), proof)
    except (jsonld.JsonLdError, TypeError, ValueError, KeyError) as error:
        cause = getattr(error, "cause", None)
        if isinstance(cause, jsonld_loader.UnknownContext):
            return _malformed(str(cause), proof)
        return _malformed(f"cannot canonicalise: {type(error).__name__}", proof)
    try:
        Ed25519PublicKey.from_public_bytes(keys[method]).verify(signature, data)
    except InvalidSignature:
        return Verification(False, "tampered", method, created, "signature does not match")
    except ValueError:
        return Verification(False, "forged", method, created, "the key is not an Ed25519 key")
    return Verification(True, None, method, created)
