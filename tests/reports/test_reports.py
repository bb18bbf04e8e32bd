"""The figures against totals computed by hand on a small data set, the period comparison,
the exports read back, and what a leader may see."""
import csv
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from threading import Barrier

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.campaigns.models import Branch, Campaign, PointLeader, ServicePoint
from portal.core.clock import LOCAL_TZ
from portal.extensions import db
from portal.operations.models import ActivityCategory, ActivityCount, ActivityLog, Attendance, CitizenFeedback
from portal.reports.figures import Filters, compare, figures, last_full, period
from portal.shifts.models import Booking, Shift

WEEK = (date(2026, 11, 2), date(2026, 11, 8))  # Monday to Sunday
BEFORE = (date(2026, 10, 26), date(2026, 11, 1))


def _shift(campaign, point, day, capacity, at=time(8)):
    start = datetime.combine(day, at, LOCAL_TZ)
    shift = Shift(campaign_id=campaign.id, point_id=point.id, starts_at=start, ends_at=start + timedelta(hours=4),
                  capacity=capacity, booked_count=0)
    db.session.add(shift)
    db.session.flush()
    return shift


def _book(shift, user, status="present", adjusted=None):
    booking = Booking(shift_id=shift.id, user_id=user.id, status="booked")
    db.session.add(booking)
    shift.booked_count += 1
    db.session.flush()
    record = Attendance(booking_id=booking.id, status=status, adjusted_minutes=adjusted)
    if status == "present":
        record.checked_in_at, record.checked_out_at = shift.starts_at, shift.ends_at
    db.session.add(record)


@dataclass
class Town:
    """An open campaign at three points in two branches, their leader, three students and two activity categories."""

    campaign: Campaign
    places: dict[str, ServicePoint | Branch]
    leader: User
    people: tuple[User, User, User]
    categories: dict[str, ActivityCategory]


@pytest.fixture
def town(app, make_user, make_campaign, make_point):
    campaign = make_campaign(status="open", start_date=date(2026, 10, 1), end_date=date(2026, 12, 31))
    north, south = Branch(name="Chi nhánh số 1"), Branch(name="Chi nhánh số 6")
    p1, p2 = make_point(name="Điểm Hoàn Kiếm", branch=north), make_point(name="Điểm Cửa Nam", branch=north)
    p3 = make_point(name="Điểm Gia Lâm", branch=south)
    a = make_user(full_name="Nguyễn Thị An", school="Trường Đại học Luật Hà Nội")
    b = make_user(full_name="Trần Văn Bình", school="Học viện Nông nghiệp")
    c = make_user(full_name="Lê Thu Cúc", school="Trường Đại học Luật Hà Nội")
    leader = make_user(role="leader")
    db.session.add(PointLeader(point_id=p1.id, user_id=leader.id))
    vneid = ActivityCategory(campaign_id=campaign.id, key="vneid", label_vi="Kích hoạt VNeID",
                             label_en="VNeID activations", position=1)
    online = ActivityCategory(campaign_id=campaign.id, key="online", label_vi="Nộp hồ sơ trực tuyến",
                              label_en="Online submissions", position=2)
    db.session.add_all([vneid, online])
    s1 = _shift(campaign, p1, date(2026, 11, 2), 2)
    _book(s1, a)
    _book(s1, b, "no_show")
    s2 = _shift(campaign, p2, date(2026, 11, 3), 3)
    _book(s2, a, adjusted=180)
    s3 = _shift(campaign, p3, date(2026, 11, 5), 2)
    _book(s3, c)
    _book(_shift(campaign, p1, date(2026, 11, 9), 2), c)  # the next week
    _book(_shift(campaign, p1, date(2026, 10, 28), 2), b)  # the week before
    db.session.flush()
    log1 = ActivityLog(shift_id=s1.id, elderly_helped=3)
    log1.counts = [ActivityCount(category_id=vneid.id, count=10), ActivityCount(category_id=online.id, count=5)]
    log3 = ActivityLog(shift_id=s3.id)
    log3.counts = [ActivityCount(category_id=vneid.id, count=4)]
    db.session.add_all([log1, log3])
    for point, day, status in ((p1, date(2026, 11, 4), "new"), (p3, date(2026, 11, 6), "resolved"),
                               (p1, date(2026, 10, 29), "new")):
        db.session.add(CitizenFeedback(point_id=point.id, category="waiting", text="Chờ lâu", status=status,
                                       created_at=datetime.combine(day, time(10), LOCAL_TZ)))
    db.session.commit()
    return Town(campaign=campaign, places={"p1": p1, "p2": p2, "p3": p3, "north": north, "south": south},
                leader=leader, people=(a, b, c), categories={"vneid": vneid, "online": online})


