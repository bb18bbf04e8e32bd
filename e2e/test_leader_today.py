"""The leader's day at a busy counter, on a phone (360 px): a double tap on "check in" leaves the
volunteer checked in (and offers an undo, not a check-out), a volunteer who just arrived is added and
checked in after the start, and the activity log is kept as a tally (+1 taps, the server's total
shown) and confirmed at the end. Its own shift and people are added to the journeys' database first
(`python -m e2e.test_leader_today OUT.json`), so the other journeys' data does not matter."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import pytest

from e2e.conftest import ROOT, check_accessibility, check_page, log_in, no_reload, read_database

BOOKED, WALK_IN = "Hoàng Minh Tuấn", "Vũ Thu Trang"


@pytest.fixture
def today_shift(server, tmp_path):
    """A shift at the demo leader's point that began 20 minutes ago, with Tuấn booked, and Trang (trained,
    enrolled, no booking) ready to walk in."""
    out = tmp_path / "today.json"
    done = subprocess.run([sys.executable, "-m", "e2e.test_leader_today", str(out)], cwd=ROOT, env=server["env"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(out.read_text())


@pytest.mark.phone_only
def test_double_tap_walk_in_and_tally(server, pages, today_shift):
    base, shift_id = server["url"], today_shift["shift"]
    leader = pages()
    log_in(leader, base, "leader@example.org")
    leader.goto(f"{base}/operations/today")
    section = leader.locator(f"#shift-{shift_id}")
    row = section.locator(".attendance-row", has_text=BOOKED)
    with no_reload(leader):
        row.locator("button:has-text('Điểm danh vào')").dblclick()
        row.locator(".undo-notice", has_text=BOOKED).wait_for()
        leader.wait_for_timeout(500)  # let a second request, if any, come back
    assert row.locator(".tag--open").count() == 1 and row.locator(".tag--role").count() == 0  # not checked out
    states = read_database(server, "SELECT a.checked_in_at, a.checked_out_at FROM attendance a JOIN bookings b "
                                   "ON b.id = a.booking_id WHERE b.shift_id = :s", s=shift_id)
    assert len(states) == 1 and states[0][0] is not None and states[0][1] is None
    check_accessibility(leader)

    section.locator("details.walk-in summary").click()
    section.locator(f"#walkin-{shift_id}").fill(today_shift["walk_in"])
    section.locator("details.walk-in button[type=submit]").click()
    leader.wait_for_selector(".flash--success")
    walked = leader.locator(f"#shift-{shift_id} .attendance-row", has_text=WALK_IN)
    assert walked.locator(".tag--open").count() == 1
    assert read_database(server, "SELECT COUNT(*) FROM bookings WHERE shift_id = :s AND status = 'booked'",
                         s=shift_id)[0][0] == 2
    check_page(leader)

    section = leader.locator(f"#shift-{shift_id}")
    section.locator(f"a[href$='/shifts/{shift_id}/tally']").click()
    leader.wait_for_url(f"**/operations/shifts/{shift_id}/tally")
    check_page(leader)
    first = leader.locator(".tally__row").first
    with no_reload(leader):
        # Quick taps, as a busy leader's thumb (or a slow network) makes them: three on the first +1 and one on
        # the second, all before the first answer is back, so three wait in the queue and the focus has moved on.
        leader.evaluate("""() => {
            const [one, two] = [...document.querySelectorAll('.tally__plus')];
            one.focus(); one.click(); one.click(); one.click();
            two.focus(); two.click();
        }""")
        leader.wait_for_function("() => document.querySelector('.tally__total').textContent.includes('4')")
        first.locator(".tally__minus").click()
        leader.wait_for_function("() => document.querySelector('.tally__total').textContent.includes('3')")
    assert first.locator(".tally__count").inner_text() == "2"
    rows = read_database(server, "SELECT SUM(c.count) FROM activity_counts c JOIN activity_logs l ON l.id = c.log_id "
                                 "WHERE l.shift_id = :s", s=shift_id)
    assert rows[0][0] == 3
    leader.locator(f"main a.button[href$='/shifts/{shift_id}/log']").click()
    leader.wait_for_url(f"**/operations/shifts/{shift_id}/log")
    assert leader.input_value("input[id^='count-'] >> nth=0") == "2"
    leader.click("button[name=confirm][value='1']")
    leader.wait_for_selector(".flash--success")
    assert read_database(server, "SELECT status FROM activity_logs WHERE shift_id = :s", s=shift_id) == [("confirmed",)]
    assert leader.console_errors == []


def prepare() -> dict:
    """Add the journey's shift and two students to the demo data (run inside the server's app)."""
    from sqlalchemy import select

    from portal.accounts.models import User, UserRole
    from portal.campaigns.models import Campaign, CampaignEnrolment, ServicePoint
    from portal.core import clock
    from portal.extensions import db
    from portal.shifts.models import Booking, Shift
    from portal.training.models import Completion

    season = db.session.scalar(select(Campaign).where(Campaign.slug == "thanh-nien-dong-hanh-2026"))
    point = db.session.scalar(select(ServicePoint).where(ServicePoint.name.contains("Gia Lâm")))
    trained = db.session.scalar(select(User).where(User.email == "student@example.org"))
    people = []
    for name, email, code in ((BOOKED, "tuan.hoang@example.org", "HVN2026101"),
                              (WALK_IN, "trang.vu@example.org", "HVN2026102")):
        person = User(email=email, full_name=name, phone="0987000222", school="Học viện Nông nghiệp Việt Nam",
                      student_code=code, email_verified_at=clock.now(), password_hash=trained.password_hash,
                      password_changed_at=clock.now())
        person.roles.append(UserRole(role="student"))
        db.session.add(person)
        db.session.flush()
        db.session.add(CampaignEnrolment(campaign_id=season.id, user_id=person.id))
        done_by_trained = select(Completion).where(Completion.user_id == trained.id, Completion.is_current)
        for done in db.session.scalars(done_by_trained):
            db.session.add(Completion(module_id=done.module_id, user_id=person.id, completed_at=done.completed_at,
                                      method="single"))
        people.append(person)
    start = clock.now().replace(second=0, microsecond=0) - timedelta(minutes=20)
    shift = Shift(campaign_id=season.id, point_id=point.id, starts_at=start, ends_at=start + timedelta(hours=2),
                  capacity=3, booked_count=1, task_focus="Hỗ trợ kích hoạt VNeID")
    db.session.add(shift)
    db.session.flush()
    db.session.add(Booking(shift_id=shift.id, user_id=people[0].id))
    db.session.commit()
    return {"shift": shift.id, "walk_in": people[1].student_code}


if __name__ == "__main__":
    from wsgi import app

    with app.app_context():
        ids = prepare()
    with open(sys.argv[1], "w") as out:
        json.dump(ids, out)
