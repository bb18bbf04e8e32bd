"""A team leader runs today's shift at their point: checks the two volunteers in (one tap each, no
reload), records the shift's activity log and confirms it, and records a citizen's feedback and
marks it forwarded. Every page visited is checked with axe-core and in both languages."""
from e2e.conftest import check_accessibility, check_page, log_in, no_reload, read_database


def test_check_in_log_and_feedback(server, pages):
    base, ids = server["url"], server["ids"]
    leader = pages()
    leader.on("dialog", lambda dialog: dialog.accept())
    log_in(leader, base, "leader@example.org")
    leader.goto(f"{base}/operations/today")
    check_page(leader)
    shift = leader.locator("section.today-shift", has=leader.locator(f"a[href$='/shifts/{ids['running_shift']}/log']"))
    assert shift.locator(".attendance-row").count() == 2
    with no_reload(leader):  # one tap per volunteer, the row updating in place
        for name in ("Nguyễn Văn An", "Trần Đức Minh"):
            row = shift.locator(".attendance-row", has_text=name)
            row.locator("button:has-text('Điểm danh vào')").click()
            row.locator(".tag--open:has-text('Có mặt từ')").wait_for()
    assert shift.locator(".tag--draft").count() == 0  # nobody left "expected"
    check_accessibility(leader)

    shift.locator(f"a[href$='/shifts/{ids['running_shift']}/log']").click()
    leader.wait_for_url(f"**/operations/shifts/{ids['running_shift']}/log")
    check_page(leader)
    leader.locator("input[id^='count-']").first.fill("abc")
    with leader.expect_navigation():  # a plain form: wait for the answer's page, not the one it replaces
        leader.click("button[name=confirm][value='1']")
    leader.wait_for_selector(".error-summary")
    assert read_database(server, "SELECT id FROM activity_logs WHERE shift_id = :s", s=ids["running_shift"]) == []
    counts = leader.locator("input[id^='count-']")
    counts.nth(0).fill("12")
    counts.nth(1).fill("7")
    leader.fill("#elderly", "4")
    leader.fill("#notes", "Buổi sáng đông người làm thủ tục cấp đổi giấy phép lái xe.")
    assert counts.nth(0).input_value() == "12"
    with leader.expect_navigation():
        leader.click("button[name=confirm][value='1']")
    leader.wait_for_selector(".flash--success")
    assert leader.input_value("input[id^='count-'] >> nth=0") == "12" and leader.input_value("#elderly") == "4"
    assert leader.locator("p.flash--success:has-text('Tổ trưởng đã xác nhận')").count() == 1  # confirmed by the leader
    check_page(leader)

    leader.goto(f"{base}/operations/points/{ids['leader_point']}/feedback")
    check_page(leader)
    leader.select_option("#category", "waiting")
    leader.fill("#text", "Gọi 0912345678 để hẹn lại")  # a phone number: refused
    leader.click("main form.card button[type=submit]")
    leader.wait_for_selector(".error-summary")
    assert read_database(server, "SELECT id FROM citizen_feedback WHERE point_id = :p AND text LIKE :t",
                         p=ids["leader_point"], t="%0912345678%") == []
    leader.fill("#text", "Người dân phản ánh phải chờ lâu ở quầy cấp căn cước vào giờ cao điểm buổi sáng.")
    leader.click("main form.card button[type=submit]")
    leader.wait_for_selector(".flash--success")
    item = leader.locator("article.feedback-item", has_text="chờ lâu ở quầy cấp căn cước")
    assert item.locator(".tag").inner_text() == "Mới"
    item.locator("button[value=forwarded]").click()
    leader.locator("article.feedback-item", has_text="Phạm Thu Hà").wait_for()
    assert leader.locator("article.feedback-item .tag").first.inner_text() == "Đã chuyển xử lý"
    check_page(leader)
    assert leader.console_errors == []
