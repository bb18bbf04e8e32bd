"""A new student on a phone (360 px) follows the home page's task list: join the campaign, read the
modules (the quiz included), wait for the trainer, who confirms them and the student is told by email;
then book the first shift from the finder, open the shift's own page (address, map, calendar, cancel)
and find the same page linked from the booking's email. Home then shows the next shift."""
import re

import pytest

from e2e.conftest import check_page, log_in, read_database, settle
from e2e.scenario import NEW_STUDENT

CAMPAIGN = "thanh-nien-dong-hanh-2026"
QUIZ_ANSWERS = ("Chính người dân", "Không được")  # the demo quiz's right answers (portal/seed_training.py)


def _states(page) -> list[str]:
    """The task list's step states, read from the items' modifier classes (done, todo, waiting, blocked)."""
    classes = page.locator("#home-student .task-list__item").evaluate_all("items => items.map(i => i.className)")
    return [re.search(r"task-list__item--(\w+)", c).group(1) for c in classes]


def _mails(server, kind: str) -> list[str]:
    rows = read_database(server, "SELECT body_text FROM outbox_messages WHERE to_email = :to AND kind = :kind "
                                 "ORDER BY id", to=NEW_STUDENT, kind=kind)
    return [body for (body,) in rows]


def _go_home(page, base: str) -> None:
    page.goto(f"{base}/")
    settle(page)


@pytest.mark.phone_only
def test_a_new_student_follows_the_task_list_to_the_first_booked_shift(server, pages):
    base = server["url"]
    student = pages()
    log_in(student, base, NEW_STUDENT)
    _go_home(student, base)
    check_page(student)
    assert _states(student) == ["todo", "blocked", "blocked", "blocked"]

    # 1. Join: the home page's one action leads to the campaigns; the student joins this season's.
    with student.expect_navigation():
        student.click("#home-student .home-action a")
    if f"/campaigns/{CAMPAIGN}" not in student.url:  # several campaigns are open: choose this season's
        with student.expect_navigation():
            student.click(f"main a[href$='/campaigns/{CAMPAIGN}']")
    with student.expect_navigation():
        student.click("form[action$='/join'] button")
    _go_home(student, base)
    assert _states(student) == ["done", "todo", "blocked", "blocked"]

    # 2. Read every module (and pass the quiz where there is one), from the step's own link.
    with student.expect_navigation():
        student.click("#home-student .home-action a")
    hrefs = sorted(set(student.locator("a[href*='/training/modules/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")))
    assert len(hrefs) >= 2
    for href in hrefs:
        student.goto(f"{base}{href}" if href.startswith("/") else href)
        student.click("form[action$='/read'] button")  # "I have read this module": opening it records nothing
        student.locator(".module-read [role=status]").wait_for()
        if student.locator("form[action$='/quiz']").count():
            for answer in QUIZ_ANSWERS:
                student.check(f"label:text-is('{answer}')")
            with student.expect_navigation():
                student.click("form[action$='/quiz'] button[type=submit]")
            assert student.locator(".flash--success").count() == 1
    _go_home(student, base)
    assert _states(student) == ["done", "done", "waiting", "blocked"]
    check_page(student)

    # 3. The trainer confirms each module; the student is told by email that they can book.
    trainer = pages()
    log_in(trainer, base, "trainer@example.org")
    module_ids = [href.split("/modules/")[1].split("/")[0] for href in hrefs]
    for module_id in module_ids:
        trainer.goto(f"{base}/training/modules/{module_id}/roster?q={NEW_STUDENT}")
        row = trainer.locator("tbody tr", has_text="Vũ Thị Mới")
        row.locator("button[form^='complete-']").click()
        row.locator(".tag:has-text('Đã hoàn thành')").wait_for()
    confirmed = _mails(server, "training-confirmed")
    assert confirmed and f"{base}/shifts/" in confirmed[-1]  # the last one says they can book, with the finder

    _go_home(student, base)
    assert _states(student) == ["done", "done", "done", "todo"]

    # 4. The first shift: from the home page to the finder, book one, open its own page.
    with student.expect_navigation():
        student.click("#home-student .home-action a:has-text('Đăng ký ca trực đầu tiên')")
    settle(student)
    card = student.locator("article.shift-card:has(button:has-text('Đăng ký ca trực này'))").last  # days ahead
    card_id = card.get_attribute("id")
    shift_id = card_id.split("-")[1]
    card.locator("button").click()
    student.wait_for_selector(f"#{card_id} button:has-text('Huỷ đăng ký')")
    with student.expect_navigation():
        student.click(f"#{card_id} .shift-card__place a[href$='/shifts/{shift_id}']")
    settle(student)
    check_page(student)
    page_text = student.inner_text("#shift-page")
    assert "Bạn đã đăng ký ca trực này" in page_text
    assert student.locator("#shift-page a:has-text('Mở bản đồ')").get_attribute("href").startswith("https://")
    assert student.locator(f"#shift-page a[href$='/shifts/{shift_id}.ics']").count() == 1
    assert student.locator("#shift-page details.confirm-cancel summary").count() == 1

    # The booking's email carries the same page's address; opening it shows the same shift.
    (booked,) = _mails(server, "shift-booked")
    link = next(word for word in booked.split() if re.search(rf"/shifts/{shift_id}$", word))
    student.goto(link)
    assert student.inner_text("#shift-page") == page_text

    # Home is now a status page: the next shift, with a link to its page.
    _go_home(student, base)
    assert student.locator("#home-student .task-list").count() == 0
    assert student.locator(f"#home-student a[href$='/shifts/{shift_id}']").count() >= 1
    check_page(student)
    assert student.console_errors == [] and trainer.console_errors == []