def test_the_week_matches_the_totals_computed_by_hand(town):
    f = figures(Filters(*WEEK, campaign_id=town.campaign.id))
    assert (f.shifts, f.shifts_filled, f.seats, f.seats_booked, f.seats_empty) == (3, 1, 7, 4, 3)
    assert (f.volunteers, f.minutes, f.present, f.no_shows) == (2, 240 + 180 + 240, 3, 1)
    assert f.no_show_rate == 0.25
    assert {c["key"]: c["count"] for c in f.categories} == {"vneid": 14, "online": 5}
    assert f.citizens_helped == 19 and f.elderly_helped == 3
    assert f.feedback == {"new": 1, "forwarded": 0, "resolved": 1}
    assert [(d["day"], d["helped"]) for d in f.per_day if d["helped"]] == [(date(2026, 11, 2), 15),
                                                                           (date(2026, 11, 5), 4)]
    assert [(s["school"], s["minutes"], s["volunteers"]) for s in f.per_school] == [
        ("Trường Đại học Luật Hà Nội", 660, 2)]
    assert {p["point"]: (p["booked"], p["seats"]) for p in f.per_point} == {
        "Điểm Hoàn Kiếm": (2, 2), "Điểm Cửa Nam": (1, 3), "Điểm Gia Lâm": (1, 2)}


def test_a_shift_counts_on_its_hanoi_day_and_week(town):
    """23:30 on Sunday 08/11 is 16:30 UTC and 00:30 on Monday 09/11 is 17:30 UTC, the same UTC Sunday:
    the first is the week's last day, the second the next week's first."""
    student = town.people[0]
    sunday_night = _shift(town.campaign, town.places["p3"], date(2026, 11, 8), 1, at=time(23, 30))
    monday_small_hours = _shift(town.campaign, town.places["p3"], date(2026, 11, 9), 1, at=time(0, 30))
    for shift, helped in ((sunday_night, 7), (monday_small_hours, 9)):
        _book(shift, student)
        log = ActivityLog(shift_id=shift.id)
        log.counts = [ActivityCount(category_id=town.categories["vneid"].id, count=helped)]
        db.session.add(log)
    db.session.commit()
    week = figures(Filters(*WEEK, campaign_id=town.campaign.id))
    assert (week.shifts, week.minutes, week.citizens_helped) == (4, 660 + 240, 19 + 7)
    assert [(d["day"], d["helped"], d["minutes"]) for d in week.per_day][-1] == (date(2026, 11, 8), 7, 240)
    following = figures(Filters(date(2026, 11, 9), date(2026, 11, 15), campaign_id=town.campaign.id))
    assert [(d["day"], d["helped"]) for d in following.per_day if d["helped"]] == [(date(2026, 11, 9), 9)]


def test_filters_by_branch_point_and_school(town):
    south = figures(Filters(*WEEK, campaign_id=town.campaign.id, branch_id=town.places["south"].id))
    assert (south.shifts, south.minutes, south.citizens_helped, south.feedback["resolved"]) == (1, 240, 4, 1)
    law = figures(Filters(*WEEK, campaign_id=town.campaign.id, school="luật"))
    assert (law.volunteers, law.minutes, law.no_shows) == (2, 660, 0)
    one = figures(Filters(*WEEK, point_id=town.places["p2"].id))
    assert (one.shifts, one.seats_empty, one.minutes) == (1, 2, 180)


def test_the_report_compares_with_the_period_before(town):
    assert period("week", date(2026, 11, 5)) == WEEK and period("month", date(2026, 11, 5))[1] == date(2026, 11, 30)
    assert last_full("week", date(2026, 11, 11)) == WEEK
    assert last_full("month", date(2026, 11, 11))[0] == date(2026, 10, 1)
    rows = {r["key"]: r for r in compare(figures(Filters(*WEEK, campaign_id=town.campaign.id)),
                                         figures(Filters(*BEFORE, campaign_id=town.campaign.id)))}
    assert (rows["volunteers"]["value"], rows["volunteers"]["previous"], rows["volunteers"]["change"]) == (2, 1, 1)
    assert rows["minutes"]["change"] == 660 - 240 and rows["minutes"]["percent"] == pytest.approx(175.0)
    assert rows["citizens_helped"]["previous"] == 0 and rows["citizens_helped"]["percent"] is None
    assert rows["category:vneid"]["value"] == 14


