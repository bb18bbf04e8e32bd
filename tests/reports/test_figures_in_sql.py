"""The figures are summed in the database: the minutes rule in SQL gives what the Python rule gives,
record by record, and every figure equals the row-by-row sum the reports used to make in Python,
whatever the school and chapter filters; the number of queries does not grow with the data."""
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from portal.core.clock import LOCAL_TZ
from portal.extensions import db
from portal.operations.models import ActivityCategory, ActivityCount, ActivityLog, Attendance
from portal.operations.services import served_minutes as python_minutes
from portal.reports.figures import Filters, figures, people_match
from portal.reports.sql import served_minutes
from portal.shifts.models import Booking, Shift

START = datetime(2026, 11, 2, 22, 0, tzinfo=LOCAL_TZ)  # 22:00 to 02:00 in Hanoi: across midnight
SECOND, MICRO = timedelta(seconds=1), timedelta(microseconds=1)

# (adjusted, checked in, checked out) relative to the shift's start; the shift lasts four hours.
CASES = [
    (None, None, None),  # not come yet
    (0, timedelta(0), timedelta(hours=4)),  # a correction wins, even 0
    (95, None, None),
    (None, timedelta(0), None),  # not checked out: 0
    (None, -timedelta(minutes=20), timedelta(hours=5)),  # early and late: bounded by the shift
    (None, MICRO, timedelta(minutes=60)),  # a microsecond short of an hour
    (None, 30 * SECOND + 999_999 * MICRO, timedelta(minutes=90, seconds=30, microseconds=999_998)),
    (None, timedelta(0), 59 * SECOND + 999_999 * MICRO),  # under a minute
    (None, timedelta(minutes=7, seconds=59, microseconds=999_999), timedelta(minutes=9)),
    (None, -timedelta(hours=2), -timedelta(hours=1)),  # before the shift: 0, not negative
    (None, timedelta(hours=4, minutes=1), timedelta(hours=5)),  # after it
    (None, timedelta(hours=1, seconds=1), timedelta(hours=3, minutes=30, seconds=1)),  # exactly 150 minutes
]


def test_the_minutes_rule_in_sql_equals_the_python_rule(app, make_user, make_campaign, make_point):
    campaign, point = make_campaign(), make_point()
    shift = Shift(campaign_id=campaign.id, point_id=point.id, starts_at=START, ends_at=START + timedelta(hours=4),
                  capacity=len(CASES), booked_count=len(CASES))
    db.session.add(shift)
    db.session.flush()
    for adjusted, checked_in, checked_out in CASES:
        booking = Booking(shift_id=shift.id, user_id=make_user().id)
        db.session.add(booking)
        db.session.flush()
        db.session.add(Attendance(booking_id=booking.id, adjusted_minutes=adjusted,
                                  checked_in_at=START + checked_in if checked_in is not None else None,
                                  checked_out_at=START + checked_out if checked_out is not None else None))
    db.session.commit()
    rows = db.session.execute(
        select(Attendance.adjusted_minutes, Attendance.checked_in_at, Attendance.checked_out_at, Shift.starts_at,
               Shift.ends_at, served_minutes(Attendance.adjusted_minutes, Attendance.checked_in_at,
                                             Attendance.checked_out_at, Shift.starts_at, Shift.ends_at))
        .join(Booking, Booking.id == Attendance.booking_id).join(Shift, Shift.id == Booking.shift_id)
        .order_by(Attendance.id)).all()
    in_sql = [row[5] for row in rows]
    assert in_sql == [python_minutes(*row[:5]) for row in rows]
    assert in_sql == [0, 0, 95, 0, 240, 59, 89, 0, 1, 0, 0, 150]


def _reference(filters: Filters) -> dict:
    """The people-based figures as the reports computed them before: every record read, the rule
    applied in Python, the school and chapter matched in Python."""
    start, end = filters.utc_range
    matches = people_match(filters)
    from portal.accounts.models import User

    volunteers, by_school, per_day = set(), defaultdict(lambda: [0, set()]), defaultdict(int)
    totals = {"minutes": 0, "present": 0, "no_shows": 0}
    for user_id, school, chapter, status, adjusted, checked_in, checked_out, starts, ends in db.session.execute(
            select(Booking.user_id, User.school, User.chapter, Attendance.status, Attendance.adjusted_minutes,
                   Attendance.checked_in_at, Attendance.checked_out_at, Shift.starts_at, Shift.ends_at)
            .select_from(Shift).join(Booking, Booking.shift_id == Shift.id)
            .join(Attendance, Attendance.booking_id == Booking.id).join(User, User.id == Booking.user_id)
            .where(Shift.starts_at >= start, Shift.starts_at < end, Shift.status == "open",
                   Booking.status == "booked")):
        if (filters.school or filters.chapter) and not matches(school, chapter):
            continue
        served = python_minutes(adjusted, checked_in, checked_out, starts, ends)
        totals["minutes"] += served
        per_day[starts.astimezone(LOCAL_TZ).date()] += served
        if status == "present":
            totals["present"] += 1
            volunteers.add(user_id)
            by_school[school or ""][0] += served
            by_school[school or ""][1].add(user_id)
        elif status == "no_show":
            totals["no_shows"] += 1
    return {**totals, "volunteers": len(volunteers),
            "per_school": sorted(({"school": s, "minutes": m, "volunteers": len(v)} for s, (m, v) in by_school.items()),
                                 key=lambda r: (-r["minutes"], r["school"])),
            "per_day": [per_day.get(day, 0) for day in filters.days]}


