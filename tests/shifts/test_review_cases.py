"""Edge cases: local days and weeks, expiry at the shift, staff edits and cancellations, odd input."""
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from threading import Barrier

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.campaigns.models import Campaign
from portal.core import clock
from portal.core.clock import LOCAL_TZ
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.shifts import booking, planning
from portal.shifts.models import Booking, Shift
from portal.shifts.rules import BookingRefused
from portal.training import signoff
from portal.training.models import Completion
from tests.conftest import DAY_BOUNDARIES
from tests.factories import assign, enrol


@dataclass
class World:
    """A campaign capped at 6 hours a day and 2 shifts a week, and an enrolled student."""

    campaign: Campaign
    student: User


@pytest.fixture
def world(make_user, make_campaign):
    campaign = make_campaign(max_hours_per_day=6, max_shifts_per_week=2)
    student = make_user()
    enrol(campaign, student)
    return World(campaign=campaign, student=student)


def next_hanoi_midnight_utc(days=3):
    """A UTC instant at 00:00 Hanoi time, a few days ahead (17:00 UTC the day before)."""
    day = (clock.now() + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc) - timedelta(hours=7)


@pytest.mark.parametrize("hanoi_time", DAY_BOUNDARIES)
def test_daily_cap_counts_the_hanoi_day_not_the_utc_day(hanoi_time, world, make_point, make_shift):
    start = next_hanoi_midnight_utc() + timedelta(hours=6)   # 06:00 Hanoi = 23:00 UTC the day before
    booking.book(world.student, make_shift(world.campaign, make_point(), starts_at=start, hours=4).id)
    later = start + timedelta(hours=5)                       # 11:00 Hanoi, 04:00 UTC: another UTC day
    with pytest.raises(BookingRefused) as caught:
        booking.book(world.student, make_shift(world.campaign, make_point(), starts_at=later, hours=3).id)
    assert caught.value.code == "day_cap"


@pytest.mark.parametrize("hanoi_time", DAY_BOUNDARIES)
def test_weekly_cap_counts_the_hanoi_week(hanoi_time, world, make_point, make_shift):
    # Monday 06:00 Hanoi is Sunday 23:00 UTC: in Hanoi it belongs to the new week.
    today = clock.now().date()
    monday = today + timedelta(days=7 - today.weekday())
    sunday_utc = datetime(monday.year, monday.month, monday.day, tzinfo=timezone.utc) - timedelta(hours=1)
    world.campaign.booking_window_days = 20
    db.session.commit()
    booking.book(world.student, make_shift(world.campaign, make_point(), starts_at=sunday_utc, hours=2).id)
    monday_shift = make_shift(world.campaign, make_point(), starts_at=sunday_utc + timedelta(days=1), hours=2)
    booking.book(world.student, monday_shift.id)
    with pytest.raises(BookingRefused) as caught:
        tuesday_shift = make_shift(world.campaign, make_point(), starts_at=sunday_utc + timedelta(days=2), hours=2)
        booking.book(world.student, tuesday_shift.id)
    assert caught.value.code == "week_cap"


def test_gate_checks_expiry_at_the_end_of_the_shift(world, make_module, make_user, make_point, make_shift):
    module = make_module(world.campaign, validity_days=30)
    signoff.complete(make_user(role="admin"), module, [world.student.id])
    completion = db.session.scalar(select(Completion))
    completion.completed_at = clock.now() - timedelta(days=29)  # expires tomorrow
    db.session.commit()
    booking.book(world.student, make_shift(world.campaign, make_point(), starts_in=timedelta(hours=13)).id)
    with pytest.raises(BookingRefused) as caught:
        booking.book(world.student, make_shift(world.campaign, make_point(), starts_in=timedelta(days=3)).id)
    assert caught.value.code == "training"


