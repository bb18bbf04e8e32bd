"""A booked shift's own page and "My shifts": where, when, who leads, the status, cancelling and the calendar."""
from datetime import timedelta
from urllib.parse import quote_plus

import pytest
from icalendar import Calendar

from portal.campaigns.models import PointLeader
from portal.core.clock import LOCAL_TZ
from portal.extensions import db
from portal.shifts import booking, planning
from tests.factories import enrol

ADDRESS = "Số 8 Ngõ 29 Cổ Bi"


@pytest.fixture
def world(make_user, make_campaign, make_point, make_shift):
    """A student (reading English, so the new texts are checked as written) booked two days ahead at Gia Lâm."""
    campaign = make_campaign(cancel_cutoff_hours=12)
    point = make_point(name="Điểm Hỗ trợ dịch vụ công số xã Gia Lâm", opening_hours="Thứ Hai – Thứ Sáu 7:30–17:00",
                       volunteer_notes="Gặp tổ trưởng tại quầy số 1; mang theo thẻ sinh viên.")
    point.address = ADDRESS
    leader = make_user(role="leader", full_name="Phạm Thu Hà", email="ha.leader@example.org", phone="0912345678")
    db.session.add(PointLeader(point_id=point.id, user_id=leader.id))
    db.session.commit()
    student = make_user(full_name="Nguyễn Văn An", locale="en")
    enrol(campaign, student)
    shift = make_shift(campaign, point, capacity=2, task_focus="Hướng dẫn kích hoạt VNeID")
    return {"campaign": campaign, "point": point, "leader": leader, "student": student, "shift": shift}


