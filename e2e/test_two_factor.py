"""An organiser without two-factor sign-in logs in, is sent to enrol, reads the key from the page,
confirms it with a code computed here (pyotp), keeps the recovery codes, logs out and signs in again
with a fresh code. The new pages are checked with axe-core and in both languages."""
import re

import pyotp

from e2e.conftest import check_accessibility, check_page, enter_code, settle, totp_now
from e2e.scenario import NEW_ORGANISER
from portal.seed import DEMO_PASSWORD


def test_organiser_enrols_and_signs_in_with_a_code(server, pages):
    base = server["url"]
    page = pages()
    page.goto(f"{base}/login")
    page.fill("#email", NEW_ORGANISER)
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/account/two-factor/setup")  # no code asked: not enrolled yet
    page.goto(f"{base}/admin/people")
    page.wait_for_url("**/account/two-factor/setup")  # no admin page before enrolment
    check_page(page)

    with page.expect_navigation():
        page.click("main form button[type=submit]")  # start the set-up
    settle(page)
    assert page.locator(".qr svg").count() == 1
    check_page(page)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret

    page.fill("#code", "000000")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator(".error-summary").count() == 1  # a wrong code is refused with a message
    page.fill("#code", totp_now(base, NEW_ORGANISER, secret))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", c) for c in codes)
    check_accessibility(page)

    page.goto(f"{base}/admin/people")
    assert "/admin/people" in page.url  # enrolled: the admin pages open
    assert secret not in page.content()
    if page.locator("#nav-toggle").is_visible():  # on a phone "Đăng xuất" is behind the menu button
        page.click("#nav-toggle")
    with page.expect_navigation():
        page.locator("form[action$='/logout'] button").first.click()

    page.goto(f"{base}/login")
    page.fill("#email", NEW_ORGANISER)
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/login/code")
    check_page(page)
    enter_code(page, base, NEW_ORGANISER, secret)
    page.goto(f"{base}/admin/people")
    assert "/admin/people" in page.url and page.locator("h1").count() == 1
    assert pyotp.TOTP(secret).now()  # the secret read from the page is a working key
