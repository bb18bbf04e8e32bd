"""An organiser issues certificates, a student downloads theirs, a visitor checks it, the
organiser revokes it, and the page says so; axe-core runs on every page visited."""
import re

from e2e.conftest import check_accessibility, log_in


# Each viewport walks the journey with its own student (revoking is for good).
STUDENTS = {"phone": ("student@example.org", "Nguyễn Văn An"), "desktop": ("lan.nguyen@example.org", "Nguyễn Thị Lan")}


def test_issue_download_verify_and_revoke(server, pages, viewport, tmp_path):
    base = server["url"]
    email, name = STUDENTS[viewport]
    admin = pages()
    log_in(admin, base, "admin@example.org")
    admin.goto(f"{base}/admin/campaigns/thanh-nien-dong-hanh-2025/certificates")
    check_accessibility(admin)
    if admin.locator("#certificate-issue button[type=submit]").count():
        admin.click("#certificate-issue button[type=submit]")
        admin.wait_for_selector(".panel-success, .flash--success")

    student = pages()
    log_in(student, base, email)
    student.goto(f"{base}/me/certificates")
    check_accessibility(student)
    with student.expect_download() as download:
        student.locator("a[href$='.pdf']").first.click()
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    link = student.locator("a[href*='/verify/']").first.get_attribute("href")
    code = re.search(r"/verify/([0-9A-Z]{16})", link).group(1)

    visitor = pages()
    visitor.goto(link)
    visitor.wait_for_selector(".flash--success")  # the token from the QR code shows the full name
    assert visitor.locator(".verdict--valid").count() == 1
    assert name in visitor.inner_text("#certificate-holder")
    check_accessibility(visitor)

    admin.goto(f"{base}/admin/certificates/{code}")
    admin.fill("#revoke-reason", "Cấp nhầm, kiểm thử trình duyệt")
    admin.click("form[action$='/revoke'] button[type=submit]")
    admin.wait_for_selector(".flash--success")
    visitor.goto(f"{base}/verify/{code}")
    assert visitor.locator(".verdict--revoked").count() == 1
    assert "Cấp nhầm, kiểm thử trình duyệt" in visitor.inner_text(".verdict")
    for page in (admin, student, visitor):
        assert page.console_errors == []
