"""Guide QR scans in the weekly and monthly reports: per period next to citizens helped, per point, within the
report's filters, in a bounded number of statements."""
from datetime import date, datetime, time, timedelta

import pytest

from portal.campaigns.models import Branch, PointLeader
from portal.core.clock import LOCAL_TZ
from portal.extensions import db
from portal.guides.models import GuideScan
from portal.reports.figures import Figures, Filters, compare
from portal.reports.scans import add_scans
from portal.shifts.models import Shift

WEEK = (date(2026, 11, 2), date(2026, 11, 8))
BEFORE_START = date(2026, 10, 26)


@pytest.fixture
def scanned(app, make_campaign, make_point, make_guide, make_user):
    """Scans at two points of a campaign (two branches) and at a point the campaign never used."""
    campaign = make_campaign(status="open", start_date=date(2026, 10, 1), end_date=date(2026, 12, 31))
    north, south = Branch(name="Chi nhánh Bắc"), Branch(name="Chi nhánh Nam")
    hoan_kiem, gia_lam = make_point(name="Điểm Hoàn Kiếm", branch=north), make_point(name="Điểm Gia Lâm", branch=south)
    elsewhere = make_point(name="Điểm Khác", branch=north)
    for point in (hoan_kiem, gia_lam):
        start = datetime.combine(date(2026, 11, 3), time(8), LOCAL_TZ)
        db.session.add(Shift(campaign_id=campaign.id, point_id=point.id, starts_at=start,
                             ends_at=start + timedelta(hours=4), capacity=2, booked_count=0))
    vneid, ihanoi = make_guide(slug="vneid"), make_guide(slug="ihanoi")
    rows = [(vneid, hoan_kiem, date(2026, 11, 2), 5), (ihanoi, hoan_kiem, date(2026, 11, 8), 2),
            (vneid, gia_lam, date(2026, 11, 4), 3), (vneid, elsewhere, date(2026, 11, 4), 40),
            (vneid, hoan_kiem, date(2026, 11, 1), 7),  # the Sunday before: the previous week
            (vneid, hoan_kiem, date(2026, 11, 9), 100)]  # the Monday after: not this week
    db.session.add_all([GuideScan(guide_id=g.id, point_id=p.id, day=d, count=n) for g, p, d, n in rows])
    leader = make_user(role="leader")
    db.session.add(PointLeader(point_id=gia_lam.id, user_id=leader.id))
    db.session.commit()
    return {"campaign": campaign, "north": north, "hoan_kiem": hoan_kiem, "gia_lam": gia_lam, "leader": leader}


def scanned_in(filters: Filters) -> tuple[int, int, list]:
    current, earlier = Figures(), Figures()
    add_scans(current, earlier, filters, BEFORE_START)
    return current.guide_scans, earlier.guide_scans, [(r["point"], r["scans"]) for r in current.scans_per_point]


def test_scans_are_summed_per_period_and_point_within_the_filters(scanned):
    assert scanned_in(Filters(*WEEK)) == (50, 7, [("Điểm Khác", 40), ("Điểm Hoàn Kiếm", 7), ("Điểm Gia Lâm", 3)])
    campaign = scanned_in(Filters(*WEEK, campaign_id=scanned["campaign"].id))  # the campaign's points only
    assert campaign == (10, 7, [("Điểm Hoàn Kiếm", 7), ("Điểm Gia Lâm", 3)])
    assert scanned_in(Filters(*WEEK, branch_id=scanned["north"].id))[0] == 47
    assert scanned_in(Filters(*WEEK, point_id=scanned["gia_lam"].id)) == (3, 0, [("Điểm Gia Lâm", 3)])
    assert scanned_in(Filters(*WEEK, point_ids=(scanned["gia_lam"].id,)))[0] == 3  # a leader's points
    assert scanned_in(Filters(*WEEK, point_ids=()))[0] == 0


def test_the_comparison_puts_scans_next_to_citizens_helped(scanned):
    current, earlier = Figures(), Figures()
    add_scans(current, earlier, Filters(*WEEK), BEFORE_START)
    keys = [row["key"] for row in compare(current, earlier)]
    assert keys.index("guide_scans") == keys.index("citizens_helped") + 1
    row = next(r for r in compare(current, earlier) if r["key"] == "guide_scans")
    assert (row["value"], row["previous"], row["change"]) == (50, 7, 43)


@pytest.mark.hanoi_time("2026-11-20 10:00")
def test_the_weekly_report_and_its_export_show_the_scans(scanned, make_user, auth, client, count_queries):
    auth.as_(make_user(role="admin"))
    args = {"campaign": scanned["campaign"].id, "start": "2026-11-02", "lang": "en"}
    client.get("/reports/week", query_string=args)  # the session's first page does its own bookkeeping
    with count_queries() as counted:
        response = client.get("/reports/week", query_string=args)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and counted.n <= 20
    assert 'data-key="guide_scans"' in page and "Guide QR scans" in page
    table = page.split('id="report-scans"')[1].split("</table>")[0]
    assert "Điểm Hoàn Kiếm" in table and "Điểm Gia Lâm" in table and "Điểm Khác" not in table
    csv = client.get("/reports/week.csv", query_string=args).data.decode("utf-8-sig")
    assert "Guide QR scans,10,7,3" in csv
    month = client.get("/reports/month", query_string={**args, "start": "2026-11-01"}).get_data(as_text=True)
    assert 'data-key="guide_scans"' in month and "Điểm Hoàn Kiếm" in month.split('id="report-scans"')[1]


@pytest.mark.hanoi_time("2026-11-20 10:00")
def test_a_leader_sees_the_scans_of_their_points_only(scanned, auth, client):
    auth.as_(scanned["leader"])
    page = client.get("/reports/week", query_string={"campaign": scanned["campaign"].id, "start": "2026-11-02",
                                                     "lang": "en"}).get_data(as_text=True)
    table = page.split('id="report-scans"')[1].split("</table>")[0]
    assert "Điểm Gia Lâm" in table and "Điểm Hoàn Kiếm" not in table
