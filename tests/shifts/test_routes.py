"""Shift pages: the booking widget's htmx contract, My shifts, calendars, planning, schedules, access."""
import re
from dataclasses import dataclass
from datetime import date

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.campaigns.models import Campaign, PointLeader, ServicePoint
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.shifts import booking
from portal.shifts.models import Booking, CalendarFeed, Shift, ShiftTemplate
from tests.factories import enrol


@dataclass
class World:
    """A December campaign with a peak week, the Gia Lâm point, an enrolled student and a shift."""

    campaign: Campaign
    point: ServicePoint
    student: User
    shift: Shift


@pytest.fixture
def world(make_user, make_campaign, make_point, make_shift):
    campaign = make_campaign(slug="mua-xuan", start_date=date(2026, 12, 1), end_date=date(2026, 12, 31),
                             peak_start=date(2026, 12, 14), peak_end=date(2026, 12, 20), peak_extra_seats=3)
    point = make_point(name="Điểm Hỗ trợ dịch vụ công số xã Gia Lâm")
    student = make_user(full_name="Nguyễn Văn An")
    enrol(campaign, student)
    shift = make_shift(campaign, point, capacity=2, task_focus="Hướng dẫn kích hoạt VNeID")
    return World(campaign=campaign, point=point, student=student, shift=shift)


