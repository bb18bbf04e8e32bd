"""Printed rosters: who may print them, what they show (phones only to those who run the point, never a
cancelled booking), that the PDFs are PDFs with the names in Vietnamese, the week plan on one page, and a
mistyped day or week refused in Vietnamese."""
from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass

import pytest
from pypdf import PdfReader

from portal.campaigns.models import PointLeader
from portal.core import clock
from portal.extensions import db
from portal.operations import activity
from portal.rosters import pdf
from portal.rosters import services as rosters
from portal.shifts.models import Booking
from tests import factories
from tests.conftest import hanoi

pytestmark = pytest.mark.hanoi_time("2026-01-12 06:00")  # a Monday morning, before the first shift


@dataclass
class Point:
    """A point led by `leader` with a shift on Monday 12/01/2026 07:30 (An and Bình booked, Cường cancelled),
    `other_leader` who leads another point, a student and an organiser."""

    campaign: object
    point: object
    leader: object
    other_leader: object
    admin: object
    student: object
    shift: object
    booked: list
    cancelled: object


@pytest.fixture
def world(make_user, make_campaign, make_point, make_shift):
    campaign = make_campaign()
    activity.add_default_categories(campaign.id)
    point, elsewhere = make_point(name="Điểm Hỗ trợ dịch vụ công xã Gia Lâm"), make_point()
    leader, other_leader = make_user(role="leader", full_name="Phạm Thu Hà"), make_user(role="leader")
    db.session.add_all([PointLeader(point_id=point.id, user_id=leader.id),
                        PointLeader(point_id=elsewhere.id, user_id=other_leader.id)])
    shift = make_shift(campaign, point, starts_at=hanoi("2026-01-12 07:30"), capacity=4, booked_count=2)
    an = make_user(full_name="Trần Văn An", phone="0912000111")
    binh = make_user(full_name="Nguyễn Thị Bình", phone="0912000222")
    cuong = make_user(full_name="Lê Đức Cường", phone="0912000333")
    factories.enrol(campaign, an, binh, cuong)
    db.session.add_all([Booking(shift_id=shift.id, user_id=binh.id), Booking(shift_id=shift.id, user_id=an.id),
                        Booking(shift_id=shift.id, user_id=cuong.id, status="cancelled")])
    db.session.commit()
    return Point(campaign, point, leader, other_leader, make_user(role="admin"), an, shift, [an, binh], cuong)


def _text(data: bytes) -> str:
    """A PDF's text, NFC, with its lines joined."""
    reader = PdfReader(io.BytesIO(data))
    return unicodedata.normalize("NFC", " ".join(page.extract_text() for page in reader.pages))


def _pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def _urls(w: Point) -> list[str]:
    return [f"/shifts/{w.shift.id}/roster", f"/shifts/{w.shift.id}/roster.pdf",
            f"/points/{w.point.id}/roster?date=12/01/2026", f"/points/{w.point.id}/roster.pdf?date=12/01/2026",
            f"/points/{w.point.id}/plan?week=14/01/2026", f"/points/{w.point.id}/plan.pdf?week=14/01/2026"]


def test_the_points_leader_and_organisers_print_rosters_others_are_refused(world, client, auth):
    for person, expected in ((world.leader, 200), (world.admin, 200), (world.other_leader, 403),
                             (world.student, 403)):
        auth.as_(person)
        assert [client.get(url).status_code for url in _urls(world)] == [expected] * 6, person.full_name
        auth.logout()
    auth.as_(world.leader)
    for url in ("/shifts/999999/roster", "/shifts/999999/roster.pdf", "/points/999999/roster",
                "/points/999999/plan.pdf"):
        assert client.get(url).status_code == 404


def test_the_roster_lists_the_booked_by_given_name_with_boxes_and_the_campaigns_categories(world, client, auth):
    auth.as_(world.leader)
    page = client.get(f"/shifts/{world.shift.id}/roster").get_data(as_text=True)
    assert page.index("Trần Văn An") < page.index("Nguyễn Thị Bình")  # An before Bình: by given name
    assert "Lê Đức Cường" not in page and "0912000333" not in page  # a cancelled booking is not on the roster
    assert page.count('class="write-in"') >= 4  # a check-in and a check-out box for each volunteer
    assert "Hướng dẫn hoàn thiện hồ sơ" in page and "Thanh toán không dùng tiền mặt" in page
    assert 'data-print' in page and f'href="/shifts/{world.shift.id}/roster.pdf"' in page
    assert "print.css" in page and "js/print.js" in page


def test_phones_are_shown_to_those_who_run_the_point_and_to_nobody_else(world, client, auth):
    auth.as_(world.leader)
    page = client.get(f"/shifts/{world.shift.id}/roster").get_data(as_text=True)
    assert 'href="tel:0912000111"' in page and "0912000222" in page
    assert rosters.may_see_phone(world.admin, world.point.id)
    assert not rosters.may_see_phone(world.other_leader, world.point.id)
    assert not rosters.may_see_phone(world.student, world.point.id)
    hidden = rosters.shift_roster(world.other_leader, world.shift)
    assert hidden.show_phone is False
    text = _text(pdf.roster_pdf(hidden, clock.now()))
    assert "Trần Văn An" in text and "0912000111" not in text
    assert "0912000111" in _text(pdf.roster_pdf(rosters.shift_roster(world.leader, world.shift), clock.now()))


