"""The paper as an official Vietnamese document: header, number, date line and two signature blocks, with very
long names and many points, nothing overlapping and nothing off the page; the signatures only on the paper."""
import io
import itertools
from datetime import date

import pdfplumber
import pypdfium2
import pytest

from portal.certificates import documents, records
from portal.certificates import services as certificates
from portal.certificates.paper import place_date, save
from portal.certificates.paper_demo import ISSUERS, demo_signature
from portal.certificates.pdf import BOTTOM, LEFT, QR_SIZE, render
from portal.extensions import db

LONG_SCHOOL = ("Trường Đại học Khoa học Xã hội và Nhân văn, Đại học Quốc gia Hà Nội, Khoa Quản trị Văn phòng "
               "và Lưu trữ học")
LONG_CAMPAIGN = ("Chiến dịch tình nguyện Thanh niên đồng hành cùng người dân thực hiện thủ tục hành chính công "
                 "trực tuyến trên Cổng Dịch vụ công quốc gia năm 2026")
MANY_POINTS = [f"Điểm phục vụ hành chính công phường số {n:02d} quận Hoàn Kiếm" for n in range(1, 19)]


@pytest.fixture
def paper_season(season):
    """The season with its two co-issuers (signature PNGs drawn by the demo) and the longest texts we print."""
    save(season.people["admin"], season.campaign, ISSUERS, {1: demo_signature(1), 2: demo_signature(2)}, {})
    season.people["eligible"].school = LONG_SCHOOL
    season.campaign.name = LONG_CAMPAIGN
    db.session.commit()
    return season


def _long_claims(credential) -> dict:
    claims = credential.claims
    claims["points"] = MANY_POINTS
    return claims


def _overlap(a, b) -> bool:
    pad = 0.3  # glyph boxes of neighbouring words on one line may touch
    return (a["x0"] + pad < b["x1"] and b["x0"] + pad < a["x1"] and a["top"] + pad < b["bottom"]
            and b["top"] + pad < a["bottom"])


def _words(pdf: bytes):
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        return page.width, page.height, page.extract_words(), " ".join(page.extract_text().split())


def _pictures(pdf: bytes) -> list[dict]:
    """The boxes of the page's pictures (the signatures) and of its QR code, as pdfplumber gives words."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        boxes = [{k: image[k] for k in ("x0", "top", "x1", "bottom")} | {"text": "picture"} for image in page.images]
        qr = {"x0": LEFT, "x1": LEFT + QR_SIZE, "top": page.height - BOTTOM - QR_SIZE, "bottom": page.height - BOTTOM}
        return boxes + [qr | {"text": "QR"}]


def _inked(pdf: bytes, box: tuple[float, float, float, float]) -> int:
    """Non-white pixels at 150 dpi inside a box given in PDF points from the top left (x0, top, x1, bottom)."""
    scale = 150 / 72
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=scale).to_pil().convert("L")
    crop = image.crop(tuple(round(v * scale) for v in box))
    histogram = crop.histogram()
    return sum(histogram[:200])


def test_a_certificate_with_two_co_issuers_and_long_texts_fits_on_its_page(paper_season):
    (credential,) = certificates.issue_all(paper_season.people["admin"], paper_season.campaign)
    claims = _long_claims(credential)
    pdf = render(claims, records.verify_url(credential))
    width, height, words, text = _words(pdf)
    for word in words:
        assert 0 <= word["x0"] and word["x1"] <= width and 0 <= word["top"] and word["bottom"] <= height
    for a, b in itertools.combinations(words, 2):
        assert not _overlap(a, b), (a["text"], b["text"])
    pictures = _pictures(pdf)
    assert len(pictures) == 3  # two signatures and the QR code
    for picture, word in itertools.product(pictures, words):
        assert not _overlap(picture, word), (picture["text"], word["text"])
    assert credential.number == 1 and credential.number_text == "0001/GCN-TĐTN-TTPVHCC"
    assert f"Số: {credential.number_text}" in text
    assert claims["place_date"] in text and claims["place_date"].startswith("Hà Nội, ngày ")
    for line in ("TM. BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Nguyễn Minh Khôi", "GIÁM ĐỐC", "Trần Thị Bích Ngọc",
                 "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "THÀNH ĐOÀN HÀ NỘI",
                 "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG THÀNH PHỐ HÀ NỘI", LONG_SCHOOL.split(",")[0], "GIẤY CHỨNG NHẬN"):
        assert line in text
    assert render(claims, records.verify_url(credential)) == pdf  # the same bytes every time


def _signature_box(words, name: str, title: str) -> tuple[float, float, float, float]:
    """Between the signatory's title line and the name, over the name (points, from the top)."""
    (last,) = [w for w in words if w["text"] == name.split()[-1]]
    title_bottom = max(w["bottom"] for w in words if w["text"] in title.split() and w["top"] < last["top"]
                       and abs(w["x1"] - last["x1"]) < 120)
    return last["x1"] - 120, title_bottom + 4, last["x1"] + 10, last["top"] - 4