def test_deactivated_or_non_student_accounts_cannot_be_booked_even_by_staff(world, make_user, make_point, make_shift):
    shift = make_shift(world.campaign, make_point())
    gone = make_user(active=False)
    enrol(world.campaign, gone)
    with pytest.raises(BookingRefused) as caught:
        booking.book(gone, shift.id, actor=make_user(role="leader"))
    assert caught.value.code == "account"


def test_shifts_at_a_closed_point_cannot_be_booked(world, make_point, make_shift):
    shift = make_shift(world.campaign, make_point(is_active=False))
    with pytest.raises(BookingRefused) as caught:
        booking.book(world.student, shift.id)
    assert caught.value.code == "point"


def test_editing_a_shift_onto_a_volunteers_other_shift_is_refused(world, make_user, outbox, make_point, make_shift):
    from datetime import datetime, time

    # Fixed morning hours, so moving a shift never crosses midnight whatever the time the suite runs.
    morning = datetime.combine((clock.now() + timedelta(days=2)).astimezone(LOCAL_TZ).date(), time(8),
                               LOCAL_TZ)
    a = make_shift(world.campaign, make_point(), starts_at=morning, hours=3)
    b = make_shift(world.campaign, make_point(), starts_at=morning + timedelta(days=1), hours=3)
    booking.book(world.student, a.id)
    booking.book(world.student, b.id)
    admin = make_user(role="admin")
    local = a.starts_at.astimezone(LOCAL_TZ)
    with pytest.raises(Exception) as caught:
        planning.edit_shift(admin, b, local.date(), local.time(), (local + timedelta(hours=3)).time(), 5)
    assert "không thể tham gia vào giờ mới" in str(caught.value.message) and "trùng giờ" in str(caught.value.message)
    db.session.refresh(b)
    assert b.starts_at != a.starts_at
    later = b.starts_at.astimezone(LOCAL_TZ) + timedelta(hours=4)
    planning.edit_shift(admin, b, later.date(), later.time(), (later + timedelta(hours=1)).time(), 5)
    assert [m.kind for m in outbox(world.student.email)] == ["shift-booked", "shift-booked", "shift-changed"]


def test_editing_onto_another_shift_slot_at_the_same_point_is_a_field_error(client, auth, world, make_user, make_point,
                                                                             make_shift):
    point = make_point()
    a = make_shift(world.campaign, point, hours=3)  # 08:00 in Hanoi, the day after tomorrow
    b = make_shift(world.campaign, point, starts_at=a.starts_at + timedelta(days=1), hours=3)
    auth.as_(make_user(role="admin"))
    local = a.starts_at.astimezone(LOCAL_TZ)
    response = client.post(f"/shifts/{b.id}/edit", data={
        "date": local.strftime("%d/%m/%Y"), "start_time": local.strftime("%H:%M"),
        "end_time": (local + timedelta(hours=3)).strftime("%H:%M"), "capacity": "5"})
    assert response.status_code == 422 and 'id="start_time-error"' in response.get_data(as_text=True)


def test_lowering_seats_below_the_bookings_is_refused(client, auth, world, make_user, make_point, make_shift):
    shift = make_shift(world.campaign, make_point(), capacity=3)
    other = make_user()
    enrol(world.campaign, other)
    booking.book(world.student, shift.id)
    booking.book(other, shift.id)
    auth.as_(make_user(role="admin"))
    local = shift.starts_at.astimezone(LOCAL_TZ)
    response = client.post(f"/shifts/{shift.id}/edit", data={
        "date": local.strftime("%d/%m/%Y"), "start_time": local.strftime("%H:%M"),
        "end_time": shift.ends_at.astimezone(LOCAL_TZ).strftime("%H:%M"), "capacity": "1"})
    assert response.status_code == 422 and 'id="capacity-error"' in response.get_data(as_text=True)
    db.session.refresh(shift)
    assert shift.capacity == 3


