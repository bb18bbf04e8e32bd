"""Every booking rule, each with its own message, enforced by the one booking service."""
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.campaigns.models import Campaign, ServicePoint
from portal.core import clock
from portal.extensions import db
from portal.shifts import booking
from portal.shifts.models import Booking, WaitlistEntry
from portal.shifts.rules import BookingRefused
from portal.training import signoff
from tests.conftest import DAY_BOUNDARIES
from tests.factories import enrol


@dataclass
class World:
    """A campaign with tight limits, one point, and an enrolled student with nothing booked yet."""

    campaign: Campaign
    point: ServicePoint
    student: User


@pytest.fixture
def world(make_user, make_campaign, make_point):
    campaign = make_campaign(booking_window_days=14, cancel_cutoff_hours=12, max_shifts_per_week=3, max_hours_per_day=8)
    point = make_point()
    student = make_user()
    enrol(campaign, student)
    return World(campaign=campaign, point=point, student=student)


def refused(user, shift):
    with pytest.raises(BookingRefused) as caught:
        booking.book(user, shift.id)
    return caught.value


def test_a_trained_enrolled_student_books_and_the_seat_is_counted(world, make_shift):
    shift = make_shift(world.campaign, world.point, capacity=2)
    seat = booking.book(world.student, shift.id)
    assert seat.status == "booked" and seat.source == "self"
    db.session.refresh(shift)
    assert shift.booked_count == 1 and shift.seats_left == 1


def test_full_shift_is_refused_with_a_waitlist_hint(world, make_user, make_shift):
    shift = make_shift(world.campaign, world.point, capacity=1)
    other = make_user()
    enrol(world.campaign, other)
    booking.book(other, shift.id)
    error = refused(world.student, shift)
    assert error.code == "full" and "danh sách chờ" in str(error.message)


def test_one_booking_per_student_per_shift(world, make_shift):
    shift = make_shift(world.campaign, world.point)
    booking.book(world.student, shift.id)
    assert refused(world.student, shift).code == "duplicate"
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 1


def test_overlapping_shifts_are_refused(world, make_point, make_shift):
    first = make_shift(world.campaign, world.point, starts_in=timedelta(days=2), hours=4)
    booking.book(world.student, first.id)
    clash = make_shift(world.campaign, make_point(), starts_at=first.starts_at + timedelta(hours=2), hours=4)
    error = refused(world.student, clash)
    assert error.code == "overlap" and world.point.name in str(error.message)
    after = make_shift(world.campaign, make_point(), starts_at=first.ends_at, hours=2)  # back to back is fine
    booking.book(world.student, after.id)


def test_training_gate_names_the_missing_modules(world, make_module, make_user, make_shift):
    make_module(world.campaign, title="Bảo mật thông tin công dân")
    shift = make_shift(world.campaign, world.point)
    error = refused(world.student, shift)
    assert error.code == "training" and "Bảo mật thông tin công dân" in str(error.message)


def test_trained_student_passes_the_gate(world, make_module, make_user, make_shift):
    module = make_module(world.campaign)
    signoff.complete(make_user(role="admin"), module, [world.student.id])
    seat = booking.book(world.student, make_shift(world.campaign, world.point).id)
    assert seat.status == "booked" and seat.user_id == world.student.id


def test_booking_window_and_started_shifts(world, make_shift):
    too_early = make_shift(world.campaign, world.point, starts_in=timedelta(days=20))
    error = refused(world.student, too_early)
    assert error.code == "window" and "14" in str(error.message)
    started = make_shift(world.campaign, world.point, starts_in=timedelta(minutes=-10))
    assert refused(world.student, started).code == "started"


def test_students_outside_the_campaign_or_in_a_closed_one_cannot_book(world, make_user, make_campaign, make_shift):
    assert refused(make_user(), make_shift(world.campaign, world.point)).code == "enrolment"
    closed = make_campaign(status="closed")
    enrol(closed, world.student)
    assert refused(world.student, make_shift(closed, world.point, starts_in=timedelta(days=3))).code == "campaign"


def at(day, hour, minute=0):
    """An instant at a Hanoi wall time."""
    return datetime.combine(day, time(hour, minute), clock.LOCAL_TZ)


@pytest.mark.parametrize("hanoi_time", DAY_BOUNDARIES)
def test_weekly_cap(hanoi_time, world, make_point, make_shift):
    today = clock.local_today()
    monday = today + timedelta(days=7 - today.weekday())  # next week's, in Hanoi
    for day in range(3):  # 08:00, Monday to Wednesday
        shift = make_shift(world.campaign, make_point(), starts_at=at(monday + timedelta(days=day), 8), hours=2)
        booking.book(world.student, shift.id)
    error = refused(world.student, make_shift(world.campaign, make_point(),
                                              starts_at=at(monday + timedelta(days=3), 8), hours=2))
    assert error.code == "week_cap" and "3" in str(error.message)


@pytest.mark.parametrize("hanoi_time", DAY_BOUNDARIES)
def test_the_weekly_cap_counts_weeks_in_hanoi_time(hanoi_time, world, make_point, make_shift):
    """Late on Sunday belongs to that week and just after midnight to the next, though in UTC both are Sunday."""
    today = clock.local_today()
    monday = today + timedelta(days=7 - today.weekday())
    for day in (1, 2, 3):  # Tuesday to Thursday of next week
        shift = make_shift(world.campaign, make_point(), starts_at=at(monday + timedelta(days=day), 8), hours=2)
        booking.book(world.student, shift.id)
    sunday_night = make_shift(world.campaign, make_point(), starts_at=at(monday + timedelta(days=6), 22), hours=1)
    assert refused(world.student, sunday_night).code == "week_cap"
    monday_small_hours = make_shift(world.campaign, make_point(), starts_at=at(monday + timedelta(days=7), 0, 30),
                                    hours=1)
    assert booking.book(world.student, monday_small_hours.id).status == "booked"