def test_a_leader_sees_only_the_points_they_lead(town, auth, client, make_user):
    auth.as_(town.leader)
    page = client.get("/reports/", query_string={"campaign": town.campaign.id, "start": "02/11/2026",
                                                 "end": "08/11/2026", "point": town.places["p3"].id})
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Điểm Gia Lâm" not in body and "Điểm Cửa Nam" not in body
    assert "Điểm Hoàn Kiếm" in body
    mine = figures(Filters(*WEEK, point_ids=(town.places["p1"].id,)))
    assert (mine.shifts, mine.minutes, mine.no_shows, mine.citizens_helped, mine.feedback["new"]) == (1, 240, 1, 15, 1)
    auth.logout()
    auth.as_(make_user())
    assert client.get("/reports/").status_code == 403


def test_the_exports_open_back_with_the_same_figures(town, auth, client, make_user):
    auth.as_(make_user(role="admin"))
    args = {"campaign": town.campaign.id, "start": "2026-11-05"}
    raw = client.get("/reports/week.csv", query_string=args).data.decode("utf-8-sig")
    rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(raw))}
    assert rows["Tình nguyện viên tham gia"] == ["2", "1", "1"]
    book = load_workbook(io.BytesIO(client.get("/reports/week.xlsx", query_string=args).data))
    cells = {row[0].value: [c.value for c in row[1:]] for row in book.active.iter_rows(min_row=2)}
    assert cells["Kích hoạt VNeID"] == [14, 0, 14]
    page = client.get("/reports/week", query_string=args).get_data(as_text=True)
    assert "02/11/2026 – 08/11/2026" in page
    assert client.get("/reports/year").status_code == 404


def test_the_last_full_week_is_mailed_to_the_organisers(town, make_user, outbox):
    from portal.reports.services import send_period
    organiser = make_user(role="admin")
    make_user(role="admin", active=False)
    lines = send_period("week", date(2026, 11, 11))
    assert len(lines) == 1 and organiser.email in lines[0]
    (message,) = outbox(organiser.email)
    assert "02/11/2026" in message.subject and "/reports/week?campaign=" in message.body_text
    assert "Tình nguyện viên tham gia: 2 (+1)" in message.body_text
    assert send_period("week", date(2026, 11, 12)) == []  # the same week again (a second worker, a retry): nothing
    assert len(outbox(organiser.email)) == 1
    assert len(send_period("week", date(2026, 11, 18))) == 1  # the next week is its own period


def test_two_workers_mailing_one_period_at_once_mail_it_once(app, town, make_user):
    from portal.mail.models import OutboxMessage
    from portal.reports.services import send_period
    make_user(role="admin")
    barrier = Barrier(2, timeout=20)

    def mail_once(_):
        with app.app_context():
            barrier.wait()
            try:
                return len(send_period("month", date(2026, 12, 3)))
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=2) as pool:
        assert sorted(pool.map(mail_once, range(2))) == [0, 1]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "report")) == 1


def test_the_reports_are_periodic_jobs_at_eight_in_hanoi():
    from portal.jobs.queue import SCHEDULES, huey
    assert any(name.endswith("weekly_reports") for name in SCHEDULES)
    monday_8_hanoi = datetime(2026, 12, 7, 1, 0)  # 01:00 UTC, naive as huey keeps it
    due = {t.name for t in huey.read_periodic(monday_8_hanoi)}
    assert "weekly_reports" in due and "monthly_reports" not in due
    assert "monthly_reports" in {t.name for t in huey.read_periodic(datetime(2027, 1, 1, 1, 0))}


def test_the_ledger_and_the_printable_report(town, auth, client, make_user):
    from pypdf import PdfReader
    auth.as_(make_user(role="admin"))
    args = {"campaign": town.campaign.id, "start": "02/11/2026", "end": "08/11/2026"}
    raw = client.get("/reports/ledger.csv", query_string=args).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))[1:]
    assert [(r[2], r[4], r[5], r[6]) for r in rows] == [("Trần Văn Bình", "0", "0", "1"),
                                                        ("Nguyễn Thị An", "2", "7", "0"),
                                                        ("Lê Thu Cúc", "1", "4", "0")]
    pdf = client.get("/reports/week.pdf", query_string={"campaign": town.campaign.id, "start": "2026-11-05"})
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Báo cáo tuần" in text and "02/11/2026 – 08/11/2026" in text and "Kích hoạt VNeID" in text
    auth.logout()
    auth.as_(town.leader)
    assert client.get("/reports/ledger.csv").status_code == 403


