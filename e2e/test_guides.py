"""Guides to online public services (issue 20), in the browser: a citizen scans a poster's QR code at the demo leader's
point and reads the guide on a cheap phone (no JavaScript error, nothing sideways, axe clean, large type, English
on request, one scan counted); a volunteer on a booked shift opens "Hướng dẫn nhanh" from the shift page and reaches
a guide; the leader downloads the point's A4 poster of a guide, a PDF."""
from __future__ import annotations

import pytest

from e2e.conftest import check_accessibility, check_no_sideways_scroll, check_page, log_in, read_database

SLUG = "vneid-muc-2"  # a seed-demo guide with an English version, chosen by the demo leader's point
TITLE_VI = "Kích hoạt tài khoản định danh điện tử mức 2"
TITLE_EN = "Activate a level 2 electronic identity account (VNeID)"


def _scans(server, point_id: int) -> int:
    """All scans of the guide at the point, whatever the day."""
    return read_database(server, "SELECT coalesce(sum(s.count), 0) FROM guide_scans s JOIN guides g ON g.id = "
                                 "s.guide_id WHERE g.slug = :slug AND s.point_id = :p", slug=SLUG, p=point_id)[0][0]


@pytest.mark.phone_only
def test_a_citizen_scans_the_qr_code_and_reads_the_guide_on_a_phone(server, pages):
    base, point_id = server["url"], server["ids"]["leader_point"]
    before = _scans(server, point_id)
    citizen = pages()
    response = citizen.goto(f"{base}/g/{SLUG}/p{point_id}")
    assert response.status == 200 and "no-store" in response.headers["cache-control"]
    assert citizen.locator("h1").inner_text() == TITLE_VI
    assert "Gia Lâm" in citizen.locator("#point-name").inner_text()  # the point whose poster was scanned
    steps = citizen.locator(".guide .body ol > li")
    assert 5 <= steps.count() <= 8
    assert citizen.locator("a[href='https://vneid.gov.vn']").count() >= 1  # the official site
    sizes = citizen.evaluate("""() => [...document.querySelectorAll('.guide .body li, .guide .body p')]
                                 .map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert sizes and min(sizes) >= 18, sizes  # large type for older eyes
    assert citizen.evaluate("() => document.scripts.length") == 0  # works with no JavaScript at all
    assert citizen.context.cookies() == []  # no cookie for a citizen
    assert _scans(server, point_id) == before + 1
    check_page(citizen)  # axe in both languages, the English switch and back, nothing sideways
    citizen.locator("a[lang=en][href*='lang=en']").click()
    citizen.wait_for_load_state()
    assert citizen.locator("h1").inner_text() == TITLE_EN
    assert "lang=en" in citizen.url and citizen.locator(".guide .body ol > li").count() == steps.count()
    assert citizen.console_errors == []


def test_a_volunteer_opens_the_quick_guides_from_the_shift_page(server, pages):
    base, shift_id, point_id = server["url"], server["ids"]["running_shift"], server["ids"]["leader_point"]
    student = pages()
    log_in(student, base, "student@example.org")
    student.goto(f"{base}/shifts/{shift_id}")
    with student.expect_navigation():  # "Hướng dẫn nhanh", among the booked shift's buttons
        student.locator(f"a[href='/points/{point_id}/quick-guides']").first.click()
    assert "/quick-guides" in student.url
    check_accessibility(student)
    check_no_sideways_scroll(student)
    guide = student.locator(".quick-guides a", has_text=TITLE_VI)
    assert student.locator(".quick-guides a").count() == 3  # the three guides the point's leader chose
    with student.expect_navigation():
        guide.click()
    assert student.url.rstrip("/").endswith(f"/g/{SLUG}")  # the page without a point code: no scan counted
    assert student.locator("h1").inner_text() == TITLE_VI
    check_accessibility(student)
    check_no_sideways_scroll(student)
    assert student.console_errors == []


def test_a_leader_downloads_the_points_a4_poster(server, pages):
    base, point_id = server["url"], server["ids"]["leader_point"]
    leader = pages()
    log_in(leader, base, "leader@example.org")
    leader.goto(f"{base}/operations/today")
    with leader.expect_navigation():
        leader.locator(f"a[href='/points/{point_id}/guides']").first.click()
    check_accessibility(leader)
    check_no_sideways_scroll(leader)
    link = leader.locator("a[href$='/a4.pdf']", has_text=TITLE_VI)
    href = link.get_attribute("href")
    assert href.endswith(f"/poster/{point_id}/a4.pdf")
    with leader.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    answer = leader.request.get(f"{base}{href}")
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    assert leader.console_errors == []