def test_the_signature_is_drawn_on_the_paper_and_nowhere_on_the_public_page(paper_season, client):
    (credential,) = certificates.issue_all(paper_season.people["admin"], paper_season.campaign)
    url = records.verify_url(credential)
    with_pictures = render(credential.claims, url)
    without = render(credential.claims, url, images={})
    _w, _h, words, _t = _words(with_pictures)
    box = _signature_box(words, "Nguyễn Minh Khôi", "PHÓ BÍ THƯ")
    assert _inked(with_pictures, box) > 500 and _inked(without, box) == 0
    shas = [issuer["signature"] for issuer in credential.claims["issuers"]]
    assert all(len(sha) == 64 for sha in shas)
    page = client.get(f"/verify/{credential.code}").get_data(as_text=True)
    assert credential.code[:4] in page
    for sha in shas:
        assert sha not in page and sha[:12] not in page
    assert "iVBORw0KGgo" not in page and "signature_images" not in page  # no PNG, inline or linked


def test_issued_papers_keep_their_header_when_the_settings_change(paper_season):
    (credential,) = certificates.issue_all(paper_season.people["admin"], paper_season.campaign)
    first = render(credential.claims, records.verify_url(credential))
    changed = dict(ISSUERS, signatory_name_1="Lê Văn Mới", place="Hải Phòng", motto="union")
    save(paper_season.people["admin"], paper_season.campaign, changed, {1: demo_signature(3)}, {})
    db.session.expire_all()
    again = render(credential.claims, records.verify_url(credential))
    assert again == first and "Nguyễn Minh Khôi" in _words(again)[3]


@pytest.mark.parametrize("kind", ["referral", "commendation"])
def test_referral_letters_and_commendations_carry_the_header_and_their_own_number(paper_season, kind):
    student = paper_season.people["eligible"]
    extra = {"host": "Công ty Cổ phần Phần mềm Sông Hồng"} if kind == "referral" else {}
    credential = documents.issue_document(paper_season.people["admin"], kind, student, paper_season.campaign, extra)
    db.session.commit()
    series = {"referral": "GGT", "commendation": "GK"}[kind]
    assert credential.number_text == f"0001/{series}-TĐTN-TTPVHCC" and credential.claims["v"] == 2
    _w, _h, words, text = _words(render(credential.claims, records.verify_url(credential)))
    assert f"Số: 0001/{series}-TĐTN-TTPVHCC" in text and credential.claims["place_date"] in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Nguyễn Minh Khôi" in text
    for a, b in itertools.combinations(words, 2):
        assert not _overlap(a, b), (a["text"], b["text"])


def test_the_union_header_has_its_asterisks_and_underlined_title(paper_season):
    save(paper_season.people["admin"], paper_season.campaign, dict(ISSUERS, motto="union"), {}, {})
    (credential,) = certificates.issue_all(paper_season.people["admin"], paper_season.campaign)
    text = _words(render(credential.claims, records.verify_url(credential)))[3]
    assert "ĐOÀN TNCS HỒ CHÍ MINH" in text and "***" in text and "CỘNG HÒA" not in text


def test_a_credential_issued_before_numbering_renders_as_before(issued_v1_claims):
    text = _words(render(issued_v1_claims, "http://portal.test/verify/X"))[3]
    assert "Số:" not in text and "THÀNH ĐOÀN HÀ NỘI" in text and "Issued on" in text


@pytest.fixture
def issued_v1_claims(season):
    (credential,) = certificates.issue_all(season.people["admin"], season.campaign)
    claims = {k: v for k, v in credential.claims.items() if k not in ("number", "place_date", "motto", "issuers")}
    return {**claims, "v": 1}


@pytest.mark.parametrize(("day", "line"), [(date(2026, 2, 15), "Hà Nội, ngày 15 tháng 02 năm 2026"),
                                           (date(2026, 1, 5), "Hà Nội, ngày 05 tháng 01 năm 2026"),
                                           (date(2026, 3, 9), "Hà Nội, ngày 09 tháng 3 năm 2026"),
                                           (date(2026, 12, 20), "Hà Nội, ngày 20 tháng 12 năm 2026")])
def test_the_date_line_follows_the_decree(day, line):
    assert place_date("Hà Nội", day) == line
