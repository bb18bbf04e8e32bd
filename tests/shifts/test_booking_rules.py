"""Every booking rule, each with its own message, enforced by the one booking service."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.core.types import utcnow
from portal.extensions import db
from portal.shifts import booking as service
from portal.shifts.models import Booking, WaitlistEntry
from portal.shifts.rules import BookingRefused
from portal.training import signoff
from tests.factories import enrol


@pytest.fixture
def world(make_user, make_campaign, make_point, make_shift):
    campaign = make_campaign(booking_window_days=14, cancel_cutoff_hours=12, max_shifts_per_week=3, max_hours_per_day=8)
    point = make_point()
    student = make_user()
    enrol(campaign, student)
    return campaign, point, student, make_shift


def refused(user, shift):
    with pytest.raises(BookingRefused) as caught:
        service.book(user, shift.id)
    return caught.value


def test_a_trained_enrolled_student_books_and_the_seat_is_counted(world):
    campaign, point, student, make_shift = world
    shift = make_shift(campaign, point, capacity=2)
    booking = service.book(student, shift.id)
    assert booking.status == "booked" and booking.source == "self"
    db.session.refresh(shift)
    assert shift.booked_count == 1 and shift.seats_left == 1


def test_full_shift_is_refused_with_a_waitlist_hint(world, make_user):
    campaign, point, student, make_shift = world
    shift = make_shift(campaign, point, capacity=1)
    other = make_user()
    enrol(campaign, other)
    service.book(other, shift.id)
    error = refused(student, shift)
    assert error.code == "full" and "danh sách chờ" in str(error.message)


def test_one_booking_per_student_per_shift(world):
    campaign, point, student, make_shift = world
    shift = make_shift(campaign, point)
    service.book(student, shift.id)
    assert refused(student, shift).code == "duplicate"
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 1


def test_overlapping_shifts_are_refused(world, make_point):
    campaign, point, student, make_shift = world
    first = make_shift(campaign, point, starts_in=timedelta(days=2), hours=4)
    service.book(student, first.id)
    clash = make_shift(campaign, make_point(), starts_at=first.starts_at + timedelta(hours=2), hours=4)
    error = refused(student, clash)
    assert error.code == "overlap" and point.name in str(error.message)
    after = make_shift(campaign, make_point(), starts_at=first.ends_at, hours=2)  # back to back is fine
    service.book(student, after.id)


def test_training_gate_names_the_missing_modules(world, make_module, make_user):
    campaign, point, student, make_shift = world
    make_module(campaign, title="Bảo mật thông tin công dân")
    shift = make_shift(campaign, point)
    error = refused(student, shift)
    assert error.code == "training" and "Bảo mật thông tin công dân" in str(error.message)


def test_trained_student_passes_the_gate(world, make_module, make_user):
    campaign, point, student, make_shift = world
    module = make_module(campaign)
    signoff.complete(make_user(role="admin"), module, [student.id])
    service.book(student, make_shift(campaign, point).id)


def test_booking_window_and_started_shifts(world):
    campaign, point, student, make_shift = world
    too_early = make_shift(campaign, point, starts_in=timedelta(days=20))
    error = refused(student, too_early)
    assert error.code == "window" and "14" in str(error.message)
    started = make_shift(campaign, point, starts_in=timedelta(minutes=-10))
    assert refused(student, started).code == "started"


def test_students_outside_the_campaign_or_in_a_closed_one_cannot_book(world, make_user, make_campaign, make_shift):
    campaign, point, student, _ = world
    assert refused(make_user(), make_shift(campaign, point)).code == "enrolment"
    closed = make_campaign(status="closed")
    enrol(closed, student)
    assert refused(student, make_shift(closed, point, starts_in=timedelta(days=3))).code == "campaign"


def test_weekly_cap(world, make_point):
    campaign, point, student, make_shift = world
    monday = (utcnow() + timedelta(days=7 - utcnow().weekday())).replace(hour=1, minute=0, second=0, microsecond=0)
    for day in range(3):  # 08:00 Hanoi, Monday to Wednesday of next week
        service.book(student, make_shift(campaign, make_point(), starts_at=monday + timedelta(days=day), hours=2).id)
    error = refused(student, make_shift(campaign, make_point(), starts_at=monday + timedelta(days=3), hours=2))
    assert error.code == "week_cap" and "3" in str(error.message)


def test_daily_hours_cap(world, make_point):
    campaign, point, student, make_shift = world
    morning = (utcnow() + timedelta(days=3)).replace(hour=0, minute=0, second=0, microsecond=0)  # 07:00 Hanoi
    service.book(student, make_shift(campaign, point, starts_at=morning, hours=5).id)
    error = refused(student, make_shift(campaign, make_point(), starts_at=morning + timedelta(hours=6), hours=4))
    assert error.code == "day_cap" and "9" in str(error.message)


def test_cancelled_shift_cannot_be_booked(world):
    campaign, point, student, make_shift = world
    assert refused(student, make_shift(campaign, point, status="cancelled")).code == "cancelled"


def test_cancellation_cut_off_for_students_but_not_for_leaders(world, make_user):
    campaign, point, student, make_shift = world
    soon = make_shift(campaign, point, starts_in=timedelta(hours=6))
    booking = service.book(student, soon.id)
    with pytest.raises(BookingRefused) as caught:
        service.cancel(booking.id, student)
    assert caught.value.code == "cutoff" and "12" in str(caught.value.message)
    leader = make_user(role="leader")
    released = service.cancel(booking.id, leader, note="Ốm")
    assert released.status == "released"
    db.session.refresh(soon)
    assert soon.booked_count == 0


def test_student_cancels_before_the_cut_off(world):
    campaign, point, student, make_shift = world
    shift = make_shift(campaign, point, starts_in=timedelta(days=2))
    booking = service.book(student, shift.id)
    assert service.cancel(booking.id, student).status == "cancelled"
    service.book(student, shift.id)  # and may book again


def test_waitlist_promotes_the_first_student_who_still_qualifies(world, make_user, make_point, outbox):
    campaign, point, student, make_shift = world
    shift = make_shift(campaign, point, capacity=1)
    holder, busy, next_in_line = make_user(), make_user(), make_user()
    enrol(campaign, holder, busy, next_in_line)
    booking = service.book(holder, shift.id)
    service.join_waitlist(busy, shift.id)
    service.join_waitlist(next_in_line, shift.id)
    assert service.waitlist_positions(next_in_line.id, [shift.id]) == {shift.id: 2}
    # `busy` books an overlapping shift elsewhere, so no longer qualifies for this one.
    service.book(busy, make_shift(campaign, make_point(), starts_at=shift.starts_at, hours=1).id)
    service.cancel(booking.id, holder)
    promoted = db.session.scalar(select(Booking).where(Booking.shift_id == shift.id, Booking.status == "booked"))
    assert promoted.user_id == next_in_line.id and promoted.source == "waitlist"
    assert [m.kind for m in outbox(next_in_line.email)] == ["waitlist-promoted"]
    still_waiting = db.session.scalar(select(WaitlistEntry).where(WaitlistEntry.user_id == busy.id))
    assert still_waiting.status == "waiting"  # keeps their place
    assert service.waitlist_positions(busy.id, [shift.id]) == {shift.id: 1}


def test_waitlist_only_for_full_shifts_and_once(world, make_user):
    campaign, point, student, make_shift = world
    shift = make_shift(campaign, point, capacity=1)
    with pytest.raises(BookingRefused) as caught:
        service.join_waitlist(student, shift.id)
    assert caught.value.code == "not_full"
    other = make_user()
    enrol(campaign, other)
    service.book(other, shift.id)
    service.join_waitlist(student, shift.id)
    with pytest.raises(BookingRefused) as again:
        service.join_waitlist(student, shift.id)
    assert again.value.code == "waiting"


def test_staff_can_override_capacity_and_it_is_recorded(world, make_user):
    campaign, point, student, make_shift = world
    from portal.audit.models import AuditEvent

    shift = make_shift(campaign, point, capacity=1)
    other = make_user()
    enrol(campaign, other)
    service.book(other, shift.id)
    leader = make_user(role="leader")
    with pytest.raises(BookingRefused):
        service.book(student, shift.id, actor=leader)  # rules apply to staff too
    booking = service.book(student, shift.id, actor=leader, override_capacity=True)
    assert booking.is_override and booking.source == "staff"
    db.session.refresh(shift)
    assert (shift.capacity, shift.booked_count) == (2, 2)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "shift.capacity_override"))


def test_the_database_refuses_more_bookings_than_seats(world):
    campaign, point, student, make_shift = world
    from sqlalchemy.exc import IntegrityError

    shift = make_shift(campaign, point, capacity=1)
    shift.booked_count = 2
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
