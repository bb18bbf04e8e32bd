"""Checking a credential offline, through `flask credentials verify` and the public page's upload: a genuine
one passes from its JSON and from its PDF; forged, tampered, revoked and superseded ones each fail with
their own reason; a stale status list is flagged."""
import io
import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from portal.certificates import badges, integrity, profile, records, status_lists, verification
from portal.certificates import services as certificates
from portal.core import clock
from portal.extensions import db


@pytest.fixture
def issued(season):
    (credential,) = certificates.issue_all(season.people["admin"], season.campaign)
    return credential, season.people["admin"]


def _forged(badge: dict) -> dict:
    """The same credential re-signed by someone else's key, claiming our issuer."""
    stranger = Ed25519PrivateKey.generate()
    unsigned = {key: value for key, value in badge.items() if key != "proof"}
    method = f"{profile.issuer_url()}#{integrity.multikey(stranger.public_key())}"
    return integrity.sign(unsigned, stranger, method, badge["proof"]["created"])


def _tampered(badge: dict) -> dict:
    changed = json.loads(json.dumps(badge))
    changed["evidence"][0]["description"] = changed["evidence"][0]["description"].replace("Nguyễn", "Trần")
    return changed


def _cli(runner, tmp_path, content: bytes, *options):
    path = tmp_path / "credential.bin"
    path.write_bytes(content)
    return runner.invoke(args=["credentials", "verify", str(path), *options])


