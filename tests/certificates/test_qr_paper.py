"""The QR code on paper, read as a cheap phone reads a photocopy: a 100 dpi greyscale picture of the page. It carries
a short token, so its modules stay at least 0.6 mm wide; papers printed with the full signature keep working."""
import pypdfium2
import pytest
import zxingcpp
from PIL import ImageFilter
from reportlab.lib.units import mm

from portal.certificates import records
from portal.certificates import services as certificates
from portal.certificates.pdf import QR_SIZE, render
from portal.core import qr
from portal.extensions import db
from tests.certificates.conftest import LONG_NAME

# A long public address, longer than any we expect to run under: the QR code must stay readable with it too.
LONG_BASE_URL = "https://donghanh.thanhdoanhanoi.hanoi.gov.vn"
MIN_MODULE_MM = 0.6


@pytest.fixture
def issued(season):
    (credential,) = certificates.issue_all(season.people["admin"], season.campaign)
    return credential


def _read_qr(pdf: bytes, dpi: int = 100, blur: float = 0) -> list[zxingcpp.Result]:
    """The QR codes of the first page, rendered in greyscale at `dpi` (and softened like a photocopy if asked)."""
    document = pypdfium2.PdfDocument(pdf)
    image = document[0].render(scale=dpi / 72, grayscale=True).to_pil()
    document.close()
    assert image.mode == "L"
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)


def _module_mm(url: str, error_correction: str = "Q") -> float:
    """The width of one module of the QR code that carries `url`, printed QR_SIZE square: from its version."""
    version = (len(qr.qr_matrix(url, error_correction)) - 17) // 4
    return QR_SIZE / (17 + 4 * version) / mm


def test_the_paper_qr_reads_at_100_dpi_in_greyscale_and_opens_the_holders_name(issued, client):
    (result,) = _read_qr(records.pdf_bytes(issued))
    token = records.qr_token(issued)
    assert result.text == f"http://portal.test/verify/{issued.code}#{token}"
    assert len(token) == records.QR_TOKEN_LENGTH and "." not in token
    address, fragment = result.text.split("#")
    page = client.get(address.removeprefix("http://portal.test"))
    assert page.status_code == 200 and "verdict--valid" in page.get_data(as_text=True)
    assert LONG_NAME not in page.get_data(as_text=True)  # the page alone shows initials
    holder = client.post(f"/verify/{issued.code}/holder", data={"token": fragment}).get_data(as_text=True)
    assert LONG_NAME in holder and "flash--success" in holder


def test_the_paper_qr_still_reads_when_blurred_like_a_photocopy_where_the_old_one_did_not(issued):
    (result,) = _read_qr(records.pdf_bytes(issued), dpi=100, blur=1.5)
    assert result.text == records.verify_url(issued)
    old = render(issued.claims, f"http://portal.test/verify/{issued.code}#{issued.signature}")
    assert _read_qr(old, dpi=100) and not _read_qr(old, dpi=100, blur=1.5)  # the full signature's denser code


def test_the_modules_are_at_least_0_6_mm_even_under_a_long_address(issued, app):
    assert _module_mm(records.verify_url(issued)) >= MIN_MODULE_MM
    longest = f"{LONG_BASE_URL}/verify/{issued.code}#{records.qr_token(issued)}"
    assert _module_mm(longest) >= MIN_MODULE_MM
    assert qr.module_size(longest, QR_SIZE) / mm >= MIN_MODULE_MM
    # What the paper carried before, the whole detached signature, printed modules under 0.6 mm.
    assert _module_mm(f"{LONG_BASE_URL}/verify/{issued.code}#{issued.signature}") < MIN_MODULE_MM


def test_an_old_paper_with_the_full_signature_still_reveals_the_name(issued, client):
    old_url = f"http://portal.test/verify/{issued.code}#{issued.signature}"
    (result,) = _read_qr(render(issued.claims, old_url), dpi=150)  # the old, denser code needs a sharper picture
    assert result.text == old_url
    holder = client.post(f"/verify/{issued.code}/holder", data={"token": old_url.split("#")[1]})
    assert LONG_NAME in holder.get_data(as_text=True)


def test_a_wrong_or_borrowed_short_token_reveals_nothing(issued, season, client):
    token = records.qr_token(issued)
    for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), token[:-1], token + "A", "x" * 16, "đ" * 16):
        page = client.post(f"/verify/{issued.code}/holder", data={"token": wrong}).get_data(as_text=True)
        assert LONG_NAME not in page and "flash--error" in page
    admin = season.people["admin"]
    certificates.set_rule(admin, season.campaign, False, 0, None)
    other = [c for c in certificates.issue_all(admin, season.campaign) if c.id != issued.id][0]
    borrowed = client.post(f"/verify/{issued.code}/holder", data={"token": records.qr_token(other)})
    assert LONG_NAME not in borrowed.get_data(as_text=True)


def test_a_record_altered_in_the_database_no_longer_honours_its_short_token(issued, client):
    token = records.qr_token(issued)
    issued.claims_json = issued.claims_json.replace('"minutes":720', '"minutes":7200')
    db.session.commit()
    assert '"minutes":7200' in issued.claims_json
    page = client.post(f"/verify/{issued.code}/holder", data={"token": token}).get_data(as_text=True)
    assert LONG_NAME not in page and "flash--error" in page


def test_a_corrected_certificate_gets_a_new_token_and_the_old_paper_keeps_its_own(issued, season, client):
    old_token = records.qr_token(issued)
    replacement = certificates.reissue(season.people["admin"], issued, "Sửa tên trường")
    assert records.qr_token(replacement) != old_token
    assert LONG_NAME not in client.post(f"/verify/{replacement.code}/holder",
                                        data={"token": old_token}).get_data(as_text=True)
    old_page = client.post(f"/verify/{issued.code}/holder", data={"token": old_token}).get_data(as_text=True)
    assert LONG_NAME in old_page  # the superseded page still names its holder, under its amber banner


def test_a_guide_posters_qr_reads_at_100_dpi_in_greyscale(app):
    from portal.guides import poster_pdf, posters  # the guides' own drawing, with the same draw_qr

    url = "http://portal.test/g/kich-hoat-vneid/p12"
    poster = poster_pdf.Poster(
        brand="Đồng hành", organisers="Thành đoàn Hà Nội", title="Kích hoạt tài khoản định danh mức 2",
        call="Tự kích hoạt VNeID ngay tại điểm", steps=("Mở ứng dụng VNeID", "Chọn Kích hoạt"), url=url,
        short_url="portal.test/g/kich-hoat-vneid", point="Điểm Hỗ trợ dịch vụ công số phường Hoàn Kiếm",
        address="1 Tràng Tiền", hours="08:00–17:00", labels=posters._labels())
    with app.test_request_context():
        document = poster_pdf.pdf(lambda c, w, h: poster_pdf.draw_poster(c, poster, w, h), (595, 842), "poster")
    assert [r.text for r in _read_qr(document)] == [url]
