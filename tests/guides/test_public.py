"""The public guide pages citizens open from a QR code: what each status answers, the page's promises (no cookie,
no script, small, the point's name and hours, official links, English on request) and the anonymous scan count."""
from datetime import date

import pytest
from sqlalchemy import func, inspect, select

from portal.extensions import db
from portal.guides.models import GuideImage, GuideScan, point_code

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def scans() -> dict:
    """Every count stored, by (guide id, point id, day)."""
    db.session.rollback()  # see what the requests committed
    return {(s.guide_id, s.point_id, s.day): s.count for s in db.session.scalars(select(GuideScan))}


def page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def pictured(make_guide):
    """A published guide with one picture placed in its body, and a picture of another guide."""
    guide = make_guide(slug="vneid-muc-2", title_vi="Kích hoạt tài khoản định danh điện tử mức 2")
    other = make_guide(slug="ihanoi")
    own = GuideImage(guide_id=guide.id, alt="Màn hình đăng ký", content_type="image/png", data=PNG, width=4, height=4)
    foreign = GuideImage(guide_id=other.id, alt="Khác", content_type="image/png", data=PNG, width=4, height=4)
    db.session.add_all([own, foreign])
    db.session.flush()
    guide.body_vi += f"\n![Màn hình đăng ký](image:{own.id})\n\n![Ảnh lạ](image:{foreign.id})\n"
    db.session.commit()
    return guide, own, foreign


def test_a_published_guide_is_a_small_page_without_script_or_cookie(guides_world, make_guide, client):
    guide = make_guide(slug="vneid", title_vi="Kích hoạt VNeID")
    for url in ("/g/vneid", f"/g/vneid/{point_code(guides_world.point)}", "/g/"):
        response = client.get(url)
        html = page(response)
        assert response.status_code == 200, url
        assert not response.headers.getlist("Set-Cookie"), url
        assert "<script" not in html.lower() and "csrf" not in html.lower(), url
        assert '<html lang="vi">' in html and html.count("<h1") == 1 and "<main" in html and "<header" in html
        assert "app.css" not in html and "guide.css" in html
        css = client.get("/static/css/guide.css").data
        assert len(html.encode()) + len(css) < 50_000, url
    html = page(client.get("/g/vneid"))
    assert guide.title_vi in html and "Mở ứng dụng VNeID" in html and "<ol>" in html
    assert guides_world.campaign.name in html  # the campaign's name heads the page
    # The official links the guide points to, in a box at the end.
    assert 'aria-labelledby="links-title"' in html and 'href="https://vneid.gov.vn"' in html


def test_the_stylesheet_is_large_type_and_printable(client):
    css = client.get("/static/css/guide.css").get_data(as_text=True)
    assert "font: 1.25rem/1.6" in css  # 20 px body type
    assert "@media print" in css


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_unpublished_and_unknown_guides_are_not_found(status, guides_world, make_guide, client):
    make_guide(status=status, slug="nhap")
    assert client.get("/g/nhap").status_code == 404
    assert client.get(f"/g/nhap/{point_code(guides_world.point)}").status_code == 404
    assert client.get("/g/khong-co").status_code == 404
    assert "nhap" not in page(client.get("/g/"))
    assert scans() == {}


def test_a_retired_guide_is_gone_and_points_to_the_current_guides(guides_world, make_guide, client):
    make_guide(status="retired", slug="cu", title_vi="Hướng dẫn cũ")
    make_guide(slug="moi", title_vi="Hướng dẫn mới")
    for url in ("/g/cu", f"/g/cu/{point_code(guides_world.point)}"):
        response = client.get(url)
        assert response.status_code == 410 and not response.headers.getlist("Set-Cookie")
        assert 'href="/g/"' in page(response) and "<script" not in page(response)
    index = page(client.get("/g/"))
    assert "Hướng dẫn mới" in index and "Hướng dẫn cũ" not in index
    assert scans() == {}


def test_the_point_page_names_the_point_and_its_hours(guides_world, make_guide, client):
    point = guides_world.point
    point.opening_hours = "Thứ Hai – Thứ Sáu, 7:30–17:00"
    db.session.commit()
    make_guide(slug="vneid")
    html = page(client.get(f"/g/vneid/{point_code(point)}"))
    assert point.name in html and "Thứ Hai – Thứ Sáu, 7:30–17:00" in html
    assert point.name not in page(client.get("/g/vneid"))