def test_daily_hours_cap(world, make_point, make_shift):
    morning = (clock.now() + timedelta(days=3)).replace(hour=0, minute=0, second=0, microsecond=0)  # 07:00 Hanoi
    booking.book(world.student, make_shift(world.campaign, world.point, starts_at=morning, hours=5).id)
    error = refused(world.student, make_shift(world.campaign, make_point(), starts_at=morning + timedelta(hours=6),
                                              hours=4))
    assert error.code == "day_cap" and "9" in str(error.message)


@pytest.mark.parametrize("hanoi_time", DAY_BOUNDARIES)
def test_the_daily_hours_cap_counts_days_in_hanoi_time(hanoi_time, world, make_point, make_shift):
    """18:00–23:00 and 00:30–04:30 are 9 hours on two Hanoi days (one UTC day): allowed; 13:00–17:00 the
    same evening makes 9 hours on one day: refused, naming that day."""
    day = clock.local_today() + timedelta(days=3)
    booking.book(world.student, make_shift(world.campaign, world.point, starts_at=at(day, 18), hours=5).id)
    small_hours = make_shift(world.campaign, make_point(), starts_at=at(day + timedelta(days=1), 0, 30), hours=4)
    assert booking.book(world.student, small_hours.id).status == "booked"
    error = refused(world.student, make_shift(world.campaign, make_point(), starts_at=at(day, 13), hours=4))
    assert error.code == "day_cap" and "9" in str(error.message) and day.strftime("%d/%m/%Y") in str(error.message)


def test_cancelled_shift_cannot_be_booked(world, make_shift):
    assert refused(world.student, make_shift(world.campaign, world.point, status="cancelled")).code == "cancelled"


def test_cancellation_cut_off_for_students_but_not_for_leaders(world, make_user, make_shift):
    soon = make_shift(world.campaign, world.point, starts_in=timedelta(hours=6))
    seat = booking.book(world.student, soon.id)
    with pytest.raises(BookingRefused) as caught:
        booking.cancel(seat.id, world.student)
    assert caught.value.code == "cutoff" and "12" in str(caught.value.message)
    leader = make_user(role="leader")
    released = booking.cancel(seat.id, leader, note="Ốm")
    assert released.status == "released"
    db.session.refresh(soon)
    assert soon.booked_count == 0


def test_student_cancels_before_the_cut_off(world, make_shift):
    shift = make_shift(world.campaign, world.point, starts_in=timedelta(days=2))
    seat = booking.book(world.student, shift.id)
    assert booking.cancel(seat.id, world.student).status == "cancelled"
    booking.book(world.student, shift.id)  # and may book again


def test_waitlist_promotes_the_first_student_who_still_qualifies(world, make_user, make_point, outbox, make_shift):
    shift = make_shift(world.campaign, world.point, capacity=1)
    holder, busy, next_in_line = make_user(), make_user(), make_user()
    enrol(world.campaign, holder, busy, next_in_line)
    seat = booking.book(holder, shift.id)
    booking.join_waitlist(busy, shift.id)
    booking.join_waitlist(next_in_line, shift.id)
    assert booking.waitlist_positions(next_in_line.id, [shift.id]) == {shift.id: 2}
    # `busy` books an overlapping shift elsewhere, so no longer qualifies for this one.
    booking.book(busy, make_shift(world.campaign, make_point(), starts_at=shift.starts_at, hours=1).id)
    booking.cancel(seat.id, holder)
    promoted = db.session.scalar(select(Booking).where(Booking.shift_id == shift.id, Booking.status == "booked"))
    assert promoted.user_id == next_in_line.id and promoted.source == "waitlist"
    assert [m.kind for m in outbox(next_in_line.email)] == ["waitlist-promoted"]
    still_waiting = db.session.scalar(select(WaitlistEntry).where(WaitlistEntry.user_id == busy.id))
    assert still_waiting.status == "waiting"  # keeps their place
    assert booking.waitlist_positions(busy.id, [shift.id]) == {shift.id: 1}


def test_waitlist_only_for_full_shifts_and_once(world, make_user, make_shift):
    shift = make_shift(world.campaign, world.point, capacity=1)
    with pytest.raises(BookingRefused) as caught:
        booking.join_waitlist(world.student, shift.id)
    assert caught.value.code == "not_full"
    other = make_user()
    enrol(world.campaign, other)
    booking.book(other, shift.id)
    booking.join_waitlist(world.student, shift.id)
    with pytest.raises(BookingRefused) as again:
        booking.join_waitlist(world.student, shift.id)
    assert again.value.code == "waiting"


def test_staff_can_override_capacity_and_it_is_recorded(world, make_user, make_shift):
    from portal.audit.models import AuditEvent

    shift = make_shift(world.campaign, world.point, capacity=1)
    other = make_user()
    enrol(world.campaign, other)
    booking.book(other, shift.id)
    leader = make_user(role="leader")
    with pytest.raises(BookingRefused):
        booking.book(world.student, shift.id, actor=leader)  # rules apply to staff too
    seat = booking.book(world.student, shift.id, actor=leader, override_capacity=True)
    assert seat.is_override and seat.source == "staff"
    db.session.refresh(shift)
    assert (shift.capacity, shift.booked_count) == (2, 2)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "shift.capacity_override"))


def test_the_database_refuses_more_bookings_than_seats(world, make_shift):
    from sqlalchemy.exc import IntegrityError

    shift = make_shift(world.campaign, world.point, capacity=1)
    shift.booked_count = 2
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