def test_cancelling_a_shift_during_a_rush_leaves_no_booking_behind(app, make_user, make_campaign, make_point,
                                                                    make_shift):
    campaign = make_campaign()
    shift = make_shift(campaign, make_point(), capacity=20)
    students = [make_user() for _ in range(15)]
    enrol(campaign, *students)
    admin = make_user(role="admin")
    shift_id, ids, admin_id = shift.id, [s.id for s in students], admin.id
    barrier = Barrier(len(ids) + 1)

    def book(user_id):
        with app.app_context():
            barrier.wait()
            try:
                booking.book(db.session.get(User, user_id), shift_id)
            except BookingRefused:
                pass
            finally:
                db.session.remove()

    def cancel():
        with app.app_context():
            barrier.wait()
            try:
                planning.cancel_shift(db.session.get(User, admin_id), db.session.get(Shift, shift_id),
                                      "Mất điện toàn khu vực")
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(ids) + 1) as pool:
        futures = [pool.submit(book, i) for i in ids] + [pool.submit(cancel)]
        for future in futures:
            future.result()
    db.session.expire_all()
    assert db.session.get(Shift, shift_id).status == "cancelled"
    assert db.session.scalar(select(func.count()).select_from(Booking).where(Booking.status == "booked")) == 0
    cancelled = db.session.scalar(select(func.count()).select_from(Booking).where(Booking.status == "shift_cancelled"))
    notified = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.kind == "shift-cancelled"))
    assert cancelled == notified


def test_training_session_seats_hold_under_a_rush(app, make_user, make_campaign, make_module):
    from portal.training import sessions
    from portal.training.models import SessionRegistration, TrainingSession

    campaign = make_campaign()
    module = make_module(campaign)
    session = TrainingSession(campaign_id=campaign.id, title="Tập huấn", starts_at=clock.now() + timedelta(days=2),
                              ends_at=clock.now() + timedelta(days=2, hours=2), capacity=2, modules=[module])
    db.session.add(session)
    db.session.commit()
    students = [make_user() for _ in range(12)]
    enrol(campaign, *students)
    session_id, ids = session.id, [s.id for s in students]
    barrier = Barrier(len(ids))

    def register(user_id):
        with app.app_context():
            barrier.wait()
            try:
                sessions.register(db.session.get(User, user_id), db.session.get(TrainingSession, session_id))
            except Exception:
                pass
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(ids)) as pool:
        list(pool.map(register, ids))
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(SessionRegistration)) == 2


def test_odd_digits_and_long_csv_cells_are_not_errors(client, auth, make_user, make_campaign, make_module):
    campaign = make_campaign()
    student = make_user()
    enrol(campaign, student)
    auth.as_(student)
    assert client.get("/shifts/?point=²&branch=٣").status_code == 200
    client.post("/logout")
    trainer = make_user(role="trainer")
    assign(campaign, trainer)
    module = make_module(campaign)
    auth.as_(trainer)
    assert client.post(f"/training/modules/{module.id}/complete", data={"user_id": "²"}).status_code == 422
    assert client.post(f"/training/modules/{module.id}/complete",
                       data={"user_id": "99999999999999999999999"}).status_code == 422
    sheet = b"email\n" + b"x" * 200_000 + b"\n"
    response = client.post(f"/training/modules/{module.id}/import", data={"file": (io.BytesIO(sheet), "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and 'id="file-error"' in response.get_data(as_text=True)


def test_resigning_from_the_expired_filter_completes_again(make_user, make_campaign, make_module):
    campaign = make_campaign()
    student = make_user()
    enrol(campaign, student)
    module = make_module(campaign, validity_days=5)
    trainer = make_user(role="admin")
    signoff.complete(trainer, module, [student.id])
    db.session.scalar(select(Completion)).completed_at = clock.now() - timedelta(days=6)
    db.session.commit()
    assert signoff.complete(trainer, module, None, status="expired") == 1
    assert signoff.status_counts(module)["completed"] == 1
