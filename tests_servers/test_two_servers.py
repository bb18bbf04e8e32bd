"""Two app servers and two job workers on one PostgreSQL and one Redis behave as one portal:
a session and its end are seen by both, login attempts are counted once, a booking rush alternating
between them neither overbooks nor loses a booking, and a periodic duty is done once per period."""
import asyncio
import subprocess
import sys
import time
from urllib.parse import urlencode

from sqlalchemy import create_engine, text

from bench.booking_rush import Student, http, stored_bookings, timed
from tests_servers.cluster import (
    CSRF_FIELD,
    ORGANISERS,
    ROOT,
    SEATS,
    SHIFTS,
    STUDENTS,
    address,
    login,
    student_email,
)


def query(cluster, sql: str):
    """All rows of one statement on the cluster's database."""
    engine = create_engine(cluster.url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).all()
    finally:
        engine.dispose()


def test_a_session_made_on_one_server_is_valid_on_the_other(cluster):
    a, b = cluster.ports
    student, ip = Student(student_email(STUDENTS)), "192.0.2.10"
    asyncio.run(login(student, a, ip))
    status, page = asyncio.run(student.request(b, "GET", "/shifts/mine", headers={"X-Forwarded-For": ip}))
    assert status == 200 and b'action="/logout"' in page  # B knows who this is: it offers to log out


def test_logging_out_on_one_server_ends_the_session_on_both(cluster):
    a, b = cluster.ports
    student, ip = Student(student_email(STUDENTS + 1)), "192.0.2.11"
    asyncio.run(login(student, a, ip))
    copied = dict(student.cookies)  # what a thief, or the browser's other tab, still holds
    assert asyncio.run(http(b, "GET", "/shifts/mine", copied, headers={"X-Forwarded-For": ip}))[0] == 200
    status, _ = asyncio.run(student.request(a, "POST", "/logout", headers={"X-CSRFToken": student.token,
                                                                           "X-Forwarded-For": ip}))
    assert status == 303
    for port in (b, a):
        status, _, body = asyncio.run(http(port, "GET", "/shifts/mine", copied, headers={"X-Forwarded-For": ip}))
        assert status == 302 and b"/login" in body, (port, status)


def test_login_attempts_are_counted_once_across_both_servers(cluster):
    """Five wrong passwords allowed a minute, alternating A, B, A, B, A: the sixth is refused by B and A alike
    (counted per server, B would have seen only its third)."""
    a, b = cluster.ports
    student, ip = Student(student_email(STUDENTS + 2)), "192.0.2.12"
    headers = {"X-Forwarded-For": ip}
    _, page = asyncio.run(student.request(a, "GET", "/login", headers=headers))
    form = urlencode({"csrf_token": CSRF_FIELD.search(page).group(1).decode(), "email": student.email,
                      "password": "not the password"})
    statuses = [asyncio.run(student.request(port, "POST", "/login", form, headers))[0]
                for port in (a, b, a, b, a, b, a)]
    assert statuses == [422] * 5 + [429, 429], cluster.tail()


def test_a_booking_rush_alternating_between_servers_overbooks_nothing_and_loses_nothing(cluster):
    """200 students, each signed in on one server and booking on the other, 50 requests in flight, for 20 seats."""
    students = [Student(student_email(i)) for i in range(STUDENTS)]
    timed([lambda i=i: login(students[i], cluster.ports[i % 2], address(i)) for i in range(STUDENTS)], in_flight=32)

    async def attempt(i):
        student = students[i]
        status, _ = await student.request(
            cluster.ports[(i + 1) % 2], "POST", f"/shifts/{cluster.shift_ids[i % SHIFTS]}/book",
            headers={"X-CSRFToken": student.token, "HX-Request": "true", "X-Forwarded-For": address(i)})
        return i, status

    results, latencies, seconds, _ = timed([lambda i=i: attempt(i) for i in range(STUDENTS)], in_flight=50)
    unexpected = [status for _, status in results if status not in (200, 422)]
    assert not unexpected, (unexpected, cluster.tail())
    accepted = {student_email(i) for i, status in results if status == 200}
    stored, overbooked = stored_bookings(cluster.url)
    assert overbooked == 0
    assert stored == accepted  # none lost, none stored that was answered "full"
    assert len(accepted) == SHIFTS * SEATS  # and no seat left empty while students were refused
    print(f"two-server rush: {STUDENTS} requests in {seconds:.2f} s, p99 {sorted(latencies)[-2] * 1000:.0f} ms")


def test_a_periodic_duty_is_done_once_however_many_processes_queue_it(cluster):
    """Two processes each queue last week's report mailing twice; the two workers (two threads each) run all
    four at once: one claims the week, the other three find it done."""
    script = ("import wsgi\nfrom portal.reports.tasks import weekly_reports\n"
              "weekly_reports()\nweekly_reports()\n")
    queuers = [subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=cluster.env) for _ in range(2)]
    assert [q.wait(timeout=60) for q in queuers] == [0, 0]
    deadline, runs = time.monotonic() + 60, []
    while time.monotonic() < deadline:
        runs = query(cluster, "SELECT status FROM job_runs WHERE name LIKE '%.weekly_reports'")
        if len(runs) == 4 and all(status in ("done", "failed") for status, in runs):
            break
        time.sleep(0.2)
    assert sorted(runs) == [("done",)] * 4, (runs, cluster.tail())
    assert len(query(cluster, "SELECT period FROM job_periods WHERE name = 'reports.week'")) == 1
    mailed = query(cluster, "SELECT to_email FROM outbox_messages WHERE kind = 'report' ORDER BY to_email")
    assert mailed == [(f"organiser{i}@example.org",) for i in range(ORGANISERS)]
