"""The public verification page, as a stranger reads it: when it was checked, the signature explained under a
disclosure in plain words, and a revoked document that says which one it was and nothing more."""
import json
import re

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from portal.certificates import codes, documents, records, signing
from portal.certificates import services as certificates
from portal.extensions import db
from tests.certificates.conftest import LONG_NAME

HOST = "Công ty Cổ phần Dịch vụ số Thăng Long"


@pytest.fixture
def issued(season):
    (credential,) = certificates.issue_all(season.people["admin"], season.campaign)
    return credential


def _section(page: str, root_id: str) -> str:
    """The element with this id, up to its closing tag (section, details or div)."""
    match = re.search(rf'<(\w+)[^>]*id="{root_id}".*?</\1>', page, re.S)
    assert match, root_id
    return match.group(0)


def _text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'")


@pytest.mark.hanoi_time("2026-12-02 23:05")
def test_the_page_says_when_it_was_checked_in_hanoi_time(issued, client):
    vi = _text(client.get(f"/verify/{issued.code}"))
    banner = _section(vi, "main")  # the time sits in the banner, so a screenshot of it carries the moment
    assert re.search(r'class="verdict__checked">[^<]+<time datetime="2026-12-02T23:05\+07:00">23:05 02/12/2026'
                     r'</time>', banner)
    en = _text(client.get(f"/verify/{issued.code}?lang=en"))
    assert re.search(r'Checked at <time datetime="2026-12-02T23:05\+07:00">23:05 02/12/2026</time>', en)
    unknown = _text(client.get("/verify/0000000000000000?lang=en"))
    assert "Checked at" in unknown and "23:05 02/12/2026" in unknown


@pytest.mark.hanoi_time("2026-12-03 00:30")
def test_just_after_midnight_the_check_is_dated_by_hanoi_not_by_utc(issued, client):
    page = _text(client.get(f"/verify/{issued.code}?lang=en"))
    assert "00:30 03/12/2026" in page and "02/12/2026" not in _section(page, "main").split("verdict__checked")[1][:120]


def test_key_id_and_signature_sit_under_a_technical_details_disclosure(issued, client):
    page = _text(client.get(f"/verify/{issued.code}?lang=en"))
    details = _section(page, "certificate-technical")
    assert details.startswith("<details") and "<summary>Technical details</summary>" in details
    assert issued.kid in details and issued.kid[:12] not in _section(page, "certificate-holder")
    assert '<a href="http://portal.test/.well-known/jwks.json">' in details
    assert issued.kid in [k["kid"] for k in client.get("/.well-known/jwks.json").get_json()["keys"]]
    for plain in ("A key id names the key that made the signature", "This is the portal's current key.",
                  "Every field printed on the paper", "Ed25519", "RFC 7515", "short check code"):
        assert plain in details, plain
    assert issued.signature not in page and records.qr_token(issued) not in page  # the secret stays on the paper
    vi = _text(client.get(f"/verify/{issued.code}"))
    assert issued.kid in _section(vi, "certificate-technical") and "Ed25519" in vi


def test_a_retired_or_unpublished_key_is_named_as_such(issued, make_app, tmp_path):
    old_public = signing.jwks()["keys"][0]
    new_key = tmp_path / "new.pem"
    new_key.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    retired = tmp_path / "retired.json"
    retired.write_text(json.dumps({"keys": [old_public]}))
    rotated = make_app(CERT_SIGNING_KEY_FILE=str(new_key), CERT_RETIRED_JWKS_FILE=str(retired))
    page = _text(rotated.test_client().get(f"/verify/{issued.code}?lang=en"))
    assert "This key has been retired" in page and "current key" not in page
    forgotten = make_app(CERT_SIGNING_KEY_FILE=str(new_key))
    assert "This key is no longer published" in _text(forgotten.test_client().get(f"/verify/{issued.code}?lang=en"))