def _json(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def test_the_command_line_passes_a_genuine_credential_from_its_json_and_from_its_pdf(issued, runner, tmp_path):
    credential, _ = issued
    for content in (_json(badges.signed(credential)), records.pdf_bytes(credential)):
        result = _cli(runner, tmp_path, content, "--lang", "en")
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        assert [line[0] for line in lines[:-1]] == ["✓"] * 6  # format, key, signature, dates, status, fresh
        assert "Signature" in result.output and "Status list up to date" in result.output
        assert lines[-1].startswith("→ valid")


@pytest.mark.parametrize("case, verdict", [("forged", "forged"), ("tampered", "tampered"),
                                           ("revoked", "revoked"), ("superseded", "superseded")])
def test_each_bad_credential_fails_with_its_reason_on_the_command_line_and_the_page(issued, runner, client,
                                                                                     tmp_path, case, verdict):
    credential, admin = issued
    badge = badges.signed(credential)
    if case == "forged":
        badge = _forged(badge)
    elif case == "tampered":
        badge = _tampered(badge)
    elif case == "revoked":
        certificates.revoke(admin, credential, "Cấp nhầm", "issued_in_error")
    else:
        certificates.reissue(admin, credential, "Sửa số giờ")
    result = _cli(runner, tmp_path, _json(badge))
    assert result.exit_code == 1 and result.output.splitlines()[-1].startswith(f"→ {verdict}:")
    assert "✗" in result.output
    page = client.post("/verify/file?lang=en", data={"file": (io.BytesIO(_json(badge)), "credential.json")},
                       content_type="multipart/form-data")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Not valid" in body and "Set-Cookie" not in page.headers
    expected = {"forged": "signed with a key that is not ours", "tampered": "changed after it was issued",
                "revoked": "Revoked by the organisers", "superseded": "Replaced by a corrected credential"}[case]
    assert expected in body
    if case in ("forged", "tampered"):
        assert "Nguyễn" not in body and "Trần" not in body  # nothing unverified is shown as fact


def test_the_page_passes_a_genuine_pdf_and_shows_the_checks_in_vietnamese(issued, client):
    credential, _ = issued
    page = client.post("/verify/file", data={"file": (io.BytesIO(records.pdf_bytes(credential)), "giay.pdf")},
                       content_type="multipart/form-data")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "verdict--valid" in body
    assert "Kiểm tra lúc" in body and "Chi tiết kỹ thuật" in body and body.count("checks__item--ok") == 6
    assert credential.claims["name"] in body  # the holder's name, from the file the visitor holds
    assert page.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in page.headers


def test_bad_uploads_are_refused_with_a_message_and_nothing_changes(issued, client):
    before = db.session.execute(db.select(db.func.count()).select_from(status_lists.StatusList)).scalar()
    for data, message in (({}, "Choose the credential"),
                          ({"file": (io.BytesIO(b"not json at all"), "x.json")}, "not a credential"),
                          ({"file": (io.BytesIO(b"%PDF-1.4 broken"), "x.pdf")}, "not a credential"),
                          ({"file": (io.BytesIO(b"[1, 2]"), "x.json")}, "not a credential")):
        page = client.post("/verify/file?lang=en", data=data, content_type="multipart/form-data")
        assert page.status_code == 422 and message in page.get_data(as_text=True)
    assert client.get("/verify/file").status_code == 200
    after = db.session.execute(db.select(db.func.count()).select_from(status_lists.StatusList)).scalar()
    assert after == before


def test_a_copy_of_a_status_list_given_offline_is_used_and_flagged_when_stale(issued, runner, tmp_path):
    credential, admin = issued
    badge = badges.signed(credential)
    old_copy = tmp_path / "revocation.json"
    old_copy.write_text(status_lists.published(_list_of(badge), "revocation"), encoding="utf-8")
    message_copy = tmp_path / "message.json"
    message_copy.write_text(status_lists.published(_list_of(badge), "message"), encoding="utf-8")
    certificates.revoke(admin, credential, "Cấp nhầm", "issued_in_error")  # the copies predate this
    later = (clock.local_now() + status_lists.VALID_FOR + timedelta(hours=2)).strftime("%d/%m/%Y %H:%M")
    result = _cli(runner, tmp_path, _json(badge), "--status-list", str(old_copy), "--status-list",
                  str(message_copy), "--at", later, "--lang", "en")
    assert result.exit_code == 1 and "→ status_stale" in result.output  # the old copies say "not revoked"...
    assert "✓ Status (revoked or replaced)" in result.output and "✗ Status list up to date" in result.output
    result = _cli(runner, tmp_path, _json(badge), "--lang", "en")  # the portal's own lists: revoked
    assert result.exit_code == 1 and "→ revoked" in result.output


def _clique(n: int) -> dict:
    """A small document whose blank nodes all look alike: canonicalising it takes exponential time."""
    nodes = [{"id": f"_:b{i}", "http://example.org/p": [{"id": f"_:b{j}"} for j in range(n) if j != i]}
             for i in range(n)]
    return {"@context": [{"@vocab": "http://example.org/"}], "@graph": nodes}


@pytest.mark.parametrize("name, document", [
    ("blank-node clique", _clique(9)),
    ("inline context", {"@context": [{"@vocab": "http://example.org/"}], "a": 1}),
    ("blank ids under our contexts", {"@context": profile.CONTEXT, "id": "_:b0", "credentialSubject": {"id": "_:b1"}}),
    ("deep nesting", {"@context": profile.CONTEXT, "evidence": json.loads("[" * 40 + "]" * 40)}),
    ("many look-alike objects", {"@context": profile.CONTEXT, "evidence": [{"name": "x"}] * 30}),
])
def test_hostile_uploads_are_refused_before_any_json_ld_work(client, runner, tmp_path, name, document):
    body = json.dumps(document).encode()
    page = client.post("/verify/file?lang=en", data={"file": (io.BytesIO(body), "x.json")},
                       content_type="multipart/form-data")
    assert page.status_code == 422 and "not a credential" in page.get_data(as_text=True), name
    result = _cli(runner, tmp_path, body)
    assert result.exit_code == 1 and "not a credential" not in result.output  # the command says why, plainly
    assert "→" not in result.output or "malformed" in result.output


def test_oversized_and_nested_json_is_refused_with_a_message(client):
    for body in (b'{"a": "' + b"x" * (70 * 1024) + b'"}', b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}"):
        page = client.post("/verify/file?lang=en", data={"file": (io.BytesIO(body), "x.json")},
                           content_type="multipart/form-data")
        assert page.status_code == 422 and "not a credential" in page.get_data(as_text=True)


def test_credentials_issued_before_the_status_lists_are_placed_and_published(issued, runner):
    credential, admin = issued
    db.session.execute(db.delete(status_lists.StatusEntry))  # as if issued by the previous version
    credential.ob_json = None
    db.session.commit()
    legacy = badges.signed(credential)
    assert "credentialStatus" not in legacy
    assert verification.verify(legacy).verdict == "status_unknown"  # ours always carry one: not confirmed
    certificates.revoke(admin, credential, "Cấp nhầm", "issued_in_error")
    result = runner.invoke(args=["credentials", "refresh-status"])
    assert result.exit_code == 0 and "1 credentials placed" in result.output
    badge = badges.signed(credential)
    assert badge["credentialStatus"]["statusPurpose"] == "revocation"
    assert verification.verify(badge).verdict == "revoked"  # published as it stands


def test_an_erased_holders_paper_shows_no_name_and_no_error(issued, client):
    credential, _ = issued
    token = records.qr_token(credential)
    credential.signature = ""  # what erasure leaves (the column cannot be null)
    db.session.commit()
    response = client.post(f"/verify/{credential.code}/holder", data={"token": token})
    assert response.status_code == 200 and credential.claims["name"] not in response.get_data(as_text=True)


def _list_of(badge: dict) -> int:
    """The id of the status list a credential's entry names."""
    return int(badge["credentialStatus"]["statusListCredential"].rstrip("/").split("/")[-2])
