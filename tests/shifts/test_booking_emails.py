"""Emails about a student's shift: one per booking or cancellation, in their language, with the shift's page."""
from datetime import timedelta

import pytest

from portal.campaigns.models import PointLeader
from portal.core.clock import LOCAL_TZ
from portal.extensions import db
from portal.shifts import booking, planning
from portal.shifts.rules import BookingRefused
from tests.factories import enrol

LINK = "http://portal.test/shifts/{}"


@pytest.fixture
def world(make_user, make_campaign, make_point, make_shift):
    """Two students at Gia Lâm, one reading Vietnamese and one English; the point has a leader."""
    campaign = make_campaign()
    point = make_point(name="Điểm Hỗ trợ dịch vụ công số xã Gia Lâm")
    leader = make_user(role="leader", full_name="Phạm Thu Hà", email="ha.leader@example.org", phone="0912345678")
    db.session.add(PointLeader(point_id=point.id, user_id=leader.id))
    vi = make_user(full_name="Nguyễn Văn An", locale="vi")
    en = make_user(full_name="Trần Thị Bình", locale="en")
    enrol(campaign, vi, en)
    shift = make_shift(campaign, point, capacity=2)
    return {"campaign": campaign, "point": point, "leader": leader, "vi": vi, "en": en, "shift": shift}


def _when(shift):
    local = shift.starts_at.astimezone(LOCAL_TZ)
    return local.strftime("%d/%m/%Y"), local.strftime("%H:%M")


@pytest.mark.hanoi_time("2026-03-10 09:00")  # a Tuesday: the shift is on a weekday ("Thứ …", not "Chủ nhật")
def test_a_booking_queues_one_email_in_vietnamese_with_point_time_address_and_link(world, outbox):
    shift, point, student = world["shift"], world["point"], world["vi"]
    booking.book(student, shift.id)
    (mail,) = outbox(student.email)
    day, start = _when(shift)
    assert mail.kind == "shift-booked"
    assert point.name in mail.subject and day in mail.subject
    assert "Chào bạn Nguyễn Văn An," in mail.body_text and "Thứ" in mail.body_text  # the weekday in Vietnamese
    assert f"{point.address}, {point.ward}" in mail.body_text and f"{start}–12:00" in mail.body_text
    assert LINK.format(shift.id) in mail.body_text
    assert "0912345678" not in mail.body_text and "ha.leader@example.org" not in mail.body_text


def test_a_booking_email_is_in_english_for_a_student_who_reads_english(world, outbox):
    shift, student = world["shift"], world["en"]
    booking.book(student, shift.id)
    (mail,) = outbox(student.email)
    assert mail.subject.startswith("Shift booked: Điểm Hỗ trợ dịch vụ công số xã Gia Lâm, ")
    assert "Hello Trần Thị Bình," in mail.body_text and "Your seat on this shift is booked:" in mail.body_text
    assert LINK.format(shift.id) in mail.body_text


def test_a_refused_booking_queues_nothing(world, outbox, make_user, make_module):
    shift = world["shift"]
    make_module(world["campaign"])  # required training the students have not done
    with pytest.raises(BookingRefused):
        booking.book(world["vi"], shift.id)
    assert outbox() == []


def test_a_second_click_books_once_and_emails_once(world, outbox, make_module):
    shift, student = world["shift"], world["vi"]
    booking.book(student, shift.id)
    with pytest.raises(BookingRefused):
        booking.book(student, shift.id)
    assert [m.kind for m in outbox(student.email)] == ["shift-booked"]


def test_a_full_shift_refuses_and_queues_nothing(world, outbox, make_user):
    shift = world["shift"]
    shift.capacity = 0
    db.session.commit()
    with pytest.raises(BookingRefused):
        booking.book(world["en"], shift.id)
    assert outbox() == []


