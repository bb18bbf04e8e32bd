"""The paper and the public page, checked as a stranger would: scan the QR, check the signature, read."""
import hashlib
import io
import json
import unicodedata
from datetime import date

import jwt
import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from portal.certificates import badges, codes, embedded, records
from portal.certificates import services as certificates
from portal.certificates.pdf import render
from tests.certificates.conftest import LONG_NAME


@pytest.fixture
def issued(season):
    (credential,) = certificates.issue_all(season.people["admin"], season.campaign)
    return credential, season.people


def _scan(pdf: bytes, dpi: int) -> list[str]:
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=dpi / 72).to_pil()
    # Only QR codes: a line of text may pass for a 1-D barcode.
    return [result.text for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def _verify_with_pyjwt(client, token: str, payload: bytes) -> dict:
    """Check the detached JWS with PyJWT against the published JWKS, as an outsider would:
    put the payload (the printed fields) back between the header and the signature (RFC 7515, F)."""
    import base64

    head, empty, signature = token.split(".")
    assert empty == ""
    token = f"{head}.{base64.urlsafe_b64encode(payload).rstrip(b'=').decode()}.{signature}"
    header = jwt.get_unverified_header(token)
    keys = client.get("/.well-known/jwks.json").get_json()["keys"]
    (jwk,) = [k for k in keys if k["kid"] == header["kid"]]
    key = jwt.PyJWK(jwk, algorithm="EdDSA")
    decoded = jwt.api_jws.PyJWS().decode_complete(token, key, algorithms=["EdDSA"])
    return json.loads(decoded["payload"])


def test_the_qr_on_the_paper_leads_to_a_valid_page_and_its_token_verifies_independently(issued, auth, client):
    credential, people = issued
    auth.as_(people["eligible"])
    response = client.get(f"/certificates/{credential.code}.pdf")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    pdf = response.data
    expected = f"http://portal.test/verify/{credential.code}#{records.qr_token(credential)}"
    for dpi in (150, 300):
        assert _scan(pdf, dpi) == [expected]
    token = expected.split("#", 1)[1]
    claims = _verify_with_pyjwt(client, credential.signature, credential.claims_json.encode())
    assert claims["name"] == LONG_NAME and claims["code"] == credential.code
    page = client.get(expected.split("#")[0].replace("http://portal.test", ""))
    assert page.status_code == 200 and "verdict--valid" in page.get_data(as_text=True)
    holder = client.post(f"/verify/{credential.code}/holder", data={"token": token}).get_data(as_text=True)
    assert LONG_NAME in holder


def test_the_pdf_text_holds_the_name_in_nfc_and_the_rendering_is_deterministic(issued, app, auth, client):
    credential, people = issued
    auth.as_(people["admin"])
    pdf = client.get(f"/certificates/{credential.code}.pdf").data
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)  # as extracted, not re-normalised
    assert LONG_NAME in text and codes.pretty(credential.code) in text
    assert unicodedata.is_normalized("NFC", text)
    assert "Trường Đại học Luật Hà Nội" in text and "0987654321" not in text and "LHN2025001" not in text
    badge = json.dumps(badges.signed(credential), ensure_ascii=False, indent=2).encode()
    assert embedded.attach(render(credential.claims, records.verify_url(credential)), badge) == pdf
    assert json.loads(embedded.extract(pdf)) == badges.signed(credential)  # the PDF carries the credential
    from portal.extensions import db

    db.session.refresh(credential)
    assert credential.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert client.get(f"/certificates/{credential.code}.pdf").data == pdf  # served from the cache


def test_a_decomposed_name_is_printed_composed(issued, app):
    credential, _ = issued
    claims = dict(credential.claims, name=unicodedata.normalize("NFD", "Nguyễn Thị Lan"))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render(claims, "http://portal.test/x"))).pages)
    assert "Nguyễn Thị Lan" in text and unicodedata.is_normalized("NFC", text)


def test_without_the_token_the_name_is_masked_and_nothing_personal_shows(issued, client):
    credential, people = issued
    response = client.get(f"/verify/{credential.code}")
    page = response.get_data(as_text=True)
    assert "N. T. P. T. H. L. K. N." in page and LONG_NAME not in page
    for private in (people["eligible"].email, "0987654321", "LHN2025001"):
        assert private not in page
    assert "Trường Đại học Luật Hà Nội" in page and codes.pretty(credential.code) in page
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "<script" not in page.split("</head>")[1]  # the body needs no script to say "valid"


def test_a_token_with_one_changed_byte_does_not_reveal_the_name(issued, client):
    credential, _ = issued
    token = credential.signature
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    page = client.post(f"/verify/{credential.code}/holder", data={"token": flipped}).get_data(as_text=True)
    assert LONG_NAME not in page and "N. T. P. T." in page
    assert "flash--error" in page
    other = client.post(f"/verify/{credential.code}/holder", data={"token": "garbage"}).get_data(as_text=True)
    assert LONG_NAME not in other and "flash--error" in other


