"""A student downloads their data (the ZIP opens and holds the readable summary and the JSON), then
closes their account; an organiser records the student's call asking to be erased now, opens the
request from the queue and completes the erasure after its confirmation; the student's name is then
gone from the organiser's people list. The organiser also records a suspected breach and reads its
deadline and drafted notices. Every page visited is checked with axe-core and in both languages."""
import io
import json
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

from e2e.conftest import check_page, log_in, read_database
from e2e.scenario import LEAVING_STUDENT

NAME = "Phan Thị Riêng"


def test_download_close_and_erase_from_the_queue(server, pages, tmp_path):
    base = server["url"]
    student = pages()
    log_in(student, base, LEAVING_STUDENT)
    student.goto(f"{base}/me/data")
    check_page(student)
    student.click("#download form button[type=submit]")
    student.wait_for_url("**/me/data**")
    with student.expect_download() as download:
        student.click("#download a[download]")
    path = tmp_path / "my-data.zip"
    download.value.save_as(path)
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        names = archive.namelist()
        assert "summary.html" in names and "data.json" in names
        assert NAME in archive.read("summary.html").decode()
        assert json.loads(archive.read("data.json"))  # machine-readable and not empty
    student.fill("#close-account #password", "donghanh-demo-2025")
    student.check("#close-account #confirm")
    student.click("#close-account button[type=submit]")
    student.wait_for_selector(".flash--success")
    check_page(student)

    admin = pages()
    log_in(admin, base, "admin@example.org")
    admin.goto(f"{base}/admin/privacy/requests")
    check_page(admin)
    admin.click("main .page-head a.button")  # record a request from a letter or call
    admin.wait_for_url("**/admin/privacy/requests/new")
    check_page(admin)
    admin.select_option("#channel", "phone")
    admin.select_option("#kind", "erasure")
    admin.fill("#person", LEAVING_STUDENT)
    admin.fill("#details", "Gọi điện đề nghị xóa ngay, không chờ hết thời gian ân hạn.")
    admin.click("main form button[type=submit]")
    admin.wait_for_url("**/admin/privacy/requests/*")
    check_page(admin)

    admin.goto(f"{base}/admin/privacy/requests?kind=erasure")
    row = admin.locator("#request-list tr", has_text=NAME)
    row.locator("a").first.click()
    admin.wait_for_url("**/admin/privacy/requests/*")
    admin.click("#exports a.button--warning")  # erase this account…
    admin.wait_for_url("**/erase")
    check_page(admin)
    admin.click("main form button[type=submit]")  # without the confirmation: refused, nothing erased
    admin.wait_for_selector(".error-summary")
    assert read_database(server, "SELECT erased_at FROM users WHERE email = :e", e=LEAVING_STUDENT)[0][0] is None
    admin.check("#confirm")
    admin.click("main form button[type=submit]")
    admin.wait_for_selector(".flash--success")
    assert read_database(server, "SELECT status FROM data_requests WHERE kind = 'erasure'")[0][0] == "done"
    check_page(admin)
    assert read_database(server, "SELECT id FROM users WHERE full_name = :n", n=NAME) == []

    admin.goto(f"{base}/admin/people?q=Riêng")
    assert NAME not in admin.inner_text("#people-table")
    admin.goto(f"{base}/admin/people")
    assert NAME not in admin.inner_text("#people-table")


def test_breach_record_with_its_deadline_and_drafts(server, pages):
    base = server["url"]
    admin = pages()
    log_in(admin, base, "admin@example.org")
    admin.goto(f"{base}/admin/privacy/breaches")
    check_page(admin)
    admin.click("main .page-head a.button")
    admin.wait_for_url("**/breaches/new")
    check_page(admin)
    admin.fill("#detected_on", datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y"))
    admin.fill("#detected_time", "00:00")
    admin.fill("#summary", "Một máy tính của Ban tổ chức bị mất khi đang đăng nhập.")
    admin.check("input[name=kinds][value=views]")
    admin.click("main form button[type=submit]")
    admin.wait_for_url("**/breaches/*")
    assert admin.locator("textarea[readonly]").count() == 4  # authority and people, in Vietnamese and English
    check_page(admin)
