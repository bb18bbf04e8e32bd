"""Posters, e-posters and a point's "tờ rơi" sheet: every QR code, read back at 150 dpi, opens the right guide for the
right point; sizes are exact; only a point's leaders and the organisers may print them."""
import io

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from portal.extensions import db
from portal.guides import posters
from portal.guides.models import PointGuide, point_code

PAGE_POINTS = {"a4.pdf": (595, 842), "a3.pdf": (842, 1191)}
PIXELS = {"1080x1350.png": (1080, 1350), "1080x1920.png": (1080, 1920)}


def _codes(image) -> list[str]:
    """The QR codes in a picture (only QR codes: a line of text may pass for a 1-D barcode)."""
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def _pdf_page(data: bytes, dpi: int = 150):
    """The PDF's only page: its size in points and its picture at `dpi`."""
    document = pypdfium2.PdfDocument(data)
    assert len(document) == 1
    page = document[0]
    size = tuple(round(v) for v in page.get_size())
    image = page.render(scale=dpi / 72).to_pil()
    page.close()
    document.close()
    return size, image


@pytest.fixture
def printed(guides_world, make_guide, make_shift):
    """A published guide, and a shift of the campaign at Hà's point (so the posters carry its name)."""
    make_shift(guides_world.campaign, guides_world.point)
    guide = make_guide(status="published", slug="kich-hoat-vneid", title_vi="Kích hoạt tài khoản định danh mức 2",
                       call_vi="Tự kích hoạt VNeID ngay tại điểm")
    return guides_world, guide


def _follow(client, url: str, guide, point) -> None:
    """The decoded address is the guide's short URL for the point, and it opens that guide."""
    assert url == f"http://portal.test/g/{guide.slug}/{point_code(point)}"
    page = client.get(url.removeprefix("http://portal.test"))
    assert page.status_code == 200
    assert guide.title_vi in page.get_data(as_text=True)