@pytest.mark.hanoi_time("2026-03-10 10:00")  # a call goes out in the day: quiet hours hold it at night
def test_staffing_puts_the_shortest_shifts_first_and_calls_only_free_trained_students(
        app, make_user, make_campaign, make_point, make_shift, make_module, auth, client, outbox):
    from portal.reports.staffing import call_volunteers, candidates, needs
    from portal.shifts import booking
    from portal.training import signoff
    from tests.factories import enrol

    campaign = make_campaign(status="open", max_shifts_per_week=2)
    module = make_module(campaign)
    point, other = make_point(), make_point()
    short = make_shift(campaign, point, capacity=4)
    full = make_shift(campaign, other, starts_at=short.starts_at, capacity=1)
    free, busy, capped, untrained = (make_user(full_name=n) for n in ("Tự Do", "Bận Rộn", "Đủ Ca", "Chưa Học"))
    enrol(campaign, free, busy, capped, untrained)
    signoff.complete(make_user(role="admin"), module, [free.id, busy.id, capped.id], method="session")
    booking.book(busy, full.id)  # at that very time, elsewhere
    for hours_later in (5, 8):  # two shifts that week already (the same afternoon): the campaign's cap
        extra = make_shift(campaign, other, starts_at=short.starts_at + timedelta(hours=hours_later), hours=2,
                           capacity=2)
        booking.book(capped, extra.id)
    first = needs()[0]
    assert first.shift.id == short.id and first.shortfall == 4
    assert [u.full_name for u in candidates(short)] == ["Tự Do"]
    admin = make_user(role="admin")
    from portal.accounts import consent

    consent.grant(free, consent.NEWS, "2025-12")  # calls go only to those who agreed to campaign news
    db.session.commit()
    assert call_volunteers(admin, short) == 1
    calls = [[m.kind for m in outbox(u.email) if m.kind == "staffing"] for u in (free, busy)]
    assert calls == [["staffing"], []]  # other emails (training confirmed, shift booked) are not calls
    from portal.core.validation import InvalidInput

    with pytest.raises(InvalidInput):  # not twice within six hours
        call_volunteers(admin, short)
    leader = make_user(role="leader")
    auth.as_(leader)
    assert client.post(f"/reports/staffing/{short.id}/call").status_code == 403  # not their point
    assert client.get("/reports/staffing").status_code == 200


def test_seed_scale_obeys_the_booking_rules_and_leaves_the_database_usable(app, monkeypatch, make_user):
    from sqlalchemy import func, select

    from portal import seed_scale

    monkeypatch.setattr(seed_scale, "STUDENTS", 300)
    monkeypatch.setattr(seed_scale, "DAYS", 4)
    monkeypatch.setattr(seed_scale, "POINTS", 14)
    monkeypatch.setattr(seed_scale, "BRANCHES", 3)
    lines = seed_scale.seed_scale(password="x" * 12)
    assert "168 shifts" in lines[1]
    over = db.session.scalar(select(func.count()).select_from(Shift).where(Shift.booked_count > Shift.capacity))
    assert over == 0
    stored = dict(db.session.execute(select(Booking.shift_id, func.count()).group_by(Booking.shift_id)).all())
    assert all(stored.get(s.id, 0) == s.booked_count for s in db.session.scalars(select(Shift)))
    clashes = db.session.scalar(select(func.count()).select_from(
        select(Booking.user_id, Shift.starts_at).join(Shift, Shift.id == Booking.shift_id)
        .group_by(Booking.user_id, Shift.starts_at).having(func.count() > 1).subquery()))
    assert clashes == 0  # nobody is in two places at once
    assert seed_scale.seed_scale() == [f"campaign {seed_scale.SLUG} already exists: nothing done"]
    make_user()  # ids continue after the bulk insert (PostgreSQL sequences advanced)


def test_odd_query_strings_get_pages_not_errors_and_a_leader_export_is_scoped(town, auth, client, make_user):
    auth.as_(make_user(role="admin"))
    for path in ("/reports/?kind=week", "/reports/?fmt=csv&campaign=abc&point=-1", "/reports/week?fmt=x",
                 "/reports/week?start=0001-01-01", "/reports/month?start=9999-12-15",
                 "/reports/week.pdf?start=2026-02-30",
                 "/reports/week.pdf?school=%3Cfoo&start=2026-11-05", "/reports/?start=31/02/2026&end=x"):
        assert client.get(path).status_code == 200, path
    assert "02/11/2026" in client.get("/reports/week?start=05/11/2026").get_data(as_text=True)
    accented = figures(Filters(*WEEK, campaign_id=town.campaign.id, school="ĐẠI HỌC luật"))
    assert accented.volunteers == 2
    auth.logout()
    auth.as_(town.leader)
    raw = client.get("/reports/week.csv", query_string={"start": "2026-11-05", "point": town.places["p3"].id})
    rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(raw.data.decode("utf-8-sig")))}
    assert rows["Số giờ tham gia"][0] == "4"  # only Hoàn Kiếm's 4 hours, never Gia Lâm's
