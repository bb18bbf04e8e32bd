"""Self check-in by the point's rotating code, and the student's hours ledger."""
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from portal.campaigns.models import PointLeader
from portal.core import clock
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.operations import checkin
from portal.operations import services as operations
from portal.operations.models import Attendance
from portal.shifts.models import Booking
from tests.factories import enrol
from tests.operations.scenario import PointShift


@pytest.fixture
def world(make_user, make_campaign, make_point, make_shift):
    campaign = make_campaign()
    point, elsewhere = make_point(), make_point()
    student = make_user()
    enrol(campaign, student)
    shift = make_shift(campaign, point, starts_in=timedelta(minutes=20), hours=3)
    booking = Booking(shift_id=shift.id, user_id=student.id)
    db.session.add(booking)
    shift.booked_count = 1
    db.session.commit()
    return PointShift(campaign=campaign, point=point, elsewhere=elsewhere, student=student, shift=shift,
                      booking=booking)


def test_a_booked_student_checks_in_with_todays_code(world):
    point, student = world.point, world.student
    checkin.self_check_in(student, point.id, checkin.current_code(point.id))
    record = db.session.scalar(select(Attendance))
    assert (record.status, record.check_in_method) == ("present", "self")


@pytest.mark.parametrize("case", ["expired", "other_point", "garbage"])
def test_codes_expired_or_from_another_point_are_refused(world, case):
    point, elsewhere, student = world.point, world.elsewhere, world.student
    code = {"expired": checkin.current_code(point.id, clock.now() - timedelta(minutes=11)),
            "other_point": checkin.current_code(elsewhere.id),
            "garbage": "AAAAAAAAAAAAAAAA"}[case]
    with pytest.raises(InvalidInput) as caught:
        checkin.self_check_in(student, point.id, code)
    assert "hết hạn" in str(caught.value.message)
    assert db.session.scalar(select(Attendance)) is None


def test_the_code_changes_every_few_minutes_and_the_previous_one_still_works(world, monkeypatch):
    point = world.point
    start = clock.now()
    now = start.replace(second=0, microsecond=0) - timedelta(minutes=start.minute % 5)  # a window's first second
    shown = checkin.current_code(point.id, now)
    assert checkin.current_code(point.id, now + timedelta(minutes=4, seconds=59)) == shown
    assert checkin.current_code(point.id, now + timedelta(minutes=5)) != shown
    assert checkin.seconds_left(now + timedelta(minutes=1)) == 240
    # A student who scanned just before the change can still confirm; ten minutes later the code is dead.
    assert checkin.code_is_fresh(point.id, shown, now + timedelta(minutes=9, seconds=59))
    assert not checkin.code_is_fresh(point.id, shown, now + timedelta(minutes=10))


def test_not_booked_here_or_not_now_is_refused(world, make_user):
    point, student, shift = world.point, world.student, world.shift
    stranger = make_user()
    with pytest.raises(InvalidInput):
        checkin.self_check_in(stranger, point.id, checkin.current_code(point.id))
    shift.starts_at = clock.now() + timedelta(hours=3)
    shift.ends_at = shift.starts_at + timedelta(hours=2)
    db.session.commit()
    with pytest.raises(InvalidInput):
        checkin.self_check_in(student, point.id, checkin.current_code(point.id))


def test_the_check_in_page_needs_a_post_and_reports_errors(client, auth, world):
    point, elsewhere, student = world.point, world.elsewhere, world.student
    auth.as_(student)
    url = f"/operations/checkin/{point.id}/{checkin.current_code(point.id)}"
    assert client.get(url).status_code == 200
    assert db.session.scalar(select(Attendance)) is None  # opening the link changes nothing
    assert client.post(url).status_code == 303
    assert db.session.scalar(select(Attendance)).check_in_method == "self"
    wrong = client.post(f"/operations/checkin/{elsewhere.id}/{checkin.current_code(point.id)}")
    assert wrong.status_code == 422


def test_the_qr_page_is_for_the_points_leader(client, auth, world, make_user):
    point, elsewhere = world.point, world.elsewhere
    leader = make_user(role="leader")
    db.session.add(PointLeader(point_id=point.id, user_id=leader.id))
    db.session.commit()
    auth.as_(leader)
    with time_machine.travel(clock.now(), tick=False):  # the page and the check read the same code window
        page = client.get(f"/operations/points/{point.id}/qr").get_data(as_text=True)
        assert checkin.qr_svg(checkin.checkin_url(point.id)) in page  # the QR code of the current code
    assert 'hx-trigger="load delay:' in page  # the screen fetches the next code when this one changes
    fragment = client.get(f"/operations/points/{point.id}/qr", headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).lstrip().startswith("<div id=\"checkin-qr\"")
    assert client.get(f"/operations/points/{elsewhere.id}/qr").status_code == 403


def test_ledger_counts_minutes_attended_shifts_and_no_shows(client, auth, world, make_shift):
    campaign, point, student = world.campaign, world.point, world.student
    past = make_shift(campaign, point, starts_in=timedelta(days=-2), hours=4)
    missed = make_shift(campaign, point, starts_in=timedelta(days=-1), hours=4)
    for s in (past, missed):
        db.session.add(Booking(shift_id=s.id, user_id=student.id))
    db.session.commit()
    served = db.session.scalar(select(Booking).where(Booking.shift_id == past.id))
    no_show = db.session.scalar(select(Booking).where(Booking.shift_id == missed.id))
    db.session.add(Attendance(booking_id=served.id, status="present", checked_in_at=past.starts_at,
                              checked_out_at=past.starts_at + timedelta(hours=3)))
    db.session.add(Attendance(booking_id=no_show.id, status="no_show"))
    db.session.commit()
    ledger = operations.ledger(student)
    assert (ledger["minutes"], ledger["attended"], ledger["no_shows"]) == (180, 1, 1)
    auth.as_(student)
    page = client.get("/operations/my-hours").get_data(as_text=True)
    assert "<dd>3</dd>" in page and "180" in page  # hours in the reader's number format