def test_revoked_superseded_and_unknown_codes_each_show_their_state(issued, client):
    credential, people = issued
    certificates.revoke(people["admin"], credential, "Khai man số giờ tham gia", "misconduct")
    page = client.get(f"/verify/{credential.code}").get_data(as_text=True)
    assert "verdict--revoked" in page and "vi phạm quy định của chiến dịch" in page
    # The organiser's own words never reach the public page, in either language.
    assert "Khai man" not in page
    english = client.get(f"/verify/{credential.code}?lang=en").get_data(as_text=True)
    assert "a breach of the campaign's rules" in english.replace("&#39;", "'") and "Khai man" not in english
    assert "verdict--valid" not in page
    # Even the genuine token from the paper shows no name under the red banner: a revoked paper vouches for nothing.
    holder = client.post(f"/verify/{credential.code}/holder", data={"token": credential.signature})
    assert LONG_NAME not in holder.get_data(as_text=True) and "N. T. P. T." not in holder.get_data(as_text=True)

    campaign = credential.campaign
    from portal.certificates.models import Credential
    from portal.extensions import db

    certificates.set_rule(people["admin"], campaign, False, 0, None)
    certificates.issue_all(people["admin"], campaign)
    other = db.session.query(Credential).filter(Credential.user_id == people["short"].id).one()
    replacement = certificates.reissue(people["admin"], other, "Sửa tên trường")
    page = client.get(f"/verify/{other.code}").get_data(as_text=True)
    assert "verdict--superseded" in page and f"/verify/{replacement.code}" in page
    assert "verdict--valid" in client.get(f"/verify/{replacement.code}").get_data(as_text=True)

    unknown = client.get("/verify/0000000000000000")
    assert unknown.status_code == 404 and "verdict--unknown" in unknown.get_data(as_text=True)


def test_codes_typed_by_hand_are_forgiven_and_junk_gets_a_message(issued, client):
    credential, _ = issued
    pasted = codes.pretty(credential.code).replace("-", "\u2013")  # an en dash from a word processor
    assert client.get("/verify", query_string={"code": pasted, "lang": "en"}).headers["Location"].endswith(
        f"/verify/{credential.code}?lang=en")
    typed = codes.pretty(credential.code).lower()
    response = client.get("/verify", query_string={"code": typed})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/verify/{credential.code}")
    assert client.get(f"/verify/{typed}").headers["Location"].endswith(f"/verify/{credential.code}")
    junk = client.get("/verify", query_string={"code": "hello"})
    assert junk.status_code == 422 and "7KQ2-M9XD-4FHT-PW3R" in junk.get_data(as_text=True)
    assert client.get("/verify").status_code == 200


def test_verification_is_rate_limited_per_address(make_app, season):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_VERIFY="3 per minute")
    client = app.test_client()
    statuses = [client.get("/verify/0000000000000000").status_code for _ in range(3)]
    statuses.append(client.post("/verify/0000000000000000/holder", data={"token": "x"}).status_code)
    assert statuses == [404, 404, 404, 429]  # the name check shares the limit
    other = client.get("/verify/0000000000000000", environ_overrides={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 404  # another visitor is not held back


def test_students_see_only_their_own_certificates(issued, auth, client, make_user):
    credential, people = issued
    auth.as_(people["eligible"])
    page = client.get("/me/certificates").get_data(as_text=True)
    assert codes.pretty(credential.code) in page and "linkedin.com/profile/add" in page
    assert f"/verify/{credential.code}#{records.qr_token(credential)}" in page
    badge = client.get(f"/certificates/{credential.code}.json").get_json()
    assert badge["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert badge["credentialSubject"]["achievement"]["type"] == ["Achievement"]
    assert badge["issuer"]["name"].startswith("Thành đoàn Hà Nội") and badges.verify(badge).ok
    assert badge["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert f"issueYear={date.fromisoformat(credential.claims['issued']).year}" in page
    certificates.revoke(people["admin"], credential, "Cấp nhầm người")
    assert client.get(f"/certificates/{credential.code}.pdf").status_code == 404  # no reprint of a revoked paper
    auth.logout()
    auth.as_(make_user())
    assert client.get(f"/certificates/{credential.code}.pdf").status_code == 403
    assert client.get(f"/certificates/{credential.code}.json").status_code == 403
    assert codes.pretty(credential.code) not in client.get("/me/certificates").get_data(as_text=True)


def test_the_public_page_sets_no_cookie_and_switches_language_by_link(issued, client):
    credential, _ = issued
    english = client.get(f"/verify/{credential.code}?lang=en")
    assert '<html lang="en">' in english.get_data(as_text=True)
    for page in (english, client.get(f"/verify/{credential.code}")):  # the banner speaks both languages
        assert "Valid certificate" in page.get_data(as_text=True)
        assert "Giấy chứng nhận hợp lệ" in page.get_data(as_text=True)
    assert not english.headers.getlist("Set-Cookie")
    holder = client.post(f"/verify/{credential.code}/holder?lang=en", data={"token": credential.signature})
    assert holder.status_code == 200 and not holder.headers.getlist("Set-Cookie")
    # The English page asks for the holder's name in English (the answer replaces part of the page).
    assert f'/verify/{credential.code}/holder?lang=en"' in english.get_data(as_text=True)
    assert "Certificate of participation" in holder.get_data(as_text=True)
