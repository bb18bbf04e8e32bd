"""Missed shifts: the next-day question (once per booking), the reason form, and the pause after repeated no-shows."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.notifications.models import Notification
from portal.operations.models import Attendance
from portal.reminders import noshows
from portal.reminders import services as reminders
from portal.reminders.models import MissedShift
from portal.shifts import booking
from portal.shifts.models import Booking, BookingPause
from portal.shifts.rules import BookingRefused
from tests.core.conftest import row_counts


@pytest.mark.hanoi_time("2026-03-11 09:00")
def test_a_student_not_checked_in_is_asked_the_next_day_once(scene):
    s = scene(starts="2026-03-10 08:00", booked=3, capacity=3)

    db.session.add(Attendance(booking_id=s.bookings[0].id, status="present", checked_in_at=s.shift.starts_at))
    db.session.add(Attendance(booking_id=s.bookings[1].id, status="no_show"))
    db.session.commit()  # the third has no attendance row at all: nobody checked them in either
    assert noshows.ask_missed() == 2
    assert noshows.ask_missed() == 0
    keys = set(db.session.scalars(select(Notification.key)))
    assert keys == {f"noshow:booking:{s.bookings[1].id}", f"noshow:booking:{s.bookings[2].id}"}
    assert db.session.scalar(select(func.count(MissedShift.id))) == 2


@pytest.mark.hanoi_time("2026-03-10 15:00")
def test_today_s_shifts_are_not_asked_about_until_the_next_day(scene):
    scene(starts="2026-03-10 08:00", booked=1)
    assert noshows.ask_missed() == 0


@pytest.mark.hanoi_time("2026-03-11 09:00")
def test_the_student_tells_what_went_wrong_and_the_page_changes_nothing_until_posted(scene, client):
    s = scene(starts="2026-03-10 08:00", booked=1)
    noshows.ask_missed()
    (notice,) = db.session.scalars(select(Notification)).all()
    path = notice.link.replace("http://portal.test", "")
    before = row_counts()
    assert client.get(path).status_code == 200 and row_counts() == before
    assert client.post(path, data={"reason": "x" * 501}).status_code == 422
    response = client.post(path, data={"reason": "Em bị ốm đột xuất, xin lỗi tổ."})
    assert response.status_code == 303
    row = db.session.scalar(select(MissedShift).where(MissedShift.booking_id == s.bookings[0].id))
    db.session.refresh(row)
    assert row.reason == "Em bị ốm đột xuất, xin lỗi tổ." and row.answered_at is not None


def _three_misses(scene, student_scene):
    """The scene's student missed three shifts of the campaign on three days."""
    s = student_scene
    student = s.students[0]
    for day in ("2026-03-08", "2026-03-09"):
        other = scene(starts=f"{day} 08:00", booked=0, campaign=s.campaign, point=s.point)
        db.session.add(Booking(shift_id=other.shift.id, user_id=student.id))
        other.shift.booked_count = 1
    db.session.commit()
    return student


@pytest.mark.hanoi_time("2026-03-11 09:00")
def test_three_no_shows_pause_self_booking_until_an_organiser_lifts_it(scene, make_shift, make_user, client, auth):
    s = scene(starts="2026-03-10 08:00", booked=1)
    student = _three_misses(scene, s)
    noshows.ask_missed()
    pause = db.session.scalar(select(BookingPause))
    assert (pause.user_id, pause.campaign_id, pause.no_shows) == (student.id, s.campaign.id, 3)
    future = make_shift(s.campaign, s.point, starts_at=s.shift.starts_at.replace(day=14))
    with pytest.raises(BookingRefused) as refused:
        booking.book(student, future.id)
    assert refused.value.code == "paused"
    leader_added = booking.book(student, future.id, actor=s.leader or make_user(role="leader"))
    assert leader_added.status == "booked"  # a leader may still add them
    admin = make_user(role="admin")
    auth.as_(admin)
    page = client.get(f"/campaigns/{s.campaign.slug}/no-shows").get_data(as_text=True)
    assert student.full_name in page and "lift" in page
    assert client.post(f"/campaigns/{s.campaign.slug}/no-shows/{student.id}/lift").status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(BookingPause.lifted_by_id)) == admin.id
    booking.cancel(leader_added.id, admin)
    assert booking.book(student, future.id).status == "booked"
    before = row_counts()
    again = client.post(f"/campaigns/{s.campaign.slug}/no-shows/{student.id}/lift", follow_redirects=True)
    assert again.status_code == 200 and "flash--warning" in again.get_data(as_text=True)
    assert row_counts() == before
    noshows.ask_missed()  # a lifted pause stays lifted until three more no-shows
    assert db.session.scalar(select(BookingPause.lifted_at)) is not None


@pytest.mark.hanoi_time("2026-03-11 09:00")
def test_a_paused_student_is_not_promoted_from_a_waitlist(scene, make_shift):
    s = scene(starts="2026-03-10 08:00", booked=1)
    student = _three_misses(scene, s)
    noshows.ask_missed()
    full = scene(starts="2026-03-14 08:00", booked=1, campaign=s.campaign, point=s.point)
    full.wait(student)
    booking.cancel(full.bookings[0].id, full.students[0])
    assert db.session.scalar(select(Booking.id).where(Booking.shift_id == full.shift.id,
                                                      Booking.user_id == student.id)) is None


@pytest.mark.hanoi_time("2026-03-11 09:00")
def test_a_campaign_without_the_rule_never_pauses(scene, make_user):
    s = scene(starts="2026-03-10 08:00", booked=1)
    reminders.save_settings(make_user(role="admin"), s.campaign.id, evening_on=True,
                            evening_at=s.shift.starts_at.time(), soon_on=True, soon_hours=2, what_to_bring="",
                            no_show_limit=0)
    _three_misses(scene, s)
    noshows.ask_missed()
    assert db.session.scalar(select(func.count(BookingPause.id))) == 0