@pytest.mark.parametrize("kind", list(PAGE_POINTS) + list(PIXELS))
def test_every_poster_kind_reads_back_to_the_guide_at_its_point(kind, printed, auth, client):
    world, guide = printed
    auth.as_(world.leader)
    response = client.get(f"/guides/{guide.id}/poster/{world.point.id}/{kind}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="poster-{guide.slug}-{point_code(world.point)}-{kind}"')
    if kind in PAGE_POINTS:
        assert response.mimetype == "application/pdf"
        size, image = _pdf_page(response.data)
        assert size == PAGE_POINTS[kind]
    else:
        assert response.mimetype == "image/png"
        image = Image.open(io.BytesIO(response.data))
        assert image.size == PIXELS[kind]
    (url,) = _codes(image)
    auth.logout()
    _follow(client, url, guide, world.point)


def test_the_poster_says_the_campaign_the_point_and_its_hours(printed):
    world, guide = printed
    world.point.opening_hours = "Thứ Hai – Thứ Sáu, 8:00–17:00"
    db.session.commit()
    poster = posters.poster_for(guide, world.point)
    assert poster.brand == world.campaign.name and poster.point == world.point.name
    assert poster.hours == "Thứ Hai – Thứ Sáu, 8:00–17:00" and poster.call == "Tự kích hoạt VNeID ngay tại điểm"
    assert poster.steps == ("Mở ứng dụng VNeID và chọn Đăng ký tài khoản.",
                            "Nhập số định danh cá nhân và số điện thoại.",
                            "Đến bộ phận một cửa để cán bộ xác thực khuôn mặt.")
    assert poster.short_url == f"portal.test/g/kich-hoat-vneid/{point_code(world.point)}"


def test_a_point_in_no_open_campaign_carries_the_portal_title(guides_world, make_guide, app):
    poster = posters.poster_for(make_guide(), guides_world.other_point)
    assert poster.brand == (app.config.get("PORTAL_TITLE") or "Đồng hành") and poster.organisers == ""


def test_steps_are_taken_only_from_a_numbered_list_and_kept_short():
    assert posters.steps_of("Chỉ một đoạn văn.\n\n1. Một bước duy nhất.") == ()
    body = "\n".join(f"{n}. Bước [số {n}](https://dichvucong.gov.vn) ![ảnh](image:3)" for n in range(1, 9))
    steps = posters.steps_of(body)
    assert steps == tuple(f"Bước số {n}" for n in range(1, 6))
    long = posters.steps_of("1. " + "rất dài " * 40 + "\n2. Xong.")
    assert len(long[0]) <= posters.STEP_CHARS + 2 and long[0].endswith("…")


def test_the_sheet_has_one_code_for_each_chosen_published_guide(guides_world, make_guide, auth, client):
    chosen = [make_guide(title_vi=f"Hướng dẫn được chọn {n}") for n in range(3)]
    unchosen, draft = make_guide(), make_guide(status="draft")
    db.session.add_all([PointGuide(point_id=guides_world.point.id, guide_id=g.id, position=n)
                        for n, g in enumerate([chosen[2], draft, chosen[0], chosen[1]])])
    db.session.commit()
    auth.as_(guides_world.leader)
    response = client.get(f"/points/{guides_world.point.id}/to-roi.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    size, image = _pdf_page(response.data)
    assert size == PAGE_POINTS["a4.pdf"]
    found = sorted(_codes(image))
    code = point_code(guides_world.point)
    assert found == sorted(f"http://portal.test/g/{g.slug}/{code}" for g in chosen)
    assert unchosen.slug not in " ".join(found)
    auth.logout()
    for url in found:
        guide = next(g for g in chosen if f"/g/{g.slug}/" in url)
        _follow(client, url, guide, guides_world.point)


def test_a_sheet_with_no_choices_holds_the_published_guides_up_to_eight(guides_world, make_guide):
    for n in range(10):
        make_guide(title_vi=f"Hướng dẫn {n:02d}")
    make_guide(status="retired")
    guides = posters.leaflet_guides(guides_world.point)
    assert len(guides) == posters.LEAFLET_MOST and all(g.status == "published" for g in guides)
    _, image = _pdf_page(posters.leaflet(guides_world.point))
    assert len(_codes(image)) == posters.LEAFLET_MOST


def test_a_sheet_before_any_guide_is_published_still_prints(guides_world):
    _, image = _pdf_page(posters.leaflet(guides_world.point))
    assert _codes(image) == []


def test_only_the_points_leaders_and_organisers_print_posters(printed, make_guide, auth, client):
    world, guide = printed
    mine = f"/guides/{guide.id}/poster/{world.point.id}/a4.pdf"
    theirs = f"/guides/{guide.id}/poster/{world.other_point.id}/a4.pdf"
    auth.as_(world.other_leader)
    assert client.get(mine).status_code == 403
    assert client.get(f"/points/{world.point.id}/to-roi.pdf").status_code == 403
    assert client.get(theirs).status_code == 200
    auth.logout()
    auth.as_(world.student)
    assert client.get(mine).status_code == 403
    assert client.get(f"/guides/{guide.id}/posters").status_code == 403
    assert client.get(f"/points/{world.point.id}/to-roi.pdf").status_code == 403
    auth.logout()
    auth.as_(world.reviewer)
    assert client.get(theirs).status_code == 200
    assert client.get(f"/points/{world.other_point.id}/to-roi.pdf").status_code == 200
    assert client.get(f"/guides/{guide.id}/poster/{world.point.id}/poster.svg").status_code == 404


@pytest.mark.parametrize("status", ["draft", "in_review", "retired"])
def test_an_unpublished_guide_has_no_poster_for_leaders(status, guides_world, make_guide, auth, client):
    guide = make_guide(status=status)
    url = f"/guides/{guide.id}/poster/{guides_world.point.id}/a4.pdf"
    auth.as_(guides_world.leader)
    assert client.get(url).status_code == 404
    assert client.get(f"/guides/{guide.id}/posters").status_code == 404
    auth.logout()
    auth.as_(guides_world.author)  # organisers preview a guide in review, nothing else unpublished
    assert client.get(url).status_code == (200 if status == "in_review" else 404)


def test_the_posters_page_lists_every_point_for_organisers_and_their_own_for_leaders(printed, make_point, auth,
                                                                                     client):
    world, guide = printed
    make_point(name="Điểm Hỗ trợ dịch vụ công xã Gia Lâm")
    auth.as_(world.author)
    page = client.get(f"/guides/{guide.id}/posters").get_data(as_text=True)
    assert world.point.name in page and world.other_point.name in page and "Gia Lâm" in page
    page = client.get(f"/guides/{guide.id}/posters?q=Gia+Lâm").get_data(as_text=True)
    assert "Gia Lâm" in page and world.point.name not in page
    assert f"/guides/{guide.id}/poster/{world.point.id}/1080x1920.png" not in page
    auth.logout()
    auth.as_(world.leader)
    page = client.get(f"/guides/{guide.id}/posters").get_data(as_text=True)
    assert world.point.name in page and world.other_point.name not in page and "Gia Lâm" not in page
    for kind in posters.KINDS:
        assert f"/guides/{guide.id}/poster/{world.point.id}/{kind}" in page
    assert f"/points/{world.point.id}/to-roi.pdf" in page
