"""seed-demo's current season has its first two weeks done (portal/seed_history.py): attendance, no-shows,
cancellations, activity logs, ratings and citizens' feedback, so the reports, the staffing page and the
no-shows page show figures; the named demo accounts keep the states the browser journeys expect."""
from collections import Counter
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from portal import seed, seed_texts
from portal.accounts.models import User
from portal.campaigns.models import Campaign
from portal.core import clock, identifiers
from portal.core.clock import LOCAL_TZ
from portal.extensions import db
from portal.operations.models import ActivityCount, ActivityLog, Attendance, CitizenFeedback, VolunteerRating
from portal.reminders import noshows
from portal.reports import staffing
from portal.reports.figures import Filters, figures, last_full
from portal.shifts.models import Booking, BookingPause, Shift
from portal.training.models import Completion, TrainingModule

pytestmark = pytest.mark.hanoi_time("2026-03-11 10:00")  # a Wednesday: the history runs 25/02 to 10/03
NAMED = ["Trần Thị Minh Thu", "Lê Quang Huy", "Phạm Thu Hà", "Nguyễn Văn An", "Nguyễn Thị Lan", "Trần Đức Minh",
         "Lê Khánh Ngọc", "Phạm Văn Quang", "Đỗ Thu Hương", "Hoàng Thị Mai", "Vũ Thị Mới", "Phan Thị Riêng",
         "Đỗ Thị Hồng Nhung", "Hoàng Minh Tuấn", "Vũ Thu Trang", "Đào Thị Chờ"]  # the demo's and the journeys'


def _season():
    return db.session.scalar(select(Campaign).where(Campaign.slug == seed.CURRENT_SLUG))


def _midnight(days_from_today: int) -> datetime:
    return datetime.combine(clock.local_today() + timedelta(days=days_from_today), time(0), LOCAL_TZ)


def _bookings(season, start, end):
    return db.session.scalars(select(Booking).join(Shift, Shift.id == Booking.shift_id).where(
        Shift.campaign_id == season.id, Shift.starts_at >= start, Shift.starts_at < end)).all()


def test_the_current_season_has_two_weeks_served_with_attendance_logs_ratings_and_feedback(app):
    seed.seed_demo()
    season = _season()
    assert season.start_date == clock.local_today() - timedelta(days=14)
    past = _bookings(season, _midnight(-14), _midnight(0))
    kinds = Counter(b.status for b in past)
    assert kinds["booked"] >= 150 and 0 < kinds["cancelled"] < kinds["booked"] / 5
    states = Counter(db.session.scalars(select(Attendance.status).where(
        Attendance.booking_id.in_([b.id for b in past]))))
    assert states["present"] > 8 * states["no_show"] > 0 and states["present"] + states["no_show"] == kinds["booked"]
    assert all(b.shift.ends_at <= clock.now() for b in past)
    served = {b.shift_id for b in past}
    logs = db.session.scalars(select(ActivityLog).where(ActivityLog.shift_id.in_(served))).all()
    assert len(logs) >= 0.9 * len(served) and {log.status for log in logs} == {"confirmed"}
    assert all(log.confirmed_by_id for log in logs)
    helped = db.session.scalar(select(func.sum(ActivityCount.count)).where(
        ActivityCount.log_id.in_([log.id for log in logs])))
    assert helped > 1000
    ratings = db.session.scalars(select(VolunteerRating).where(
        VolunteerRating.booking_id.in_([b.id for b in past]))).all()
    assert len(ratings) > states["present"] / 2 and {r.rating for r in ratings} <= {3, 4, 5}
    feedback = db.session.scalars(select(CitizenFeedback).where(CitizenFeedback.created_at >= _midnight(-14))).all()
    assert len(feedback) >= 8 and {f.status for f in feedback} == {"new", "forwarded", "resolved"}
    texts = [f.text for f in feedback] + [r.comment for r in ratings] + [log.notes for log in logs] + [
        log.incidents for log in logs]
    assert [t for t in texts if identifiers.problem(t)] == []  # what the leaders' forms would accept