def test_a_cancellation_queues_one_email_in_each_students_language(world, outbox):
    shift = world["shift"]
    for key in ("vi", "en"):
        seat = booking.book(world[key], shift.id)
        booking.cancel(seat.id, world[key])
    (vi_mail,) = [m for m in outbox(world["vi"].email) if m.kind == "booking-cancelled"]
    (en_mail,) = [m for m in outbox(world["en"].email) if m.kind == "booking-cancelled"]
    assert "Chào bạn Nguyễn Văn An," in vi_mail.body_text and LINK.format(shift.id) in vi_mail.body_text
    assert en_mail.subject.startswith("Booking cancelled: Điểm Hỗ trợ dịch vụ công số xã Gia Lâm, ")
    assert "You cancelled your booking on this shift:" in en_mail.body_text
    assert LINK.format(shift.id) in en_mail.body_text


def test_a_cancellation_refused_after_the_cut_off_queues_nothing(world, outbox, make_shift, make_point):
    soon = make_shift(world["campaign"], make_point(), starts_in=timedelta(hours=2))
    seat = booking.book(world["en"], soon.id)
    with pytest.raises(BookingRefused):
        booking.cancel(seat.id, world["en"])
    assert [m.kind for m in outbox(world["en"].email)] == ["shift-booked"]


def test_a_seat_released_by_the_leader_tells_the_student_without_naming_anyone(world, outbox):
    seat = booking.book(world["en"], world["shift"].id)
    booking.cancel(seat.id, world["leader"])
    mail = outbox(world["en"].email)[-1]
    assert mail.kind == "booking-cancelled" and "Your team leader released your seat" in mail.body_text
    assert "Phạm Thu Hà" not in mail.body_text and "0912345678" not in mail.body_text
    assert LINK.format(world["shift"].id) in mail.body_text


def test_a_leader_adding_a_student_emails_them_that_they_were_booked(world, outbox):
    booking.book(world["en"], world["shift"].id, actor=world["leader"])
    (mail,) = outbox(world["en"].email)
    assert mail.kind == "shift-booked" and "A team leader or organiser booked you on this shift:" in mail.body_text


def test_promotion_from_the_waitlist_sends_only_its_own_email_with_the_link(world, outbox, make_user):
    shift, waiting = world["shift"], world["en"]
    first, second = make_user(), make_user()
    enrol(world["campaign"], first, second)
    held = booking.book(first, shift.id)
    booking.book(second, shift.id)
    booking.join_waitlist(waiting, shift.id)
    booking.cancel(held.id, first)
    (mail,) = outbox(waiting.email)
    assert mail.kind == "waitlist-promoted" and LINK.format(shift.id) in mail.body_text


def test_shift_changed_and_shift_cancelled_emails_carry_the_link(world, outbox, make_user):
    shift, student = world["shift"], world["en"]
    booking.book(student, shift.id)
    admin = make_user(role="admin")
    later = shift.starts_at.astimezone(LOCAL_TZ) + timedelta(days=1)
    planning.edit_shift(admin, shift, later.date(), later.time(), (later + timedelta(hours=4)).time(), 2)
    planning.cancel_shift(admin, shift, "Điểm tạm đóng cửa để sửa chữa")
    kinds = {m.kind: m for m in outbox(student.email)}
    assert set(kinds) == {"shift-booked", "shift-changed", "shift-cancelled"}
    assert all(LINK.format(shift.id) in m.body_text for m in kinds.values())


def test_the_email_is_queued_in_the_bookings_transaction_and_dies_with_it(world, outbox, monkeypatch):
    from sqlalchemy import func, select
    from sqlalchemy.exc import IntegrityError

    from portal.shifts.models import Booking

    real_commit = db.session.commit

    def seats_check_fails():  # the database's last word (the seat CHECK) refuses at commit
        monkeypatch.setattr(db.session, "commit", real_commit)
        raise IntegrityError("UPDATE shifts", {}, Exception("CHECK constraint failed: seats"))

    monkeypatch.setattr(db.session, "commit", seats_check_fails)
    with pytest.raises(BookingRefused):
        booking.book(world["vi"], world["shift"].id)
    assert outbox() == [] and db.session.scalar(select(func.count()).select_from(Booking)) == 0
