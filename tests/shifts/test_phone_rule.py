"""A phone number is optional at sign-up and needed only to book a shift (issue 15: collect the minimum)."""
from dataclasses import dataclass
from datetime import timedelta

import pytest

from portal.accounts.models import User
from portal.campaigns.models import Campaign, ServicePoint
from portal.extensions import db
from portal.shifts import booking
from portal.shifts.models import Shift
from portal.shifts.rules import PHONE_NEEDED, BookingRefused
from tests.factories import enrol


@dataclass
class World:
    """A campaign, a point, a shift two days ahead and an enrolled student who gave no phone number."""

    campaign: Campaign
    point: ServicePoint
    student: User
    shift: Shift


@pytest.fixture
def world(make_user, make_campaign, make_point, make_shift):
    campaign = make_campaign()
    point = make_point()
    student = make_user(phone=None)
    enrol(campaign, student)
    return World(campaign=campaign, point=point, student=student,
                 shift=make_shift(campaign, point, starts_in=timedelta(days=2)))


def test_a_student_without_a_phone_cannot_book_and_is_told_why(world):
    with pytest.raises(BookingRefused) as refused:
        booking.book(world.student, world.shift.id)
    assert refused.value.code == "phone" and refused.value.message is PHONE_NEEDED
    world.student.phone = "0912345678"
    db.session.commit()
    assert booking.book(world.student, world.shift.id).status == "booked"


def test_nor_join_a_waitlist(world):
    world.shift.capacity = 0
    db.session.commit()
    with pytest.raises(BookingRefused) as refused:
        booking.join_waitlist(world.student, world.shift.id)
    assert refused.value.code == "phone"


def test_a_leader_adds_a_volunteer_without_a_phone(world, make_user):
    leader = make_user(role="leader")
    assert booking.book(world.student, world.shift.id, actor=leader).status == "booked"


def test_the_shift_card_links_to_my_details(client, auth, world):
    auth.as_(world.student)
    response = client.post(f"/shifts/{world.shift.id}/book", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and 'href="/profile#phone"' in body


def test_a_release_note_with_a_citizens_phone_is_refused(world, make_user):
    leader = make_user(role="leader")
    seat = booking.book(world.student, world.shift.id, actor=leader)
    with pytest.raises(BookingRefused) as refused:
        booking.cancel(seat.id, leader, note="Bà cụ gọi 0912 345 678 báo nghỉ")
    assert refused.value.code == "note"
    db.session.refresh(seat)
    assert seat.status == "booked" and seat.cancel_note is None
    assert booking.cancel(seat.id, leader, note="Ốm, xin nghỉ ca 08:00-11:30").status == "released"
