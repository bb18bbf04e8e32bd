"""A student signs up, confirms the email from the outbox, joins the campaign and reads a module;
a trainer marks the training complete; the student books a shift, sees it in "My shifts" without
a reload, cancels it, and joins the waitlist of a full shift. Every page visited is checked with
axe-core and in both languages."""
import uuid

from e2e.conftest import check_accessibility, check_page, log_in, no_reload, read_database

CAMPAIGN = "thanh-nien-dong-hanh-2026"


def _last_mail(server, to: str) -> str:
    ((body,),) = read_database(server, "SELECT body_text FROM outbox_messages WHERE to_email = :to "
                                       "ORDER BY id DESC LIMIT 1", to=to)
    return body


def test_sign_up_train_book_cancel_and_wait(server, pages, viewport):
    base = server["url"]
    email = f"sv-{uuid.uuid4().hex[:8]}@example.org"
    student = pages()
    student.on("dialog", lambda dialog: dialog.accept())
    student.goto(f"{base}/signup")
    check_page(student)
    student.fill("#full_name", "Hoàng Thị Mai")
    student.fill("#email", email)
    student.fill("#phone", "0912000111")
    student.fill("#school", "Trường Đại học Luật Hà Nội")
    student.fill("#student_code", f"LHN{uuid.uuid4().hex[:6]}")
    student.fill("#chapter", "Đoàn trường Đại học Luật Hà Nội")
    student.fill("#password", "một mật khẩu đủ dài 2026")
    student.click("main button[type=submit]")  # consent not given: refused, the rest kept
    student.wait_for_selector(".error-summary")
    assert student.input_value("#email") == email
    student.fill("#password", "một mật khẩu đủ dài 2026")
    student.check("#consent")
    student.click("main button[type=submit]")
    student.wait_for_url("**/signup/check-email")
    check_page(student)
    link = next(word for word in _last_mail(server, email).split() if "/account/verify/" in word)
    student.goto(link)
    assert student.locator(".flash--success").count() == 1
    check_page(student)
    student.fill("#email", email)
    student.fill("#password", "một mật khẩu đủ dài 2026")
    student.click("main button[type=submit]")
    student.wait_for_url(lambda url: "/login" not in url)
    check_page(student)
    student.goto(f"{base}/campaigns/{CAMPAIGN}")
    check_page(student)
    student.click("form[action$='/join'] button")
    student.wait_for_url(f"**/training/{CAMPAIGN}")  # joined: straight to the training
    check_page(student)
    modules = student.locator("a[href*='/training/modules/']")
    module_ids = sorted({href.split("/modules/")[1].split("/")[0] for href in modules.evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")})
    assert len(module_ids) >= 2
    modules.first.click()
    student.wait_for_url("**/training/modules/**")
    check_page(student)
    student.click("form[action$='/read'] button")  # opening a module records nothing; the student says so
    student.locator(".module-read [role=status]").wait_for()
    check_page(student)

    trainer = pages()
    log_in(trainer, base, "trainer@example.org")
    for module_id in module_ids:  # the trainer finds the new student on each roster and signs them off
        trainer.goto(f"{base}/training/modules/{module_id}/roster?q={email}")
        row = trainer.locator("tbody tr", has_text="Hoàng Thị Mai")
        assert row.count() == 1 and trainer.locator("tbody tr").count() == 1
        with no_reload(trainer):
            row.locator("button[form^='complete-']").click()
            row.locator(".tag:has-text('Đã hoàn thành')").wait_for()
        check_accessibility(trainer)
    check_page(trainer)
    student.goto(f"{base}/training/{CAMPAIGN}")
    assert student.locator(".tag:has-text('Đã hoàn thành')").count() >= len(module_ids)

    student.goto(f"{base}/shifts/")
    check_page(student)
    card = student.locator("article.shift-card:has(button:has-text('Đăng ký ca trực'))").last  # days ahead: cancellable
    card_id = card.get_attribute("id")
    point = card.locator(".shift-card__place strong").inner_text()
    with no_reload(student):
        card.locator("button").click()
        student.wait_for_selector(f"#{card_id} button:has-text('Huỷ đăng ký')")
        # "My shifts" beside the list picks the booking up from the booking-changed event.
        student.wait_for_function("([p]) => document.querySelector('#my-shifts')?.innerText.includes(p)", arg=[point])
        check_accessibility(student)
        student.locator(f"#{card_id} button").click()  # cancel (the confirmation is accepted)
        student.wait_for_selector(f"#{card_id} button:has-text('Đăng ký ca trực')")
        student.wait_for_function("([p]) => !document.querySelector('#my-shifts')?.innerText.includes(p)", arg=[point])
        full = f"#shift-{server['ids']['full_shift']}-booking"
        assert student.locator(f"{full} .tag--closed").inner_text() == "Đã đủ chỗ"
        student.locator(f"{full} button:has-text('Đăng ký vào danh sách chờ')").click()
        student.wait_for_selector(f"{full} .tag--pending:has-text('Danh sách chờ: vị trí số 1')")
        student.wait_for_function("() => document.querySelector('#my-shifts')?.innerText.includes('Vị trí số 1')")
        check_accessibility(student)
    student.goto(f"{base}/shifts/mine")
    assert "Đang trong danh sách chờ" in student.inner_text("#my-shifts")
    check_page(student)
    assert student.console_errors == [] and trainer.console_errors == []