def _page(client, shift):
    response = client.get(f"/shifts/{shift.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_booked_student_sees_where_when_who_leads_and_can_cancel_or_add_to_calendar(client, auth, world):
    shift, point = world["shift"], world["point"]
    booking.book(world["student"], shift.id)
    auth.as_(world["student"])
    page = _page(client, shift)
    local = shift.starts_at.astimezone(LOCAL_TZ)
    assert "You are booked on this shift" in page
    assert f"{ADDRESS}, {point.ward}" in page and point.branch.name in page
    assert "https://www.google.com/maps/search/?api=1&amp;query=" + quote_plus(f"{ADDRESS}, {point.ward}") in page
    assert local.strftime("%d/%m/%Y") in page and "08:00–12:00" in page  # Hanoi time, not UTC (01:00)
    assert "Thứ Hai – Thứ Sáu 7:30–17:00" in page and "mang theo thẻ sinh viên" in page
    assert "Hướng dẫn kích hoạt VNeID" in page
    assert "Phạm Thu Hà" in page
    assert "0912345678" not in page and "ha.leader@example.org" not in page  # the leader's own phone and email
    assert f'action="/shifts/{shift.id}/cancel"' in page and "Yes, cancel my booking" in page
    assert "You can cancel until" in page
    assert f'href="/shifts/{shift.id}.ics"' in page
    assert f'id="shift-{shift.id}-booking"' not in page  # the booking widget is for shifts not booked yet


def test_the_points_own_map_link_wins_over_the_search(client, auth, world):
    world["point"].map_url = "https://maps.example.org/gia-lam"
    db.session.commit()
    booking.book(world["student"], world["shift"].id)
    auth.as_(world["student"])
    page = _page(client, world["shift"])
    assert 'href="https://maps.example.org/gia-lam"' in page and "google.com/maps" not in page


def test_a_student_without_a_booking_sees_the_booking_widget_and_no_leader(client, auth, world):
    shift = world["shift"]
    auth.as_(world["student"])
    page = _page(client, shift)
    assert f'id="shift-{shift.id}-booking"' in page and f'formaction="/shifts/{shift.id}/book"' in page
    assert f'id="shift-{shift.id}-status"' not in page and "Phạm Thu Hà" not in page
    assert ADDRESS in page  # where it is helps decide


def test_a_shift_the_organisers_cancelled_shows_their_reason(client, auth, world, make_user):
    shift = world["shift"]
    booking.book(world["student"], shift.id)
    planning.cancel_shift(make_user(role="admin"), shift, "Điểm tạm đóng cửa để sửa chữa")
    auth.as_(world["student"])
    page = _page(client, shift)
    assert "The organisers cancelled this shift" in page and "Điểm tạm đóng cửa để sửa chữa" in page
    assert "/cancel\"" not in page and f'id="shift-{shift.id}-booking"' not in page


def test_a_booking_i_cancelled_says_so_and_i_can_book_again(client, auth, world):
    shift = world["shift"]
    seat = booking.book(world["student"], shift.id)
    booking.cancel(seat.id, world["student"])
    auth.as_(world["student"])
    page = _page(client, shift)
    assert "You cancelled this booking" in page and "Cancelled on" in page
    assert f'formaction="/shifts/{shift.id}/book"' in page


def test_cancelling_on_the_shift_page_without_javascript_comes_back_to_it(client, auth, world):
    shift = world["shift"]
    seat = booking.book(world["student"], shift.id)
    auth.as_(world["student"])
    response = client.post(f"/shifts/{shift.id}/cancel")
    assert response.status_code == 303 and response.headers["Location"] == f"/shifts/{shift.id}"
    page = _page(client, shift)
    assert "Your booking is cancelled." in page and "You cancelled this booking" in page
    db.session.refresh(seat)
    assert seat.status == "cancelled"


def test_after_the_cut_off_the_page_says_why_it_cannot_cancel(client, auth, world, make_shift, make_point):
    soon = make_shift(world["campaign"], make_point(), starts_in=timedelta(hours=6))
    booking.book(world["student"], soon.id)
    auth.as_(world["student"])
    page = _page(client, soon)
    assert "Cancellations close 12 hours before the start" in page and "Ask your team leader" in page
    assert f'action="/shifts/{soon.id}/cancel"' not in page


def test_a_checked_in_student_sees_when(client, auth, world):
    from portal.operations.models import Attendance

    seat = booking.book(world["student"], world["shift"].id)
    arrived = world["shift"].starts_at - timedelta(minutes=10)
    db.session.add(Attendance(booking_id=seat.id, status="present", checked_in_at=arrived, check_in_method="self"))
    db.session.commit()
    auth.as_(world["student"])
    page = _page(client, world["shift"])
    assert "You are checked in" in page and "Checked in at 07:50." in page


def test_a_student_on_the_waitlist_sees_their_place_and_can_leave(client, auth, world, make_user):
    shift = world["shift"]
    others = [make_user(), make_user()]
    enrol(world["campaign"], *others)
    for other in others:
        booking.book(other, shift.id)
    booking.join_waitlist(world["student"], shift.id)
    auth.as_(world["student"])
    page = _page(client, shift)
    assert "You are on the waitlist" in page and "Number 1 in line" in page
    assert "Leave the waitlist" in page and "Phạm Thu Hà" not in page


def test_the_page_refreshes_itself_as_a_fragment_when_a_booking_changes(client, auth, world):
    shift = world["shift"]
    auth.as_(world["student"])
    page = _page(client, shift)
    assert 'hx-trigger="booking-changed from:body"' in page
    booking.book(world["student"], shift.id)
    fragment = client.get(f"/shifts/{shift.id}", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and body.count('id="shift-page"') == 1 and "You are booked on this shift" in body
    assert "HX-Request" in fragment.headers["Vary"]


def test_my_shifts_rows_lead_to_the_shift_page(client, auth, world):
    shift = world["shift"]
    seat = booking.book(world["student"], shift.id)
    auth.as_(world["student"])
    page = client.get("/shifts/mine").get_data(as_text=True)
    assert f'href="/shifts/{shift.id}"' in page
    assert f'action="/shifts/mine/{seat.id}/cancel"' in page


def test_cancel_from_my_shifts_with_htmx_re_renders_the_list(client, auth, world, outbox):
    shift = world["shift"]
    seat = booking.book(world["student"], shift.id)
    auth.as_(world["student"])
    response = client.post(f"/shifts/mine/{seat.id}/cancel", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert 'id="my-shifts"' in body and "is cancelled" in body and "data-focus-after-swap" in body
    assert f'action="/shifts/mine/{seat.id}/cancel"' not in body and "You have no shifts booked." in body
    assert "booking-changed" in response.headers["HX-Trigger"]
    db.session.refresh(seat)
    assert seat.status == "cancelled"


def test_cancel_from_my_shifts_without_javascript_redirects_with_a_message(client, auth, world):
    seat = booking.book(world["student"], world["shift"].id)
    auth.as_(world["student"])
    response = client.post(f"/shifts/mine/{seat.id}/cancel")
    assert response.status_code == 303 and response.headers["Location"] == "/shifts/mine"
    page = client.get("/shifts/mine").get_data(as_text=True)
    assert "Your booking at Điểm Hỗ trợ dịch vụ công số xã Gia Lâm on" in page and "is cancelled." in page
    db.session.refresh(seat)
    assert seat.status == "cancelled"


def test_my_shifts_refuses_a_cancel_after_the_cut_off_and_changes_nothing(client, auth, world, make_shift,
                                                                         make_point, outbox):
    soon = make_shift(world["campaign"], make_point(), starts_in=timedelta(hours=6))
    seat = booking.book(world["student"], soon.id)
    auth.as_(world["student"])
    page = client.get("/shifts/mine").get_data(as_text=True)
    assert f'action="/shifts/mine/{seat.id}/cancel"' not in page and "Cancellations close 12 hours" in page
    queued = len(outbox())
    response = client.post(f"/shifts/mine/{seat.id}/cancel", headers={"HX-Request": "true"})
    assert response.status_code == 422 and "Cancellations close 12 hours" in response.get_data(as_text=True)
    db.session.refresh(seat)
    assert seat.status == "booked" and len(outbox()) == queued


def test_the_finders_aside_lists_my_shifts_without_cancel_buttons(client, auth, world):
    seat = booking.book(world["student"], world["shift"].id)
    auth.as_(world["student"])
    finder_page = client.get("/shifts/").get_data(as_text=True)
    assert 'hx-get="/shifts/mine?aside=1"' in finder_page
    aside = client.get("/shifts/mine?aside=1", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f'href="/shifts/{world["shift"].id}"' in aside and f"/shifts/mine/{seat.id}/cancel" not in aside


def test_a_student_cannot_cancel_someone_elses_booking_from_my_shifts(client, auth, world, make_user):
    other = make_user()
    enrol(world["campaign"], other)
    theirs = booking.book(other, world["shift"].id)
    auth.as_(world["student"])
    assert client.post(f"/shifts/mine/{theirs.id}/cancel").status_code == 404
    db.session.refresh(theirs)
    assert theirs.status == "booked"


def test_calendar_file_and_feed_carry_the_shift_page_link(client, auth, world):
    shift = world["shift"]
    booking.book(world["student"], shift.id)
    auth.as_(world["student"])
    link = f"http://portal.test/shifts/{shift.id}"
    (event,) = Calendar.from_ical(client.get(f"/shifts/{shift.id}.ics").data).walk("VEVENT")
    assert str(event.get("url")) == link and link in str(event.get("description"))
    client.post("/shifts/calendar/regenerate")  # "Make my calendar address"
    page = client.get("/shifts/mine").get_data(as_text=True)
    feed_path = page.split('value="http://portal.test', 1)[1].split('"', 1)[0]
    (event,) = Calendar.from_ical(client.application.test_client().get(feed_path).data).walk("VEVENT")
    assert str(event.get("url")) == link and "The shift's page: " + link in str(event.get("description"))


def test_past_shifts_link_to_their_page_which_says_how_it_went(client, auth, world):
    from tests.factories import served

    came = served(world["campaign"], world["point"], world["student"], days_ago=10)
    missed = served(world["campaign"], world["point"], world["student"], status="no_show", days_ago=3)
    auth.as_(world["student"])
    page = client.get("/shifts/mine").get_data(as_text=True)
    assert f'href="/shifts/{came.shift_id}"' in page and f'href="/shifts/{missed.shift_id}"' in page
    assert "You served on this shift" in _page(client, came.shift)
    missed_page = _page(client, missed.shift)
    assert "This shift is over" in missed_page and "Cancel my booking" not in missed_page


def test_a_leader_whose_account_is_switched_off_is_not_named(client, auth, world, make_user):
    gone = make_user(role="leader", full_name="Lê Văn Cũ", active=False)
    db.session.add(PointLeader(point_id=world["point"].id, user_id=gone.id))
    db.session.commit()
    booking.book(world["student"], world["shift"].id)
    auth.as_(world["student"])
    page = _page(client, world["shift"])
    assert "Phạm Thu Hà" in page and "Lê Văn Cũ" not in page and "Team leaders" not in page
