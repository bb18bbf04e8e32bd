"""Notices in the browser: the unread badge in the header, the inbox (opening one marks it read, "mark all
as read" empties the badge in place), the choices page, and the service worker that covers the site."""
from datetime import datetime, timedelta, timezone

import sqlalchemy

from e2e.conftest import check_accessibility, check_no_sideways_scroll, log_in, no_reload, settle


def _add_notices(server, email: str, count: int) -> None:
    """Notices for one person, straight into the server's database (as notify() leaves them)."""
    engine = sqlalchemy.create_engine(server["env"]["DATABASE_URL"])
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    try:
        with engine.begin() as connection:
            user_id = connection.execute(sqlalchemy.text("SELECT id FROM users WHERE email = :e"),
                                         {"e": email}).scalar()
            for n in range(count):
                connection.execute(sqlalchemy.text(
                    "INSERT INTO notifications (user_id, key, kind, subject, body, link, created_at) "
                    "VALUES (:u, :k, 'e2e', :s, :b, :l, :t)"),
                    {"u": user_id, "k": f"e2e:{server['viewport']}:{n}", "s": f"Nhắc ca trực số {n + 1}",
                     "b": "Ca trực của bạn bắt đầu lúc 7:30 sáng mai.", "l": f"{server['url']}/shifts/mine",
                     "t": now - timedelta(minutes=10 * (count - n))})
    finally:
        engine.dispose()


def test_the_badge_counts_unread_notices_and_the_inbox_clears_it(server, pages):
    base = server["url"]
    student = pages()
    _add_notices(server, "lan.nguyen@example.org", 3)
    log_in(student, base, "lan.nguyen@example.org")
    settle(student)
    badge = student.locator("#notices-badge")
    assert badge.locator(".tag").inner_text() == "3"
    with student.expect_navigation():
        badge.locator("a").click()
    settle(student)
    check_accessibility(student)
    check_no_sideways_scroll(student)
    assert student.locator("#notices-page-first li").count() == 3
    with student.expect_navigation():
        student.locator("#notices-page-first li").first.locator("button").click()
    assert student.url.endswith("/shifts/mine")  # the notice's own page, and it is read now
    settle(student)
    assert student.locator("#notices-badge .tag").inner_text() == "2"
    student.goto(f"{base}/notices")
    settle(student)
    with no_reload(student):
        student.locator("form[action$='/notices/read-all'] button").click()
        student.wait_for_function("() => !document.querySelector('#notices-badge .tag')")  # the event refreshed it
        settle(student)
    assert student.locator("#notices-page-first .tag").count() == 0


def test_the_choices_page_and_the_service_worker(server, pages):
    base = server["url"]
    student = pages()
    log_in(student, base, "student@example.org")
    student.goto(f"{base}/profile")
    with student.expect_navigation():
        student.locator("a[href$='/account/notifications']").click()
    settle(student)
    check_accessibility(student)
    check_no_sideways_scroll(student)
    assert student.locator("#push-devices").is_visible()
    # The service worker registers for the whole site (the manifest's start_url is "/").
    scope = student.evaluate("""async () => {
        const reg = await navigator.serviceWorker.getRegistration('/');
        return reg ? reg.scope : (await navigator.serviceWorker.register('/sw.js', {scope: '/'})).scope;
    }""")
    assert scope == f"{base}/"
    manifest = student.evaluate("async () => (await fetch(document.querySelector('link[rel=manifest]').href)).json()")
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