def test_booking_widget_htmx_contract(client, auth, world):
    auth.as_(world.student)
    response = client.post(f"/shifts/{world.shift.id}/book", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert f'id="shift-{world.shift.id}-booking"' in body and "HX-Request" in response.headers["Vary"]
    assert "booking-changed" in response.headers["HX-Trigger"]
    assert "Còn 1 chỗ" in body
    page = client.get(f"/shifts/{world.shift.id}").get_data(as_text=True)
    # now my shift's page
    assert "<html" in page and 'id="shift-page"' in page and f'id="shift-{world.shift.id}-status"' in page


def test_refusal_comes_back_in_the_widget_with_422(client, auth, world, make_module):
    make_module(world.campaign, title="Bảo mật thông tin công dân")
    auth.as_(world.student)
    response = client.post(f"/shifts/{world.shift.id}/book", headers={"HX-Request": "true"})
    assert response.status_code == 422 and "HX-Trigger" not in response.headers
    assert "Bảo mật thông tin công dân" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0


def test_find_lists_shifts_by_day_and_says_why_some_are_not_for_me(client, auth, world, make_shift, make_point):
    clash = make_shift(world.campaign, make_point(name="Điểm Bát Tràng"), starts_at=world.shift.starts_at)
    booking.book(world.student, world.shift.id)
    auth.as_(world.student)
    body = client.get("/shifts/").get_data(as_text=True)
    assert f'id="shift-{world.shift.id}-booking"' in body and f'id="shift-{clash.id}-booking"' in body
    assert "Gia Lâm" in body  # the clash says which booking it overlaps
    fragment = client.get(f"/shifts/?point={world.point.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="shift-list"' in fragment and "<html" not in fragment and f"shift-{clash.id}-booking" not in fragment


def test_my_shifts_panel_is_a_fragment_for_the_event_refresh(client, auth, world):
    booking.book(world.student, world.shift.id)
    auth.as_(world.student)
    fragment = client.get("/shifts/mine", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="my-shifts"' in fragment and "<html" not in fragment and world.point.name in fragment


def test_cancel_and_waitlist_through_the_widget(client, auth, world, make_user):
    others = [make_user(), make_user()]
    enrol(world.campaign, *others)
    for other in others:
        booking.book(other, world.shift.id)
    auth.as_(world.student)
    joined = client.post(f"/shifts/{world.shift.id}/waitlist", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Danh sách chờ: vị trí số 1" in joined
    panel = client.get("/shifts/mine", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Đang trong danh sách chờ" in panel and "Vị trí số 1" in panel and world.point.name in panel
    holder = db.session.scalar(select(Booking).where(Booking.user_id == others[0].id))
    booking.cancel(holder.id, others[0])
    mine = db.session.scalar(select(Booking).where(Booking.user_id == world.student.id, Booking.status == "booked"))
    assert mine is not None and mine.source == "waitlist"
    panel = client.get("/shifts/mine", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Đang trong danh sách chờ" not in panel and "Đã nhận chỗ từ danh sách chờ" in panel
    response = client.post(f"/shifts/{world.shift.id}/cancel", headers={"HX-Request": "true"})
    assert response.status_code == 200
    db.session.refresh(mine)
    assert mine.status == "cancelled"


def test_shift_ics_parses_back_in_hanoi_time(client, auth, world):
    auth.as_(world.student)
    response = client.get(f"/shifts/{world.shift.id}.ics")
    assert response.mimetype == "text/calendar"
    (event,) = Calendar.from_ical(response.data).walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == world.shift.starts_at and str(start.tzinfo) == "Asia/Ho_Chi_Minh"
    assert world.point.name in str(event.get("summary"))


def test_calendar_feed_lists_bookings_and_dies_when_regenerated(client, auth, world, make_app):
    booking.book(world.student, world.shift.id)
    auth.as_(world.student)
    page = client.get("/shifts/mine").get_data(as_text=True)
    assert "http://portal.test/shifts/calendar/" not in page  # opening the page makes no address
    assert db.session.scalar(select(func.count()).select_from(CalendarFeed)) == 0
    assert client.post("/shifts/calendar/regenerate").status_code in (200, 303)  # "Make my calendar address"
    page = client.get("/shifts/mine").get_data(as_text=True)
    url = re.search(r'value="http://portal\.test(/shifts/calendar/[^"]+\.ics)"', page).group(1)
    anonymous = client.application.test_client()
    feed = anonymous.get(url)
    assert feed.status_code == 200
    assert [e.decoded("dtstart") for e in Calendar.from_ical(feed.data).walk("VEVENT")] == [world.shift.starts_at]
    client.post("/shifts/calendar/regenerate")
    assert anonymous.get(url).status_code == 404


def test_generation_preview_then_create_with_peak_seats_and_skipped_dates(client, auth, world, make_user):
    auth.as_(make_user(role="admin"))
    response = client.post("/campaigns/mua-xuan/shift-templates", data={
        "point": str(world.point.id), "weekdays": ["1", "3"], "start_time": "07:30", "end_time": "11:30",
        "capacity": "4", "task_focus": "Phân luồng giờ cao điểm"})
    assert response.status_code == 303
    template = db.session.scalar(select(ShiftTemplate))
    preview = client.get(f"/shifts/templates/{template.id}/generate")
    assert preview.status_code == 200 and db.session.scalar(select(func.count()).select_from(Shift)) == 1
    bad = client.post(f"/shifts/templates/{template.id}/generate", data={"skip": "hôm qua", "confirm": "1"})
    assert bad.status_code == 422 and db.session.scalar(select(func.count()).select_from(Shift)) == 1
    done = client.post(f"/shifts/templates/{template.id}/generate", data={"skip": "02/12/2026\n", "confirm": "1"})
    assert done.status_code == 303
    created = db.session.scalars(select(Shift).where(Shift.template_id == template.id).order_by(Shift.starts_at)).all()
    days = [s.starts_at.astimezone().date() for s in created]
    # Mondays and Wednesdays of December 2026 (9 days), less the skipped 02/12.
    assert len(created) == 8 and date(2026, 12, 2) not in days
    assert {s.capacity for s in created if date(2026, 12, 14) <= s.starts_at.date() <= date(2026, 12, 20)} == {7}
    assert created[0].starts_at.hour == 0 and created[0].starts_at.minute == 30  # 07:30 Hanoi = 00:30 UTC
    again = client.post(f"/shifts/templates/{template.id}/generate", data={"skip": "", "confirm": "1"})
    assert again.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Shift).where(Shift.template_id == template.id)) == 9


def test_cancelling_a_shift_notifies_every_booked_student(client, auth, world, make_user):
    other = make_user()
    enrol(world.campaign, other)
    booking.book(world.student, world.shift.id)
    booking.book(other, world.shift.id)
    auth.as_(make_user(role="admin"))
    assert client.post(f"/shifts/{world.shift.id}/cancel-shift", data={"cancel-reason": ""}).status_code == 422
    cancelled = client.post(f"/shifts/{world.shift.id}/cancel-shift",
                            data={"cancel-reason": "Điểm đóng cửa để sửa chữa"})
    assert cancelled.status_code == 303
    kinds = db.session.scalars(select(OutboxMessage.to_email).where(OutboxMessage.kind == "shift-cancelled")).all()
    assert sorted(kinds) == sorted([world.student.email, other.email])
    db.session.refresh(world.shift)
    assert world.shift.status == "cancelled" and world.shift.booked_count == 0


def test_edit_refuses_fewer_seats_than_bookings(client, auth, world, make_user):
    booking.book(world.student, world.shift.id)
    auth.as_(make_user(role="admin"))
    response = client.post(f"/shifts/{world.shift.id}/edit", data={"date": "01/12/2026", "start_time": "08:00",
                                                             "end_time": "12:00", "capacity": "0"})
    assert response.status_code == 422 and 'id="capacity-error"' in response.get_data(as_text=True)


def test_leaders_run_only_their_own_points(client, auth, world, make_user):
    leader = make_user(role="leader")
    auth.as_(leader)
    assert client.get(f"/shifts/points/{world.point.id}/schedule").status_code == 403
    db.session.add(PointLeader(point_id=world.point.id, user_id=leader.id))
    db.session.commit()
    page = client.get(f"/shifts/points/{world.point.id}/schedule").get_data(as_text=True)
    assert f'id="schedule-shift-{world.shift.id}"' in page and "understaffed" in page
    added = client.post(f"/shifts/{world.shift.id}/add", data={"who": world.student.email})
    assert added.status_code == 303
    seat = db.session.scalar(select(Booking).where(Booking.user_id == world.student.id))
    assert seat.source == "staff" and seat.created_by_id == leader.id
    client.post(f"/shifts/bookings/{seat.id}/release")
    db.session.refresh(seat)
    assert seat.status == "released"


def test_students_cannot_reach_staff_pages_and_staff_cannot_book(client, auth, world, make_user):
    auth.as_(world.student)
    assert client.get(f"/shifts/points/{world.point.id}/schedule").status_code == 403
    assert client.post(f"/shifts/{world.shift.id}/cancel-shift", data={"cancel-reason": "xxxxxxx"}).status_code == 403
    client.post("/logout")
    auth.as_(make_user(role="leader"))
    assert client.post(f"/shifts/{world.shift.id}/book").status_code == 403


def test_admin_manages_points_and_their_leaders(client, auth, world, make_user):
    leader = make_user(role="leader", full_name="Phạm Thu Hà")
    auth.as_(make_user(role="admin"))
    response = client.post("/campaigns/points/new", data={
        "name": "Điểm Hỗ trợ dịch vụ công số phường Hoàn Kiếm", "branch_name": "Chi nhánh số 1",
        "ward": "Phường Hoàn Kiếm", "address": "126 Hàng Trống", "map_url": "https://maps.example.org/hk",
        "opening_hours": "Thứ Hai – Thứ Sáu 7:30–17:00", "volunteer_notes": "Gửi xe ở cổng sau",
        "is_active": "y", "leader_ids": [str(leader.id)]})
    assert response.status_code == 303
    listing = client.get("/campaigns/points").get_data(as_text=True)
    assert "Phường Hoàn Kiếm" in listing and "Phạm Thu Hà" in listing
    bad = client.post("/campaigns/points/new", data={"name": "X", "branch_name": "Y", "ward": "Z", "address": "A",
                                                     "map_url": "javascript:alert(1)"})
    assert bad.status_code == 422 and 'id="map_url-error"' in bad.get_data(as_text=True)


def test_a_leader_cannot_act_at_another_point(client, auth, world, make_user, make_point, make_shift):
    leader = make_user(role="leader")
    mine = make_point()
    db.session.add(PointLeader(point_id=mine.id, user_id=leader.id))
    db.session.commit()
    seat = booking.book(world.student, world.shift.id)
    auth.as_(leader)
    assert client.post(f"/shifts/{world.shift.id}/add", data={"who": world.student.email}).status_code == 403
    assert client.post(f"/shifts/bookings/{seat.id}/release").status_code == 403
    db.session.refresh(seat)
    assert seat.status == "booked"


def test_a_student_cannot_cancel_someone_elses_booking(client, auth, world, make_user):
    other = make_user()
    enrol(world.campaign, other)
    theirs = booking.book(other, world.shift.id)
    auth.as_(world.student)
    assert client.post(f"/shifts/{world.shift.id}/cancel").status_code == 404
    db.session.refresh(theirs)
    assert theirs.status == "booked"


def test_without_javascript_booking_answers_with_a_redirect(client, auth, world):
    auth.as_(world.student)
    response = client.post(f"/shifts/{world.shift.id}/book")
    assert response.status_code == 303 and response.headers["Location"] == f"/shifts/{world.shift.id}"
    assert "Đã đăng ký ca trực." in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_old_shift_templates_address_moves_permanently_to_the_campaign(client, auth, world, make_user, method):
    auth.as_(make_user(role="admin"))
    response = client.open("/shifts/campaigns/mua-xuan/templates", method=method)
    assert response.status_code == 308 and response.headers["Location"].endswith("/campaigns/mua-xuan/shift-templates")
    page = client.get("/campaigns/mua-xuan/shift-templates")
    assert page.status_code == 200 and 'action="/campaigns/mua-xuan/shift-templates"' in page.get_data(as_text=True)