def test_the_pdf_is_an_a4_pdf_with_the_names_in_vietnamese(world, client, auth):
    auth.as_(world.leader)
    response = client.get(f"/shifts/{world.shift.id}/roster.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.data))
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [595, 842]  # A4 portrait
    text = _text(response.data)
    for words in ("Trần Văn An", "Nguyễn Thị Bình", "Điểm Hỗ trợ dịch vụ công xã Gia Lâm", "12/01/2026",
                  "07:30", "Phạm Thu Hà", "Hướng dẫn hoàn thiện hồ sơ"):
        assert words in text, words
    assert "Lê Đức Cường" not in text


def test_a_points_day_prints_each_open_shift_on_its_own_page(world, client, auth, make_shift):
    afternoon = make_shift(world.campaign, world.point, starts_at=hanoi("2026-01-12 13:30"), capacity=3)
    db.session.add(Booking(shift_id=afternoon.id, user_id=world.cancelled.id))
    make_shift(world.campaign, world.point, starts_at=hanoi("2026-01-12 18:00"), status="cancelled")
    make_shift(world.campaign, world.point, starts_at=hanoi("2026-01-13 07:30"))  # the next day
    db.session.commit()
    auth.as_(world.leader)
    page = client.get(f"/points/{world.point.id}/roster?date=12/01/2026").get_data(as_text=True)
    assert page.count('class="card roster-sheet"') == 2
    data = client.get(f"/points/{world.point.id}/roster.pdf?date=12/01/2026").data
    assert _pages(data) == 2
    text = _text(data)
    assert "07:30" in text and "13:30" in text and "Lê Đức Cường" in text and "18:00" not in text
    empty = client.get(f"/points/{world.point.id}/roster?date=20/01/2026").get_data(as_text=True)
    assert "20/01/2026" in empty and 'class="card roster-sheet"' not in empty


@pytest.mark.parametrize("url", ["/points/{p}/roster?date=31/02/2026", "/points/{p}/roster.pdf?date=2026-13-01",
                                 "/points/{p}/plan?week=tuần sau", "/points/{p}/plan.pdf?week=99/99/9999"])
def test_a_mistyped_day_or_week_is_refused_in_vietnamese(world, client, auth, url):
    auth.as_(world.leader)
    response = client.get(url.format(p=world.point.id))
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "Nhập ngày theo dạng dd/mm/yyyy" in response.get_data(as_text=True)


def test_the_week_plan_shows_seats_names_and_open_seats(world, client, auth, make_shift):
    make_shift(world.campaign, world.point, starts_at=hanoi("2026-01-18 13:30"), capacity=2, status="cancelled")
    auth.as_(world.leader)
    page = client.get(f"/points/{world.point.id}/plan?week=15/01/2026").get_data(as_text=True)
    assert "12/01/2026" in page and "18/01/2026" in page  # Monday to Sunday of the day asked for
    assert "2/4" in page and "plan-cell--open" in page and "Còn 2 chỗ" in page
    assert "Trần Văn An" in page and "T.V. An" in page and "Phạm Thu Hà" in page
    assert "Lê Đức Cường" not in page
    assert "07:30–11:30" in page and "13:30–17:30" in page
    text = _text(client.get(f"/points/{world.point.id}/plan.pdf?week=15/01/2026").data)
    assert "T.V.\u00a0An" in text or "T.V. An" in text


def test_a_busy_week_still_fits_on_one_landscape_page(world, client, auth, make_user, make_shift):
    given = ("Khánh", "Hương", "Quỳnh", "Phượng", "Nguyệt", "Trường", "Thắng", "Dũng", "Hiếu", "Nghĩa")
    people = [make_user(full_name=f"Nguyễn Thị Ngọc {name}") for name in given]
    for day in range(12, 19):
        for start in ("07:30", "13:30", "18:00"):
            when = hanoi(f"2026-01-{day:02d} {start}")
            if when != world.shift.starts_at:  # that one has An and Bình already
                shift = make_shift(world.campaign, world.point, starts_at=when, capacity=10, booked_count=10)
                db.session.add_all(Booking(shift_id=shift.id, user_id=p.id) for p in people)
    db.session.commit()
    plan = rosters.week_plan(world.point, hanoi("2026-01-14 09:00").date())
    assert plan.shift_count == 21 and len(plan.slots) == 3
    auth.as_(world.leader)
    data = client.get(f"/points/{world.point.id}/plan.pdf?week=14/01/2026").data
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [842, 595]  # A4 landscape
    text = _text(data).replace("\u00a0", " ")
    assert all(f"N.T.N. {name}" in text for name in given)  # every name, in short


def test_short_names_keep_the_given_name_whole():
    assert rosters.short_name("Nguyễn Thị Lan") == "N.T. Lan"
    assert rosters.short_name("Đỗ Khánh Đức Việt") == "Đ.K.Đ. Việt"
    assert rosters.short_name("Lan") == "Lan"