def test_english_on_request_with_a_link_that_keeps_the_point(guides_world, make_guide, client):
    make_guide(slug="vneid", english=True)
    make_guide(slug="chi-tieng-viet")
    code = point_code(guides_world.point)
    vietnamese = page(client.get(f"/g/vneid/{code}"))
    assert '<html lang="vi">' in vietnamese and f'href="/g/vneid/{code}?lang=en"' in vietnamese
    english = client.get(f"/g/vneid/{code}?lang=en")
    assert '<html lang="en">' in page(english) and "Open the VNeID app." in page(english)
    assert "Mở ứng dụng VNeID" not in page(english) and f'href="/g/vneid/{code}?lang=vi"' in page(english)
    assert not english.headers.getlist("Set-Cookie")
    index = page(client.get("/g/?lang=en"))
    assert '<html lang="en">' in index and 'href="/g/?lang=vi"' in index and 'href="/g/vneid?lang=en"' in index
    # No English version: the Vietnamese page, and no link to switch.
    only = page(client.get("/g/chi-tieng-viet?lang=en"))
    assert '<html lang="vi">' in only and "?lang=en" not in only.split("<main")[0]


def test_pictures_of_published_guides_only_with_a_long_cache(pictured, client, make_guide):
    guide, own, foreign = pictured
    html = page(client.get(f"/g/{guide.slug}"))
    assert f'src="/g/{guide.slug}/img/{own.id}"' in html and 'loading="lazy"' in html
    assert f"/img/{foreign.id}" not in html and "Ảnh lạ" in html  # another guide's picture stays as words
    picture = client.get(f"/g/{guide.slug}/img/{own.id}")
    assert picture.status_code == 200 and picture.data == PNG and "immutable" in picture.headers["Cache-Control"]
    assert client.get(f"/g/{guide.slug}/img/{foreign.id}").status_code == 404  # not this guide's
    guide.status = "retired"
    db.session.commit()
    assert client.get(f"/g/{guide.slug}/img/{own.id}").status_code == 404


@pytest.mark.parametrize("hanoi_time", ["2026-03-10 23:30"])
def test_each_scan_counts_once_per_guide_point_and_hanoi_day(hanoi_time, guides_world, make_guide, client, at_hanoi):
    guide, other = make_guide(slug="vneid"), make_guide(slug="ihanoi")
    here, there = guides_world.point, guides_world.other_point
    for _ in range(3):
        assert client.get(f"/g/vneid/{point_code(here)}").status_code == 200
    client.get(f"/g/vneid/{point_code(there)}")
    client.get(f"/g/ihanoi/{point_code(here)}")
    at_hanoi("2026-03-11 00:30")  # after Hanoi's midnight (still the 10th in UTC): a new day
    client.get(f"/g/vneid/{point_code(here)}")
    assert scans() == {(guide.id, here.id, date(2026, 3, 10)): 3, (guide.id, there.id, date(2026, 3, 10)): 1,
                       (other.id, here.id, date(2026, 3, 10)): 1, (guide.id, here.id, date(2026, 3, 11)): 1}


def test_head_prefetch_language_switch_and_unknown_points_count_nothing(guides_world, make_guide, client):
    make_guide(slug="vneid", english=True)
    point = guides_world.point
    code = point_code(point)
    assert client.head(f"/g/vneid/{code}").status_code == 200
    for header in ({"Purpose": "prefetch"}, {"Sec-Purpose": "prefetch;prerender"}, {"X-Moz": "prefetch"}):
        assert client.get(f"/g/vneid/{code}", headers=header).status_code == 200
    client.get(f"/g/vneid/{code}?lang=en")
    client.get("/g/vneid")  # volunteers open guides here
    for unknown in ("p999999", "x1", "abc"):
        response = client.get(f"/g/vneid/{unknown}")
        assert response.status_code == 200 and "Mở ứng dụng VNeID" in page(response)
    closed = guides_world.other_point
    closed.is_active = False
    db.session.commit()
    client.get(f"/g/vneid/{point_code(closed)}")
    assert scans() == {}


def test_a_scan_stores_the_count_and_nothing_else(guides_world, make_guide, client):
    make_guide(slug="vneid")
    client.get(f"/g/vneid/{point_code(guides_world.point)}", headers={"User-Agent": "Phone/1.0"},
               environ_base={"REMOTE_ADDR": "203.0.113.9"})
    columns = {c["name"] for c in inspect(db.engine).get_columns("guide_scans")}
    assert columns == {"id", "guide_id", "point_id", "day", "count"}
    assert db.session.scalar(select(func.count()).select_from(GuideScan)) == 1
    assert list(scans().values()) == [1]


def test_the_public_pages_are_rate_limited_per_address(make_app, make_guide):
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_GUIDES="3 per minute")
    with limited.app_context():
        make_guide(slug="vneid")
        client = limited.test_client()
        codes = [client.get("/g/vneid").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        other = client.get("/g/vneid", environ_base={"REMOTE_ADDR": "198.51.100.7"})
        assert other.status_code == 200
