"""Every credential as a signed Open Badges 3.0 credential: issued, kept, downloaded, published keys, and
each way verification fails (tampered, forged, malformed), for every kind and across a key rotation."""
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc.jwk import OKPKey

from portal.certificates import badges, integrity, profile, signing
from portal.certificates import services as certificates
from portal.extensions import db
from tests.certificates.conftest import LONG_NAME


@pytest.fixture
def issued(season):
    (credential,) = certificates.issue_all(season.people["admin"], season.campaign)
    return credential, season.people


def test_each_kind_is_a_signed_open_badge_that_verifies_against_the_published_profile(three, client):
    for credential in three:
        badge = badges.signed(credential)
        assert badge["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert badge["@context"] == profile.CONTEXT and badge["id"].startswith("urn:uuid:")
        assert badge["issuer"]["id"] == "http://portal.test/issuer"
        assert badge["issuer"]["name"].startswith("Thành đoàn Hà Nội")
        assert badge["credentialSubject"]["identifier"][0]["identityHash"] == LONG_NAME
        assert badge["credentialSubject"]["achievement"]["achievementType"] == badges.ACHIEVEMENT_TYPES[credential.kind]
        assert badge["credentialStatus"]["statusPurpose"] == "revocation"  # OB 3.0 allows one entry
        proof = badge["proof"]
        assert (proof["type"], proof["cryptosuite"], proof["proofPurpose"]) == (
            "DataIntegrityProof", "eddsa-rdfc-2022", "assertionMethod")
        assert badges.verify(badge).ok
        printed = badge["evidence"][0]["description"]  # the paper's fields, as printed
        assert LONG_NAME in printed and ("Chi nhánh số 6" in printed) == (credential.kind == "referral")

    published = client.get("/issuer")
    assert published.status_code == 200 and published.mimetype == "application/ld+json"
    assert published.headers["Access-Control-Allow-Origin"] == "*" and "max-age" in published.headers["Cache-Control"]
    (method,) = published.get_json()["verificationMethod"]
    assert method["type"] == "Multikey" and proof["verificationMethod"] == method["id"]
    assert published.get_json()["assertionMethod"] == [method["id"]]
    raw = integrity.public_key_of(method["publicKeyMultibase"])
    assert integrity.verify(badges.signed(credential), {method["id"]: raw}).ok  # as an outsider would


def test_the_badge_is_signed_once_at_issue_and_kept(issued):
    credential, _ = issued
    db.session.expire_all()
    first = json.loads(credential.ob_json)  # signed in the issuing transaction
    assert badges.signed(credential) == first and badges.verify(first).ok
    assert badges.build(credential) == first  # deterministic: same ids, same proof (Ed25519 is deterministic)


def test_a_credential_issued_before_open_badges_gets_one_on_download_without_a_write(issued):
    credential, _ = issued
    credential.ob_json = None
    db.session.commit()
    badge = badges.signed(credential)
    assert badges.verify(badge).ok and badge["credentialStatus"]  # it has its status entry from the issue
    assert not db.session.dirty and credential.ob_json is None  # a GET writes nothing


def test_a_changed_field_is_tampered_and_another_key_is_forged(issued):
    credential, _ = issued
    badge = badges.signed(credential)
    for change in (lambda b: b["credentialSubject"]["identifier"][0].update(identityHash="Nguyễn Văn Giả"),
                   lambda b: b.update(validFrom="2020-01-01T00:00:00Z"),
                   lambda b: b["evidence"][0].update(description="Số giờ tham gia: 999 giờ")):
        changed = json.loads(json.dumps(badge))
        change(changed)
        result = badges.verify(changed)
        assert (result.ok, result.reason) == (False, "tampered"), change
    # A field no context defines would be dropped by canonicalisation, unsigned: it is refused, not ignored.
    added = {**badge, "credentialSubject": {**badge["credentialSubject"], "grade": "Xuất sắc"}}
    result = badges.verify(added)
    assert (result.ok, result.reason) == (False, "malformed") and "no context defines" in result.detail

    stranger = Ed25519PrivateKey.generate()
    method = f"{profile.issuer_url()}#{integrity.multikey(stranger.public_key())}"
    unsigned = {k: v for k, v in badge.items() if k != "proof"}
    forged = integrity.sign(unsigned, stranger, method, badge["proof"]["created"])
    assert badges.verify(forged).reason == "forged"
    assert badges.verify({"@context": profile.CONTEXT}).reason == "malformed"


def test_a_badge_signed_with_a_retired_key_still_verifies(issued, app, tmp_path):
    credential, _ = issued
    badge = badges.signed(credential)
    old = signing.signing_key().as_dict(private=False)
    new_key = tmp_path / "new.pem"
    new_key.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    app.config["CERT_SIGNING_KEY_FILE"] = str(new_key)
    assert badges.verify(badge).reason == "forged"  # rotated, and the old key not published: unknown
    retired = tmp_path / "retired.json"
    retired.write_text(json.dumps({"keys": [old]}))
    app.config["CERT_RETIRED_JWKS_FILE"] = str(retired)
    assert badges.verify(badge).ok
    methods = [m["id"] for m in profile.profile()["verificationMethod"]]
    assert len(methods) == 2 and methods[1] == badge["proof"]["verificationMethod"]
    current = OKPKey.import_key(new_key.read_bytes()).public_key
    assert methods[0].endswith(integrity.multikey(current))


def test_the_student_downloads_the_signed_credential(issued, auth, client):
    credential, people = issued
    auth.as_(people["eligible"])
    response = client.get(f"/certificates/{credential.code}.json")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    assert response.headers["Content-Disposition"].endswith('.json"')
    assert badges.verify(json.loads(response.data)).ok
