"""Bitstring Status Lists: every credential gets an index at issue, revoking and correcting publish the new
status in the same transaction, and the published lists are signed credentials anyone can check."""
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest

from portal.accounts.models import User
from portal.certificates import badges, documents, integrity, profile, status_lists, verification
from portal.certificates import services as certificates
from portal.certificates.models import Credential
from portal.core import clock
from portal.core.validation import InvalidInput
from portal.extensions import db


def test_entries_of_one_and_two_bits_are_written_and_read_in_place():
    bits = status_lists.empty_bits("message")
    assert len(bits) == status_lists.LENGTH * 2 // 8
    bits = status_lists.write_entry(bits, 5, 2, 2)
    bits = status_lists.write_entry(bits, 6, 2, 1)
    assert [status_lists.read_entry(bits, i, 2) for i in (4, 5, 6, 7)] == [0, 2, 1, 0]
    assert bits[1] == 0b0010_0100  # entries 4–7 share the second byte, entry 4 in its two high bits
    one = status_lists.write_entry(status_lists.empty_bits("revocation"), 9, 1, 1)
    assert one[1] == 0b0100_0000 and status_lists.read_entry(one, 9, 1) == 1
    assert status_lists.read_entry(status_lists.write_entry(one, 9, 1, 0), 9, 1) == 0


def test_the_encoded_list_is_multibase_gzip_and_the_same_bits_give_the_same_text():
    bits = status_lists.write_entry(status_lists.empty_bits("revocation"), 131_071, 1, 1)
    encoded = status_lists.encode(bits)
    assert encoded.startswith("uH4sI")  # "u" + base64url of the gzip magic bytes
    assert status_lists.encode(bits) == encoded and "=" not in encoded
    assert status_lists.decode(encoded) == bits
    for bad in ("H4sI", "u!!!", "uAAAA", 42):
        with pytest.raises(ValueError):
            status_lists.decode(bad)


def _published(client, entry):
    response = client.get(entry["statusListCredential"].removeprefix("http://portal.test"))
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


def _pair(badge):
    """A credential's revocation entry and the message entry beside it (same list, same index)."""
    revocation = badge["credentialStatus"]
    message = dict(revocation, statusPurpose="message",
                   statusListCredential=status_lists.message_url(revocation["statusListCredential"]))
    return revocation, message


def test_each_credential_carries_its_entry_and_the_lists_are_signed_credentials(three, client):
    indexes = set()
    for credential in three:
        badge = badges.signed(credential)
        revocation, message = _pair(badge)
        assert revocation["type"] == "BitstringStatusListEntry" and revocation["statusPurpose"] == "revocation"
        indexes.add(revocation["statusListIndex"])
        for entry, size in ((revocation, 1), (message, 2)):
            listed = _published(client, entry)
            assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
            assert listed["credentialSubject"]["statusPurpose"] == entry["statusPurpose"]
            assert integrity.verify(listed, profile.public_keys()).ok
            bits = status_lists.decode(listed["credentialSubject"]["encodedList"])
            assert status_lists.read_entry(bits, int(entry["statusListIndex"]), size) == 0
        assert len(bits) == status_lists.LENGTH * 2 // 8  # the message list: two bits an entry
        assert verification.verify(badge).verdict == "valid"
    assert len(indexes) == 3  # never shared
    assert client.get("/credentials/status/999/revocation").status_code == 404
    assert client.get("/credentials/status/1/other").status_code == 404


def test_revoking_publishes_in_the_same_transaction_and_verification_says_revoked(three, season, client):
    certificate, referral, commendation = three
    badge = badges.signed(certificate)
    certificates.revoke(season.people["admin"], certificate, "Cấp nhầm", "issued_in_error")
    revocation, message = _pair(badge)
    index = int(revocation["statusListIndex"])
    for entry, size, value in ((revocation, 1, 1), (message, 2, 1)):
        listed = _published(client, entry)
        bits = status_lists.decode(listed["credentialSubject"]["encodedList"])
        assert status_lists.read_entry(bits, index, size) == value
        assert integrity.verify(listed, profile.public_keys()).ok  # signed again
    report = verification.verify(badge)
    assert report.verdict == "revoked" and not report.ok
    assert [c.key for c in report.checks if c.ok is False] == ["status"]
    assert verification.verify(badges.signed(referral)).verdict == "valid"  # its neighbours are untouched


