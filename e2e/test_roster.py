"""A team leader prints the roster of the shift running now at their point (the scenario's `running_shift`
at Gia Lâm, with two volunteers): from Today to the roster page, printed to PDF by the browser itself (print
media, A4), whose text holds the heading and the volunteers' names; the "Download PDF" link answers a PDF
with the same names, and the week plan prints on one page."""
from __future__ import annotations

import io
import unicodedata

from pypdf import PdfReader

from e2e.conftest import check_accessibility, check_no_sideways_scroll, log_in, read_database, settle


def _squeezed(text: str) -> str:
    """NFC without any spaces: a browser's PDF places some Vietnamese letters apart, and pypdf reads a gap."""
    return "".join(unicodedata.normalize("NFC", text).split())


def _text(data: bytes) -> tuple[int, str]:
    """A PDF's page count and its text, squeezed."""
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), _squeezed(" ".join(page.extract_text() for page in reader.pages))


def test_a_leader_prints_a_shifts_roster_to_pdf(server, pages):
    base, shift_id, point_id = server["url"], server["ids"]["running_shift"], server["ids"]["leader_point"]
    names = [row[0] for row in read_database(
        server, "SELECT u.full_name FROM bookings b JOIN users u ON u.id = b.user_id "
                "WHERE b.shift_id = :s AND b.status = 'booked'", s=shift_id)]
    assert len(names) >= 2
    leader = pages()
    log_in(leader, base, "leader@example.org")
    leader.goto(f"{base}/operations/today")
    leader.locator(f"#shift-{shift_id} a[href$='/shifts/{shift_id}/roster']").click()
    leader.wait_for_url(f"**/shifts/{shift_id}/roster")
    settle(leader)
    heading = _squeezed(leader.locator("h1").inner_text())
    sheet = leader.locator(f"#roster-shift-{shift_id}")
    for name in names:
        assert sheet.locator("td", has_text=name).count() == 1, name
    assert leader.locator("[data-print]").is_visible()  # the Print button, shown by static/js/print.js
    check_accessibility(leader)
    check_no_sideways_scroll(leader)

    leader.emulate_media(media="print")
    assert leader.locator(".masthead").is_hidden() and leader.locator("[data-print]").is_hidden()
    count, text = _text(leader.pdf(prefer_css_page_size=True, print_background=True))
    leader.emulate_media(media="screen")
    assert count == 1
    assert heading in text and all(_squeezed(name) in text for name in names), text[:400]

    href = leader.locator("a", has_text="PDF").first.get_attribute("href")
    download = leader.request.get(f"{base}{href}")
    assert download.status == 200 and download.headers["content-type"] == "application/pdf"
    count, text = _text(download.body())
    assert count == 1 and heading in text and all(_squeezed(name) in text for name in names)

    plan = leader.request.get(f"{base}/points/{point_id}/plan.pdf")
    assert plan.status == 200 and plan.headers["content-type"] == "application/pdf"
    assert _text(plan.body())[0] == 1
    assert not leader.console_errors, leader.console_errors
