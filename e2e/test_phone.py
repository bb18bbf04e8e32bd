"""The phone: the menu folds behind a "Menu" button that opens to every place, "Đăng xuất" included;
and an organiser at the end of the season chooses last season's campaign in reports and sees its
figures (not the last 30 days' zeros), with JavaScript and without."""
import re

from e2e.conftest import VIEWPORTS, check_accessibility, check_page, log_in, settle

LAST_SEASON = "Thanh niên đồng hành cùng hành chính công"  # the demo's 2025–2026 season (its option's label)


def test_the_phone_menu_opens_to_every_place(server, pages, viewport):
    base = server["url"]
    student = pages()
    log_in(student, base, "student@example.org")
    settle(student)
    toggle = student.locator("#nav-toggle")
    log_out = student.locator("#nav-list button:has-text('Đăng xuất')")
    if viewport != "phone":  # a desktop keeps the row: no button, everything in sight
        assert not toggle.is_visible() and log_out.is_visible()
        return
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not log_out.is_visible()  # folded away, not scrolled off to the side
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and log_out.is_visible()
    check_accessibility(student)
    box = log_out.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORTS["phone"]["width"] and box["height"] >= 44
    toggle.click()  # and it closes again
    assert toggle.get_attribute("aria-expanded") == "false" and not log_out.is_visible()
    toggle.click()
    with student.expect_navigation():
        log_out.click()
    assert student.locator("#nav-list a[href$='/login']").count() == 1


def _headline(page) -> dict[str, str]:
    return {dt: dd for dt, dd in zip(page.locator("#headline dt").all_inner_texts(),
                                     page.locator("#headline dd").all_inner_texts(), strict=True)}


def test_an_organiser_chooses_last_seasons_campaign_in_reports(server, pages, browser, viewport):
    base = server["url"]
    admin = pages()
    log_in(admin, base, "admin@example.org")
    admin.goto(f"{base}/reports/")
    check_page(admin)
    admin.select_option("#campaign", label=LAST_SEASON)
    # With JavaScript the date boxes follow the campaign at once.
    assert (admin.input_value("#start"), admin.input_value("#end")) == ("18/12/2025", "15/02/2026")
    with admin.expect_navigation():
        admin.click("form.filters button[type=submit]")
    settle(admin)
    figures = _headline(admin)
    assert "18/12/2025 – 15/02/2026" in admin.inner_text("main")
    assert int(figures["Tình nguyện viên tham gia"]) > 0, figures  # figures shown, not zeros
    assert re.match(r"^[1-9]", figures["Số giờ tham gia"]), figures
    check_page(admin)

    # Without JavaScript the server does the same with the dates the form still carries.
    plain = browser.new_context(viewport=VIEWPORTS[viewport], java_script_enabled=False,
                                storage_state=admin.context.storage_state())
    try:
        page = plain.new_page()
        page.goto(f"{base}/reports/")
        before = page.input_value("#start")
        page.select_option("#campaign", label=LAST_SEASON)
        assert page.input_value("#start") == before  # nothing changes until the form is sent
        with page.expect_navigation():
            page.click("form.filters button[type=submit]")
        assert (page.input_value("#start"), page.input_value("#end")) == ("18/12/2025", "15/02/2026")
        assert int(_headline(page)["Tình nguyện viên tham gia"]) > 0
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1]
    finally:
        plain.close()
