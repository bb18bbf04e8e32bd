"""The organiser's end of season: a past campaign chosen in reports shows its own figures, the printed
report is a paper the organisers can sign, and exports hold typed cells that sum."""
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from portal.campaigns.models import Campaign, CampaignOrganiser, ServicePoint
from portal.core import clock
from portal.core.clock import LOCAL_TZ
from portal.extensions import db
from portal.operations.models import ActivityLog, Attendance, CitizenFeedback
from portal.shifts.models import Booking, Shift
from portal.spreadsheets import to_csv, to_xlsx


def _served(campaign, point, user, day, minutes=240, status="present"):
    start = datetime.combine(day, time(8), LOCAL_TZ)
    shift = Shift(campaign_id=campaign.id, point_id=point.id, starts_at=start, ends_at=start + timedelta(hours=4),
                  capacity=3, booked_count=1)
    db.session.add(shift)
    db.session.flush()
    booking = Booking(shift_id=shift.id, user_id=user.id, status="booked")
    db.session.add(booking)
    db.session.flush()
    db.session.add(Attendance(booking_id=booking.id, status=status,
                              adjusted_minutes=minutes if status == "present" else None))
    return shift


@dataclass
class Seasons:
    """Last season, ended on 15/02/2026, and the point where its students served."""

    past: Campaign
    point: ServicePoint


@pytest.fixture
def seasons(app, make_campaign, make_point, make_user):
    """Last season (ended 15/02/2026, two students served 4 h and 2 h 30) and the current one."""
    past = make_campaign(name="Mùa 2025–2026", status="closed", start_date=date(2025, 12, 18),
                         end_date=date(2026, 2, 15))
    past.organisers.extend([CampaignOrganiser(name="Thành đoàn Hà Nội", position=0),
                            CampaignOrganiser(name="Trung tâm Phục vụ hành chính công thành phố Hà Nội", position=1)])
    today = clock.local_today()
    make_campaign(name="Mùa hiện tại", status="open", start_date=today - timedelta(days=10),
                  end_date=today + timedelta(days=60))
    point = make_point(name="Điểm xã Gia Lâm")
    an, binh = make_user(full_name="Nguyễn Thị An", school="Học viện Nông nghiệp"), make_user(full_name="Trần Văn Bình")
    first = _served(past, point, an, date(2026, 2, 9))
    _served(past, point, binh, date(2026, 2, 10), minutes=150)
    db.session.flush()
    db.session.add(ActivityLog(shift_id=first.id, incidents="Máy quét số 2 bị kẹt giấy, đã chuyển sang máy 1."))
    db.session.add_all([
        CitizenFeedback(point_id=point.id, category="waiting", text="Buổi sáng thứ Hai phải chờ lâu.",
                        created_at=datetime.combine(date(2026, 2, 11), time(9), LOCAL_TZ)),
        CitizenFeedback(point_id=point.id, category="other", text="Gọi lại cho tôi số 0987654321 nhé.",
                        created_at=datetime.combine(date(2026, 2, 12), time(9), LOCAL_TZ))])
    db.session.commit()
    return Seasons(past=past, point=point)


def _headline(page: str) -> str:
    return page[page.index('id="headline"'):page.index("</dl>", page.index('id="headline"'))]


def test_choosing_a_past_campaign_shows_its_figures_not_the_last_30_days(seasons, auth, client, make_user):
    auth.as_(make_user(role="admin"))
    opened = client.get("/reports/").get_data(as_text=True)  # the current season, the last 30 days
    current_id = re.search(r'<input id="dates_for" name="dates_for" type="hidden" value="(\d+)">', opened).group(1)
    assert current_id and current_id != str(seasons.past.id)
    # Without JavaScript the form sends the old dates with the new campaign: the campaign's dates win.
    typed_before = {"campaign": seasons.past.id, "dates_for": current_id, "start": "01/11/2026", "end": "30/11/2026"}
    page = client.get("/reports/", query_string=typed_before).get_data(as_text=True)
    assert "18/12/2025 – 15/02/2026" in page and 'value="18/12/2025"' in page and 'value="15/02/2026"' in page
    assert "<dd>2</dd>" in _headline(page)  # two volunteers, not zero
    # Dates typed for the campaign already chosen are kept.
    kept = client.get("/reports/", query_string={**typed_before, "dates_for": seasons.past.id, "start": "10/02/2026",
                                                 "end": "15/02/2026"}).get_data(as_text=True)
    assert "10/02/2026 – 15/02/2026" in kept and "<dd>1</dd>" in _headline(kept)
    # A link naming only the campaign gets its dates too.
    linked = client.get("/reports/", query_string={"campaign": seasons.past.id}).get_data(as_text=True)
    assert "18/12/2025 – 15/02/2026" in linked


def test_the_weekly_report_of_a_past_campaign_opens_on_its_last_week(seasons, auth, client, make_user):
    auth.as_(make_user(role="admin"))
    page = client.get("/reports/week", query_string={"campaign": seasons.past.id}).get_data(as_text=True)
    assert "09/02/2026 – 15/02/2026" in page
    row = page[page.index('data-key="volunteers"'):]
    assert ">2</td>" in row[:row.index("</tr>")]  # this week's volunteers, not zero
    earlier = client.get("/reports/week", query_string={"campaign": seasons.past.id, "dates_for": seasons.past.id,
                                                        "start": "2026-02-02"}).get_data(as_text=True)
    assert "02/02/2026 – 08/02/2026" in earlier  # moving between periods keeps the period


def test_the_printed_report_is_a_paper_with_header_narrative_and_signature(seasons, auth, client, make_user):
    auth.as_(make_user(role="admin"))
    pdf = client.get("/reports/week.pdf",
                     query_string={"campaign": seasons.past.id, "dates_for": seasons.past.id, "start": "2026-02-09"})
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert text.index("THÀNH ĐOÀN HÀ NỘI") < text.index("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG")  # parent over issuer
    assert "Hà Nội, ngày" in text and "09/02/2026 – 15/02/2026" in text
    assert "Máy quét số 2 bị kẹt giấy" in text  # the incident from the activity log
    assert "Buổi sáng thứ Hai phải chờ lâu." in text  # a feedback example
    assert "0987654321" not in text  # never a citizen's personal data
    assert "....................." in text  # the signature line


def test_xlsx_cells_are_numbers_and_dates_that_sum(seasons, auth, client, make_user):
    auth.as_(make_user(role="admin"))
    book = load_workbook(io.BytesIO(client.get("/reports/ledger.xlsx", query_string={
        "campaign": seasons.past.id, "dates_for": seasons.past.id, "start": "18/12/2025", "end": "15/02/2026"}).data))
    rows = list(book.active.iter_rows(min_row=2))
    hours = [row[5] for row in rows]
    assert all(isinstance(c.value, (int, float)) for c in hours) and sum(c.value for c in hours) == 6.5
    assert all(isinstance(row[4].value, int) for row in rows)
    sheet = load_workbook(io.BytesIO(to_xlsx("t", ["Ngày", "Giờ"], [[date(2026, 2, 9), 2.5]]))).active
    assert sheet["A2"].is_date and sheet["A2"].number_format == "dd/mm/yyyy" and sheet["B2"].value == 2.5
    rows = [[date(2026, 2, 9), 2.5], [date(2026, 2, 10), 7.0]]
    assert to_csv(["Ngày", "Giờ"], rows).decode("utf-8-sig").splitlines()[1:] == ["09/02/2026,2.5", "10/02/2026,7"]
