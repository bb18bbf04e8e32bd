"""A rush on the last seats, with real threads and separate connections, on each database."""
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from threading import Barrier

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core.clock import LOCAL_TZ
from portal.extensions import db
from portal.shifts import booking
from portal.shifts.models import Booking, Shift, WaitlistEntry
from portal.shifts.rules import BookingRefused
from tests.factories import enrol


def rush(app, attempts, action):
    """Run `action(user_id)` for each attempt at once, each in its own app context and connection."""
    barrier = Barrier(len(attempts))

    def attempt(user_id):
        with app.app_context():
            barrier.wait()
            try:
                return action(db.session.get(User, user_id))
            except BookingRefused as refused:
                return refused.code
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return list(pool.map(attempt, attempts))


def test_fifty_students_for_the_last_ten_seats(app, make_user, make_campaign, make_point, make_shift):
    campaign = make_campaign()
    shift = make_shift(campaign, make_point(), capacity=12)
    early = [make_user() for _ in range(2)]
    students = [make_user() for _ in range(50)]
    enrol(campaign, *early, *students)
    for user in early:  # two seats already gone: ten are left
        booking.book(user, shift.id)
    shift_id, ids = shift.id, [u.id for u in students]

    def book_or_wait(user):
        try:
            booking.book(user, shift_id)
            return "booked"
        except BookingRefused as refused:
            if refused.code != "full":
                raise
            booking.join_waitlist(user, shift_id)
            return "waitlisted"

    results = rush(app, ids, book_or_wait)
    assert results.count("booked") == 10 and results.count("waitlisted") == 40
    db.session.expire_all()
    stored = db.session.scalar(select(func.count()).select_from(Booking).where(
        Booking.shift_id == shift_id, Booking.status == "booked"))
    assert stored == 12  # nothing lost, nothing over
    assert db.session.get(Shift, shift_id).booked_count == 12
    assert db.session.scalar(select(func.count()).select_from(WaitlistEntry)) == 40


def test_one_student_double_submitting_books_once(app, make_user, make_campaign, make_point, make_shift):
    campaign = make_campaign()
    shift = make_shift(campaign, make_point(), capacity=5)
    student = make_user()
    enrol(campaign, student)
    shift_id = shift.id
    results = rush(app, [student.id] * 20, lambda user: booking.book(user, shift_id) and "booked")
    assert results.count("booked") == 1
    assert set(results) == {"booked", "duplicate"}
    db.session.expire_all()
    assert db.session.get(Shift, shift_id).booked_count == 1
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 1


def test_one_student_rushing_overlapping_shifts_gets_one(app, make_user, make_campaign, make_point, make_shift):
    campaign = make_campaign()
    first = make_shift(campaign, make_point())
    clashes = [first] + [make_shift(campaign, make_point(), starts_at=first.starts_at) for _ in range(9)]
    student = make_user()
    enrol(campaign, student)
    ids = [s.id for s in clashes]
    results = []

    def book_all(user):
        outcome = []
        for shift_id in ids:
            try:
                booking.book(user, shift_id)
                outcome.append("booked")
            except BookingRefused as refused:
                outcome.append(refused.code)
        return outcome

    for outcome in rush(app, [student.id] * 5, book_all):
        results.extend(outcome)
    assert results.count("booked") == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 1


def test_moving_a_shift_and_booking_a_clashing_one_at_once_never_leaves_an_overlap(
        app, make_user, make_campaign, make_point, make_shift):
    """The edit re-checks the booked volunteers under the lock booking takes, so of "move shift B
    onto A's hours" and "the same volunteer books A", at most one wins, however they interleave."""
    from datetime import datetime, time, timedelta

    from portal.core import clock
    from portal.core.validation import InvalidInput
    from portal.shifts import planning

    campaign = make_campaign()
    admin = make_user(role="admin")
    day = (clock.now() + timedelta(days=2)).astimezone(LOCAL_TZ).date()
    for round_ in range(6):
        student = make_user()
        enrol(campaign, student)
        morning = datetime.combine(day + timedelta(days=2 * round_), time(8), LOCAL_TZ)
        a = make_shift(campaign, make_point(), starts_at=morning, hours=3)
        b = make_shift(campaign, make_point(), starts_at=morning + timedelta(days=1), hours=3)
        booking.book(student, b.id)
        ids = {"a": a.id, "b": b.id, "student": student.id, "admin": admin.id}
        barrier = Barrier(2)

        def act(which, ids, barrier, morning):
            with app.app_context():
                barrier.wait()
                try:
                    if which == "book":
                        booking.book(db.session.get(User, ids["student"]), ids["a"])
                    else:
                        shift = db.session.get(Shift, ids["b"])
                        planning.edit_shift(db.session.get(User, ids["admin"]), shift, morning.date(),
                                            morning.time(), (morning + timedelta(hours=3)).time(), 5)
                    return "done"
                except (BookingRefused, InvalidInput):
                    return "refused"
                finally:
                    db.session.remove()

        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(partial(act, ids=ids, barrier=barrier, morning=morning), ["book", "edit"]))
        assert results.count("done") == 1, results
        db.session.expire_all()
        booked = list(db.session.scalars(select(Shift).join(Booking, Booking.shift_id == Shift.id).where(
            Booking.user_id == ids["student"], Booking.status == "booked").order_by(Shift.starts_at)))
        overlapping = [(x.id, y.id) for x, y in zip(booked, booked[1:], strict=False) if x.ends_at > y.starts_at]
        assert overlapping == [], "the volunteer has overlapping shifts"
