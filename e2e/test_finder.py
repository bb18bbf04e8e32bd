"""The shift finder on a phone (360 px): the date chips choose the days and show which is on; a wrong
date in the day/month/year boxes is named beside the boxes and in the summary while the week's shifts
still show, and once corrected the list starts on that day. Nothing scrolls sideways."""
from datetime import datetime, timedelta

import pytest

from e2e.conftest import check_no_sideways_scroll, check_page, log_in, settle
from portal.core.clock import LOCAL_TZ


@pytest.mark.phone_only
def test_a_student_finds_shifts_with_chips_and_date_boxes_on_a_phone(server, pages, viewport):
    base = server["url"]
    student = pages()
    log_in(student, base, "student@example.org")
    student.goto(f"{base}/shifts/")
    settle(student)
    check_page(student)
    chips = student.locator("#when a.chip")
    assert chips.count() == 5 and all(chips.nth(n).bounding_box()["height"] >= 44 for n in range(5))
    assert student.locator("#when a[aria-current]").inner_text() == "Mọi ngày"

    tomorrow = datetime.now(LOCAL_TZ).date() + timedelta(days=1)
    with student.expect_navigation():
        student.click("#when a:has-text('Ngày mai')")
    settle(student)
    assert "when=tomorrow" in student.url
    assert student.locator("#when a[aria-current]").inner_text() == "Ngày mai"
    assert all(f"{tomorrow:%d/%m/%Y}" in title for title in student.locator(".day__title").all_inner_texts())
    check_no_sideways_scroll(student)

    with student.expect_navigation():
        student.click("#when a:has-text('Mọi ngày')")
    settle(student)
    cards_before = student.locator(".shift-card").count()
    student.click(".finder-dates summary")
    student.fill("#date_from", "31")
    student.fill("#date_from-month", "2")
    student.fill("#date_from-year", "2026")
    student.click("button:has-text('Xem ca trực')")
    settle(student)
    error = student.locator("#date_from-error")
    assert error.is_visible() and "ngày có thật" in error.inner_text()
    assert student.locator(".error-summary a[href='#date_from']").is_visible()
    assert student.input_value("#date_from") == "31"  # the boxes keep what was typed
    assert student.locator(".shift-card").count() == cards_before  # the week still shows
    check_no_sideways_scroll(student)

    day = datetime.now(LOCAL_TZ).date() + timedelta(days=2)
    student.fill("#date_from", str(day.day))
    student.fill("#date_from-month", str(day.month))
    student.fill("#date_from-year", str(day.year))
    student.click("button:has-text('Xem ca trực')")
    settle(student)
    assert student.locator("#date_from-error").count() == 0 and student.locator(".error-summary").count() == 0
    assert f"{day:%d/%m/%Y}" in student.locator(".finder-range__title").inner_text()
    assert "date_from-day=" in student.url  # the address keeps the dates (htmx pushed it)
    check_no_sideways_scroll(student)