@pytest.fixture
def crowd(app, make_user, make_campaign, make_point):
    """Eighteen people of five schools (one unnamed, one empty) and three chapters, over four days at two
    points, present, absent, expected, corrected, some twice; the last day's shift is cancelled."""
    campaign, points = make_campaign(start_date=date(2026, 11, 1), end_date=date(2026, 11, 30)), [make_point(),
                                                                                                  make_point()]
    schools = ["Trường Đại học Luật Hà Nội", "Học viện Nông nghiệp", "TRƯỜNG ĐẠI HỌC LUẬT", None, ""]
    chapters = ["Chi đoàn 2", "Chi Đoàn 12", None]
    people = [make_user(school=schools[n % 5], chapter=chapters[n % 3]) for n in range(18)]
    category = ActivityCategory(campaign_id=campaign.id, key="vneid", label_vi="VNeID", label_en="VNeID", position=1)
    db.session.add(category)
    statuses = ["present", "present", "no_show", "expected", "present"]
    n = 0
    for day in range(4):
        for p, point in enumerate(points):
            starts = datetime.combine(date(2026, 11, 2 + day), time(7 + 6 * p, 30), LOCAL_TZ)
            shift = Shift(campaign_id=campaign.id, point_id=point.id, starts_at=starts,
                          ends_at=starts + timedelta(hours=4), capacity=9, booked_count=9,
                          status="cancelled" if day == 3 and p else "open")
            db.session.add(shift)
            db.session.flush()
            for seat in range(9):
                person = people[(day * 5 + p * 7 + seat) % len(people)]
                booking = Booking(shift_id=shift.id, user_id=person.id)
                db.session.add(booking)
                db.session.flush()
                status = statuses[n % 5]
                n += 1
                record = Attendance(booking_id=booking.id, status=status, adjusted_minutes=45 if n % 7 == 0 else None)
                if status == "present":
                    record.checked_in_at = starts + timedelta(minutes=n % 11, microseconds=n)
                    record.checked_out_at = starts + timedelta(hours=4, minutes=-(n % 13))
                db.session.add(record)
            log = ActivityLog(shift_id=shift.id, elderly_helped=day)
            log.counts = [ActivityCount(category_id=category.id, count=day * 3 + p)]
            db.session.add(log)
    db.session.commit()
    return campaign


@pytest.mark.parametrize("school, chapter", [("", ""), ("luat", ""), ("LUẬT", "2"), ("", "chi doan 1"),
                                             ("không có", ""), ("", "đoàn")])
def test_every_people_figure_equals_the_row_by_row_sum(crowd, school, chapter):
    filters = Filters(date(2026, 11, 1), date(2026, 11, 8), campaign_id=crowd.id, school=school, chapter=chapter)
    expected, got = _reference(filters), figures(filters)
    assert expected["present"] > 0 or school == "không có"
    assert {"minutes": got.minutes, "present": got.present, "no_shows": got.no_shows, "volunteers": got.volunteers,
            "per_school": got.per_school, "per_day": [d["minutes"] for d in got.per_day]} == expected


def test_the_figures_take_four_queries_and_one_more_for_a_school(crowd, count_queries):
    week = Filters(date(2026, 11, 1), date(2026, 11, 8), campaign_id=crowd.id)
    with count_queries() as plain:
        everything = figures(week)
    with count_queries() as school:
        figures(replace(week, school="luật"))
    assert (plain.n, school.n) == (4, 5)
    assert everything.shifts == 7 and everything.elderly_helped == 0 + 1 + 1 + 2 + 2 + 3
    assert everything.citizens_helped == sum(d["helped"] for d in everything.per_day) == (0 + 1) + (3 + 4) + (6 + 7) + 9


def test_the_staffing_page_loads_the_shifts_of_its_page_only(app, make_user, make_campaign, make_point, make_shift,
                                                             auth, client, count_queries):
    """The fortnight is ranked on plain rows; only the fifty shifts shown are loaded, in the same order
    as the whole list, and the statements do not grow with the number of shifts."""
    from portal.reports.staffing import details, needs, ranked

    campaign, points = make_campaign(status="open"), [make_point(), make_point()]
    first = make_shift(campaign, points[0], capacity=3)
    for n in range(55):
        make_shift(campaign, points[n % 2], starts_at=first.starts_at + timedelta(hours=n + 1), hours=1,
                   capacity=1 + n % 4)
    order = ranked()
    assert [n.shift.id for n in needs()] == [r.shift_id for r in order] and len(order) == 56
    assert [(n.shift.id, n.shortfall) for n in details(order[50:])] == [(r.shift_id, r.shortfall) for r in order[50:]]
    assert [r.shortfall for r in order] == sorted((r.shortfall for r in order), reverse=True)
    auth.as_(make_user(role="admin"))
    client.get("/reports/staffing")  # the session's first page does its own bookkeeping
    with count_queries() as full:
        second = client.get("/reports/staffing?page=2")
    assert second.status_code == 200
    assert second.get_data(as_text=True).count('class="understaffed"') == 6
    make_shift(campaign, points[0], starts_at=first.starts_at + timedelta(hours=80), hours=1, capacity=2)
    with count_queries() as more:
        assert client.get("/reports/staffing?page=2").status_code == 200
    assert more.n == full.n <= 8
