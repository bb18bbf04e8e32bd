"""Attendance at the point: check-in window, states, hours bounded by the shift, corrections."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.campaigns.models import PointLeader
from portal.core import clock
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.operations import services as operations
from portal.operations.models import Attendance
from portal.shifts.models import Booking
from tests.factories import enrol
from tests.operations.scenario import PointShift


@pytest.fixture
def world(make_user, make_campaign, make_point, make_shift):
    campaign = make_campaign()
    point = make_point()
    leader = make_user(role="leader")
    db.session.add(PointLeader(point_id=point.id, user_id=leader.id))
    student = make_user(full_name="Nguyễn Văn An", phone="0912345678")
    enrol(campaign, student)
    shift = make_shift(campaign, point, starts_in=timedelta(minutes=30), hours=4)
    booking = Booking(shift_id=shift.id, user_id=student.id)
    db.session.add(booking)
    shift.booked_count = 1
    db.session.commit()
    return PointShift(campaign=campaign, point=point, leader=leader, student=student, shift=shift, booking=booking)


def test_check_in_window_double_check_in_and_check_out_order(world):
    leader, shift, booking = world.leader, world.shift, world.booking
    with pytest.raises(InvalidInput):
        operations.check_in(leader, booking, at=shift.starts_at - timedelta(hours=2))
    with pytest.raises(InvalidInput):
        operations.check_out(leader, booking)  # before any check-in
    operations.check_in(leader, booking, at=shift.starts_at + timedelta(minutes=20))
    again = operations.check_in(leader, booking)  # a second tap: nothing changes, and it says so (no change kept)
    assert again.change is None and again.record.checked_in_at == shift.starts_at + timedelta(minutes=20)
    record = db.session.scalar(select(Attendance))
    assert record.status == "present" and operations.is_late(record, shift)
    with pytest.raises(InvalidInput):
        operations.mark_no_show(leader, booking)


def test_hours_are_bounded_by_the_shift_and_corrections_are_audited(world):
    leader, shift, booking = world.leader, world.shift, world.booking
    operations.check_in(leader, booking, at=shift.starts_at - timedelta(minutes=45))  # early: counts from the start
    # checked out late: the minutes count to the end of the shift
    record = operations.check_out(leader, booking, at=shift.ends_at + timedelta(hours=1)).record
    assert operations.minutes(record, shift) == 240
    with pytest.raises(InvalidInput):
        operations.adjust(leader, booking, 300, "Ở lại muộn")  # longer than the shift
    with pytest.raises(InvalidInput):
        operations.adjust(leader, booking, 200, "")  # no reason
    operations.adjust(leader, booking, 200, "Về sớm để thi")
    assert operations.minutes(db.session.get(Attendance, record.id), shift) == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "attendance.adjust"))
    assert (event.actor_id, event.before, event.after) == (leader.id, {"minutes": 240},
                                                           {"minutes": 200, "reason": "Về sớm để thi"})


def test_no_show_only_once_the_shift_started_and_nothing_for_closed_campaigns(world, make_shift):
    campaign, leader, shift, booking = world.campaign, world.leader, world.shift, world.booking
    with pytest.raises(InvalidInput):
        operations.mark_no_show(leader, booking)  # starts in 30 minutes
    shift.starts_at = clock.now() - timedelta(minutes=5)
    campaign.status = "closed"
    db.session.commit()
    with pytest.raises(InvalidInput):
        operations.mark_no_show(leader, booking)
    campaign.status = "open"
    db.session.commit()
    assert operations.mark_no_show(leader, booking).record.status == "no_show"


def test_today_console_is_a_one_tap_htmx_widget(client, auth, world):
    leader, shift, booking = world.leader, world.shift, world.booking
    shift.starts_at = clock.now() - timedelta(minutes=1)  # today, already started
    db.session.commit()
    auth.as_(leader)
    page = client.get("/operations/today").get_data(as_text=True)
    assert f'id="attendance-{booking.id}"' in page and "Nguyễn Văn An" in page
    response = client.post(f"/operations/bookings/{booking.id}/check_in", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and f'id="attendance-{booking.id}"' in body
    assert "HX-Request" in response.headers["Vary"] and "attendance-changed" in response.headers["HX-Trigger"]
    again = client.post(f"/operations/bookings/{booking.id}/check_in", headers={"HX-Request": "true"})
    assert again.status_code == 200 and 'role="status"' in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "attendance.check_in")) == 1
    task = client.post(f"/operations/bookings/{booking.id}/task", data={"task": "Phân luồng giờ cao điểm"})
    assert task.status_code == 303
    assert db.session.scalar(select(Attendance.task)) == "Phân luồng giờ cao điểm"


def test_today_lists_what_runs_today_whatever_the_time(client, auth, world, make_shift):
    """Relative to now, so true at any hour: a shift that began last night and is still running,
    one whose check-in is open, but not yesterday's nor tomorrow's."""
    campaign, point, leader = world.campaign, world.point, world.leader
    running = make_shift(campaign, point, starts_in=timedelta(hours=-26), hours=27, task_focus="Ca xuyên đêm")
    soon = make_shift(campaign, point, starts_in=timedelta(minutes=50), hours=2, task_focus="Ca sắp bắt đầu")
    make_shift(campaign, point, starts_in=timedelta(hours=-30), hours=5, task_focus="Ca hôm qua")
    make_shift(campaign, point, starts_in=timedelta(hours=25), hours=4, task_focus="Ca ngày mai")
    auth.as_(leader)
    page = client.get("/operations/today").get_data(as_text=True)
    assert running.task_focus in page and soon.task_focus in page
    assert "Ca hôm qua" not in page and "Ca ngày mai" not in page


def test_a_leader_sees_and_acts_only_at_their_points(client, auth, world, make_user):
    student, booking = world.student, world.booking
    other = make_user(role="leader")
    auth.as_(other)
    assert f"attendance-{booking.id}" not in client.get("/operations/today").get_data(as_text=True)
    assert client.post(f"/operations/bookings/{booking.id}/check_in").status_code == 403
    assert db.session.scalar(select(Attendance)) is None
    client.post("/logout")
    auth.as_(student)
    assert client.get("/operations/today").status_code == 403


def test_walk_in_is_added_with_the_rules_and_checked_in(client, auth, world, make_user):
    campaign, leader, shift = world.campaign, world.leader, world.shift
    walker = make_user(student_code="SV-WALK")
    enrol(campaign, walker)
    outsider = make_user(student_code="SV-OUT")
    auth.as_(leader)
    assert client.post(f"/operations/shifts/{shift.id}/walk-in", data={"who": "SV-WALK"}).status_code == 303
    added = db.session.scalar(select(Booking).where(Booking.user_id == walker.id))
    assert added.source == "staff"
    assert db.session.scalar(select(Attendance).where(Attendance.booking_id == added.id)).status == "present"
    client.post(f"/operations/shifts/{shift.id}/walk-in", data={"who": "SV-OUT"})  # not in the campaign
    assert db.session.scalar(select(Booking).where(Booking.user_id == outsider.id)) is None


def test_hours_correction_through_the_console(client, auth, world):
    leader, shift, booking = world.leader, world.shift, world.booking
    operations.check_in(leader, booking, at=shift.starts_at)
    operations.check_out(leader, booking, at=shift.starts_at + timedelta(hours=2))
    auth.as_(leader)
    client.post(f"/operations/bookings/{booking.id}/hours", data={"minutes": "abc", "reason": "Nhầm giờ ra"})
    client.post(f"/operations/bookings/{booking.id}/hours", data={"minutes": "150", "reason": ""})
    assert db.session.scalar(select(Attendance.adjusted_minutes)) is None
    client.post(f"/operations/bookings/{booking.id}/hours", data={"minutes": "150", "reason": "Quên điểm danh ra"})
    assert db.session.scalar(select(Attendance.adjusted_minutes)) == 150


def test_leader_rates_a_volunteer_who_sees_it(client, auth, world):
    from portal.operations.models import VolunteerRating

    point, leader, student, shift, booking = world.point, world.leader, world.student, world.shift, world.booking
    shift.starts_at = clock.now() - timedelta(hours=3)
    shift.ends_at = clock.now() - timedelta(hours=1)
    db.session.commit()
    auth.as_(leader)
    client.post(f"/operations/bookings/{booking.id}/rating", data={"rating": "6", "comment": "?"})
    assert db.session.scalar(select(VolunteerRating)) is None
    client.post(f"/operations/bookings/{booking.id}/rating", data={"rating": "5", "comment": "Nhiệt tình, chu đáo"})
    assert db.session.scalar(select(VolunteerRating.rating)) == 5
    team = client.get(f"/operations/points/{point.id}/team").get_data(as_text=True)
    assert "Nguyễn Văn An" in team
    client.post("/logout")
    auth.as_(student)
    assert "Nhiệt tình, chu đáo" in client.get("/operations/my-hours").get_data(as_text=True)


def test_team_totals_are_for_the_points_leader_only(client, auth, world, make_user, make_point):
    point = world.point
    auth.as_(make_user(role="leader"))
    assert client.get(f"/operations/points/{point.id}/team").status_code == 403