def test_a_corrected_credential_is_superseded_and_its_replacement_valid(three, season):
    certificate = three[0]
    old_badge = badges.signed(certificate)
    replacement = certificates.reissue(season.people["admin"], certificate, "Sửa số giờ")
    assert verification.verify(old_badge).verdict == "superseded"
    assert verification.verify(badges.signed(replacement)).verdict == "valid"


def test_a_list_nobody_refreshed_is_stale_and_the_nightly_signing_refreshes_it(three):
    badge = badges.signed(three[0])
    later = clock.now() + status_lists.VALID_FOR + timedelta(hours=1)
    report = verification.verify(badge, later)
    fresh = next(c for c in report.checks if c.key == "status_fresh")
    assert fresh.ok is False and report.verdict == "status_stale" and not report.ok  # too old to vouch
    assert status_lists.refresh_all(later - timedelta(minutes=5)) == 1
    db.session.commit()
    report = verification.verify(badge, later)
    assert next(c for c in report.checks if c.key == "status_fresh").ok is True and report.verdict == "valid"


def test_a_list_changed_after_signing_leaves_the_status_unknown(three):
    badge = badges.signed(three[0])
    url = badge["credentialStatus"]["statusListCredential"]
    listed = json.loads(status_lists.published(_list_of(badge), "revocation"))
    bits = status_lists.decode(listed["credentialSubject"]["encodedList"])
    index = int(badge["credentialStatus"]["statusListIndex"])
    listed["credentialSubject"]["encodedList"] = status_lists.encode(status_lists.write_entry(bits, index, 1, 1))
    message_url = status_lists.message_url(url)
    copies = {url: json.dumps(listed), message_url: status_lists.published(_list_of(badge), "message")}
    assert verification.verify(badge, lists=copies.get).verdict == "status_unknown"
    copies[url] = status_lists.published(_list_of(badge), "revocation")
    report = verification.verify(badge, lists=copies.get)
    assert report.verdict == "valid"


def test_indexes_are_drawn_at_random_never_shared_and_a_full_list_opens_the_next(three, season):
    entries = [db.session.get(status_lists.StatusEntry, credential.id) for credential in three]
    indexes = sorted(entry.status_index for entry in entries)
    assert len(set(indexes)) == 3 and indexes[-1] - indexes[0] > 2  # not handed out in order (1 in 10^9)
    status_list = db.session.get(status_lists.StatusList, entries[0].status_list_id)
    assert status_list.next_index == 3
    status_list.next_index = status_lists.LENGTH  # full: the next credential opens a new list
    db.session.commit()
    admin, other_student = season.people["admin"], season.people["short"]
    another = documents.issue_document(admin, "commendation", other_student, season.campaign, {})
    db.session.commit()
    assert db.session.get(status_lists.StatusEntry, another.id).status_list_id != status_list.id
    assert verification.verify(badges.signed(another)).verdict == "valid"


def test_three_revocations_at_once_in_one_list_each_leave_their_bit(app, three, season):
    """Real threads and connections: each revocation locks the list row, so no bitstring write is lost."""
    admin_id, ids = season.people["admin"].id, [credential.id for credential in three]
    db.session.commit()
    db.session.remove()
    barrier = Barrier(len(ids))

    def revoke(credential_id):
        with app.app_context():
            barrier.wait()
            try:
                credential = db.session.get(Credential, credential_id)
                certificates.revoke(db.session.get(User, admin_id), credential, "Cấp nhầm", "issued_in_error")
                return "revoked"
            except InvalidInput:
                return "refused"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(ids)) as pool:
        assert list(pool.map(revoke, ids)) == ["revoked"] * 3
    for credential_id in ids:
        assert verification.verify(badges.signed(db.session.get(Credential, credential_id))).verdict == "revoked"


def _list_of(badge: dict) -> int:
    """The id of the status list a credential's entry names."""
    return int(badge["credentialStatus"]["statusListCredential"].rstrip("/").split("/")[-2])