def _documents(season, issued) -> dict:
    """One revoked document of each kind: the certificate, a referral letter and a commendation."""
    admin, student = season.people["admin"], season.people["eligible"]
    letter = documents.issue_document(admin, "referral", student, season.campaign, {"host": HOST})
    commendation = documents.issue_document(admin, "commendation", student, season.campaign, {})
    db.session.commit()
    found = {"participation": issued, "referral": letter, "commendation": commendation}
    for credential in found.values():
        certificates.revoke(admin, credential, "Khai man số giờ tham gia", "misconduct")
    return found


@pytest.mark.hanoi_time("2026-12-03 06:30")  # still 02/12 in UTC: the page dates the revocation in Hanoi
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_revoked_document_shows_its_banner_and_which_document_it_was_but_not_its_claims(issued, season, client,
                                                                                          lang):
    labels = {"vi": ("Giấy giới thiệu thực tập", "Khen thưởng"), "en": ("Internship referral letter", "Commendation")}
    for kind, credential in _documents(season, issued).items():
        response = client.get(f"/verify/{credential.code}?lang={lang}")
        page = _text(response)
        banner = _section(page, "main").split('id="certificate-holder"')[0]
        assert "verdict--revoked" in banner and "03/12/2026" in banner
        assert ("vi phạm quy định của chiến dịch" if lang == "vi" else "a breach of the campaign's rules") in banner
        shown = _section(page, "certificate-holder")
        assert codes.pretty(credential.code) in shown and season.campaign.name in shown
        if kind != "participation":
            assert labels[lang][kind == "commendation"] in shown
        for claim in ("Trường Đại học Luật Hà Nội", "N. T. P. T.", LONG_NAME, "Điểm phường Hoàn Kiếm", HOST,
                      "Trung tâm Phục vụ hành chính công", "Khai man"):
            assert claim not in _section(page, "main"), (kind, claim)
        assert "certificate-holder-check" not in page  # nothing to reveal: the page asks for no name
        token = records.qr_token(credential)
        holder = _text(client.post(f"/verify/{credential.code}/holder?lang={lang}", data={"token": token}))
        assert holder.strip().startswith('<section class="card" id="certificate-holder">') and "<html" not in holder
        assert LONG_NAME not in holder and "Trường Đại học Luật Hà Nội" not in holder
        assert codes.pretty(credential.code) in holder
        assert not response.headers.getlist("Set-Cookie") and "<script" not in page.split("</head>")[1]


def test_valid_letters_and_commendations_share_the_page_with_their_own_banner(issued, season, client):
    admin, student = season.people["admin"], season.people["eligible"]
    letter = documents.issue_document(admin, "referral", student, season.campaign, {"host": HOST})
    db.session.commit()
    page = _text(client.get(f"/verify/{letter.code}?lang=en"))
    assert "Valid referral letter" in page and HOST in page and "N. T. P. T." in page and LONG_NAME not in page
    assert letter.kid in _section(page, "certificate-technical") and "Checked at" in page
    holder = _text(client.post(f"/verify/{letter.code}/holder", data={"token": records.qr_token(letter)}))
    assert LONG_NAME in holder


def test_a_superseded_page_keeps_its_fields_and_points_to_the_replacement_in_the_same_language(issued, season,
                                                                                               client):
    replacement = certificates.reissue(season.people["admin"], issued, "Sửa tên trường")
    page = _text(client.get(f"/verify/{issued.code}?lang=en"))
    assert "verdict--superseded" in page and f'href="/verify/{replacement.code}?lang=en"' in page
    assert "N. T. P. T." in page and "Trường Đại học Luật Hà Nội" in page and "Checked at" in page
    assert "certificate-technical" in page
    vi = _text(client.get(f"/verify/{issued.code}"))
    assert f'href="/verify/{replacement.code}"' in vi


def test_the_page_works_without_javascript_and_keeps_personal_data_to_initials(issued, season, client):
    student = season.people["eligible"]
    for lang in ("vi", "en"):
        response = client.get(f"/verify/{issued.code}?lang={lang}")
        page = _text(response)
        assert response.status_code == 200 and "verdict--valid" in page and "<script" not in page.split("</head>")[1]
        assert not response.headers.getlist("Set-Cookie") and response.headers["Cache-Control"] == "no-store"
        for private in (LONG_NAME, student.email, "0987654321", "LHN2025001"):
            assert private not in page
