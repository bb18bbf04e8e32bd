"""A team leader posts on their point's board; a student booked there reads the post and marks it seen
(the button turns into "seen" in place); the leader then finds the student among those who read it."""
from e2e.conftest import check_accessibility, check_no_sideways_scroll, log_in, no_reload, read_database

BODY = "Sáng mai điểm mở cửa lúc 7:00, các bạn vào bằng cửa bên hông."


def test_leader_posts_student_reads_leader_sees_who_read(server, pages):
    base, ids = server["url"], server["ids"]
    board = f"{base}/points/{ids['leader_point']}/board"
    leader = pages()
    log_in(leader, base, "leader@example.org")
    leader.goto(f"{base}/operations/today")
    leader.locator(f"a[href='/points/{ids['leader_point']}/board']").first.click()
    leader.wait_for_url(board)
    form = leader.locator("#board-post-form")
    if form.get_attribute("open") is None:
        form.locator("summary").click()
    leader.fill("#body", BODY)
    leader.fill("#link", "https://dichvucong.gov.vn")
    with leader.expect_navigation():
        form.locator("button[type=submit]").click()
    leader.wait_for_selector(".flash--success")
    (post_id,) = read_database(server, "SELECT id FROM team_posts WHERE body = :b", b=BODY)[0]
    post = leader.locator(f"#post-{post_id}")
    assert BODY in post.inner_text()
    check_accessibility(leader)
    check_no_sideways_scroll(leader)

    student = pages()
    log_in(student, base, "student@example.org")
    student.goto(board)
    seen = student.locator(f"#post-{post_id}-seen")
    assert BODY in student.locator(f"#post-{post_id}").inner_text()
    check_accessibility(student)
    check_no_sideways_scroll(student)
    with no_reload(student):  # the button swaps to "seen" in place
        seen.locator("button").click()
        student.locator(f"#post-{post_id}-seen .tag--open").wait_for()
    assert student.locator(f"#post-{post_id}-seen form").count() == 0
    assert read_database(server, "SELECT count(*) FROM team_post_seen WHERE post_id = :p", p=post_id)[0][0] == 1
    assert student.console_errors == []

    leader.reload()
    readers = leader.locator(f"#post-{post_id} details")
    readers.locator("summary").click()
    seen_line, unseen_line = readers.locator("p").nth(0).inner_text(), readers.locator("p").nth(1).inner_text()
    assert "Nguyễn Văn An" in seen_line and "Nguyễn Văn An" not in unseen_line
    assert "Trần Đức Minh" in unseen_line  # booked on the same shift, has not read it yet
    assert leader.console_errors == []