def test_no_seat_is_sold_twice_and_every_upcoming_shift_stays_bookable(app):
    seed.seed_demo()
    season = _season()
    active = dict(db.session.execute(select(Booking.shift_id, func.count(Booking.id))
                                     .where(Booking.status == "booked").group_by(Booking.shift_id)).all())
    for shift in db.session.scalars(select(Shift)):
        assert shift.booked_count == active.get(shift.id, 0) <= shift.capacity, shift
    days = Counter((b.user_id, b.shift.starts_at.astimezone(LOCAL_TZ).date())
                   for b in _bookings(season, _midnight(-14), _midnight(60)) if b.status == "booked")
    assert max(days.values()) == 1  # nobody serves twice a day
    upcoming = db.session.scalars(select(Shift).where(Shift.campaign_id == season.id,
                                                      Shift.starts_at >= _midnight(0))).all()
    assert all(s.booked_count < s.capacity for s in upcoming)
    quiet = [s for s in upcoming if s.starts_at < _midnight(1) or _midnight(3) <= s.starts_at < _midnight(5)]
    assert quiet and not [s for s in quiet if s.booked_count]  # today, and the reminder journey's days
    assert 0 < sum(s.booked_count for s in upcoming) < sum(s.capacity for s in upcoming) / 4


def test_the_named_demo_accounts_keep_their_states(app):
    seed.seed_demo()
    season = _season()
    named = db.session.scalars(select(User).where(User.email.in_(
        ["student@example.org", "leader@example.org", "lan.nguyen@example.org", "minh.tran@example.org"]))).all()
    assert len(named) == 4
    assert not [b for b in _bookings(season, _midnight(-30), _midnight(90)) if b.user_id in {u.id for u in named}]
    assert not [v for v in seed_texts.VOLUNTEERS for n in NAMED if n in v or v in n]  # journeys find them by name
    modules = select(TrainingModule.id).where(TrainingModule.campaign_id == season.id)
    trained = Counter(db.session.scalars(select(Completion.user_id).where(Completion.module_id.in_(modules))))
    student = next(u for u in named if u.email == "student@example.org")
    assert trained[student.id] == 4 and len(trained) == 41  # the demo student and the forty, every module


def test_the_reports_staffing_and_no_shows_show_the_two_weeks(app):
    seed.seed_demo()
    season = _season()
    today = clock.local_today()
    fortnight = figures(Filters(today - timedelta(days=14), today - timedelta(days=1), campaign_id=season.id))
    for key in ("volunteers", "shifts", "shifts_filled", "minutes", "no_shows", "citizens_helped", "elderly_helped"):
        assert fortnight.total(key) > 0, key
    assert sum(fortnight.feedback.values()) > 0 and len(fortnight.per_school) >= 5
    week = figures(Filters(*last_full("week", today), campaign_id=season.id))
    assert week.volunteers > 20 and week.minutes > 100 * 60
    needs = staffing.needs(campaign_id=season.id)
    assert needs and all(n.demand for n in needs)  # the logs of the last four weeks tell each shift's demand
    assert {n.shortfall for n in needs} > {n.shift.capacity for n in needs}  # some seats taken, not all
    lines = noshows.report(season)
    assert len(lines) >= 5 and lines[0].no_shows == 3 and lines[0].pause is not None
    assert db.session.scalar(select(func.count(BookingPause.id))) == 1


def test_the_pages_show_real_figures(app, client, auth, make_user):
    seed.seed_demo()
    season = _season()
    auth.as_(make_user(role="admin"))
    week = figures(Filters(*last_full("week", clock.local_today()), campaign_id=season.id))
    report = client.get("/reports/week?lang=en").get_data(as_text=True)
    assert season.name in report and f">{week.volunteers}<" in report and f">{week.no_shows}<" in report
    page = client.get("/reports/staffing?lang=en").get_data(as_text=True)
    assert "about " in page and " citizens a shift" in page
    assert "Phan Văn Khải" in client.get(f"/campaigns/{season.slug}/no-shows").get_data(as_text=True)


def test_running_seed_demo_again_adds_nothing(app):
    seed.seed_demo()

    def counts():
        return [db.session.scalar(select(func.count()).select_from(model)) for model in (
            User, Booking, Attendance, ActivityLog, ActivityCount, VolunteerRating, CitizenFeedback, Completion,
            BookingPause, Shift)]

    before = counts()
    again = seed.seed_demo()
    assert again[0].startswith("Demo logins") and counts() == before  # nothing made, only the logins printed
