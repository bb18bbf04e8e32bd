"""The students' shift finder: one explanation for what blocks them, date chips, date boxes that say
what is wrong, a week per page that never cuts silently, preferred points first, a fixed query count."""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from portal.accounts.models import User, UserPreferredPoint
from portal.campaigns.models import Campaign, ServicePoint
from portal.core import clock
from portal.core.clock import LOCAL_TZ
from portal.extensions import db
from portal.shifts import booking, finder
from portal.shifts.models import WaitlistEntry
from tests.conftest import AFTER_MIDNIGHT, BEFORE_MIDNIGHT, DAY_BOUNDARIES, MONDAY_MORNING, SUNDAY_NIGHT
from tests.factories import enrol


def hanoi_today() -> date:
    return clock.local_today()


def at(day: date, hour: int = 8) -> datetime:
    """An instant on a Hanoi day (shifts at 08:00 are never in the past once the day is ahead)."""
    return datetime.combine(day, time(hour), LOCAL_TZ)


def cards(body: str) -> list[int]:
    """The ids of the shift cards on a page, in their order."""
    return [int(n) for n in re.findall(r'id="shift-(\d+)-booking"', body)]


@dataclass
class Town:
    """An open campaign at two points, Gia Lâm and Bát Tràng, and a trained, enrolled student."""

    campaign: Campaign
    gia_lam: ServicePoint
    bat_trang: ServicePoint
    student: User


@pytest.fixture
def town(make_user, make_campaign, make_point):
    """An open campaign (wide booking window) at two points, and a trained, enrolled student with a phone."""
    campaign = make_campaign(slug="mua-he", start_date=hanoi_today(), end_date=hanoi_today() + timedelta(days=90),
                             booking_window_days=60)
    gia_lam = make_point(name="Điểm Gia Lâm")
    bat_trang = make_point(name="Điểm Bát Tràng")
    student = make_user(full_name="Nguyễn Văn An")
    enrol(campaign, student)
    return Town(campaign=campaign, gia_lam=gia_lam, bat_trang=bat_trang, student=student)


def test_a_missing_phone_is_explained_once_above_the_list_not_on_every_card(client, auth, town, make_user, make_shift):
    student = make_user(phone=None)
    enrol(town.campaign, student)
    shifts = [make_shift(town.campaign, town.gia_lam, starts_at=at(hanoi_today() + timedelta(days=d)))
              for d in (1, 2, 3)]
    auth.as_(student)
    client.post("/language", data={"lang": "en"})
    body = client.get("/shifts/").get_data(as_text=True)
    assert body.count('id="finder-blockers"') == 1
    assert body.count("Add your phone number in My details before booking") == 1  # said once, not per card
    assert body.count('href="/profile#phone"') == 1
    assert set(cards(body)) == {s.id for s in shifts}
    assert "-action" not in body  # no button that would only be refused


def test_a_student_who_joined_nothing_sees_the_shifts_and_one_way_to_join(client, auth, town, make_user, make_shift):
    newcomer = make_user()
    shifts = [make_shift(town.campaign, p, starts_at=at(hanoi_today() + timedelta(days=2)))
              for p in (town.gia_lam, town.bat_trang)]
    auth.as_(newcomer)
    body = client.get("/shifts/").get_data(as_text=True)
    assert set(cards(body)) == {s.id for s in shifts}
    assert body.count(f'href="/campaigns/{town.campaign.slug}"') == 1
    assert "Join the campaign first." not in body  # the per-card refusal is gone


def test_an_overlap_is_said_on_its_own_card_and_the_others_stay_bookable(client, auth, town, make_shift):
    day = hanoi_today() + timedelta(days=2)
    mine, clash, free = (make_shift(town.campaign, town.gia_lam, starts_at=at(day)),
                         make_shift(town.campaign, town.bat_trang, starts_at=at(day)),
                         make_shift(town.campaign, town.bat_trang, starts_at=at(day, 14)))
    booking.book(town.student, mine.id)
    auth.as_(town.student)
    body = client.get("/shifts/").get_data(as_text=True)
    assert 'id="finder-blockers"' not in body
    assert body.count('class="muted small refusal"') == 1 and "Điểm Gia Lâm" in body
    assert f'id="shift-{free.id}-action"' in body and f'id="shift-{clash.id}-action"' not in body


@pytest.mark.parametrize("today, when, expected", [
    (date(2026, 12, 3), "today", (date(2026, 12, 3), date(2026, 12, 3))),      # a Thursday
    (date(2026, 12, 3), "tomorrow", (date(2026, 12, 4), date(2026, 12, 4))),
    (date(2026, 12, 3), "week", (date(2026, 12, 3), date(2026, 12, 6))),       # to Sunday
    (date(2026, 12, 3), "weekend", (date(2026, 12, 5), date(2026, 12, 6))),
    (date(2026, 12, 6), "weekend", (date(2026, 12, 6), date(2026, 12, 6))),    # on Sunday: what is left of it
    (date(2026, 12, 6), "week", (date(2026, 12, 6), date(2026, 12, 6))),
    (date(2026, 12, 7), "weekend", (date(2026, 12, 12), date(2026, 12, 13))),  # a Monday
])
def test_date_chips_cover_their_days(today, when, expected):
    assert finder.chip_range(when, today) == expected


@pytest.mark.parametrize("hanoi_time", ["2026-03-10 09:00", *DAY_BOUNDARIES])
def test_the_tomorrow_chip_lists_tomorrow_only_and_is_marked_current(hanoi_time, client, auth, town, make_shift):
    tomorrow = make_shift(town.campaign, town.gia_lam, starts_at=at(hanoi_today() + timedelta(days=1)))
    later = make_shift(town.campaign, town.gia_lam, starts_at=at(hanoi_today() + timedelta(days=2)))
    auth.as_(town.student)
    body = client.get("/shifts/?when=tomorrow").get_data(as_text=True)
    assert cards(body) == [tomorrow.id] and later.id not in cards(body)
    current = re.findall(r'<a class="chip" href="([^"]*)" aria-current="true"', body)
    assert current == ["/shifts/?when=tomorrow"]
    assert set(cards(client.get("/shifts/").get_data(as_text=True))) == {tomorrow.id, later.id}


def chip(client, when: str) -> list[int]:
    """The shift cards under a date chip."""
    return cards(client.get(f"/shifts/?when={when}").get_data(as_text=True))


@pytest.mark.parametrize("hanoi_time", [BEFORE_MIDNIGHT, SUNDAY_NIGHT])
def test_at_half_past_eleven_tomorrow_begins_at_midnight(hanoi_time, client, auth, town, make_shift):
    today = hanoi_today()
    late = make_shift(town.campaign, town.gia_lam, starts_at=at(today, 23) + timedelta(minutes=45), hours=2)
    small_hours = make_shift(town.campaign, town.bat_trang, starts_at=at(today + timedelta(days=1), 0)
                             + timedelta(minutes=15), hours=2)
    auth.as_(town.student)
    assert chip(client, "today") == [late.id]
    assert chip(client, "tomorrow") == [small_hours.id]


@pytest.mark.parametrize("hanoi_time", [AFTER_MIDNIGHT, MONDAY_MORNING])
def test_just_after_midnight_today_is_the_new_day(hanoi_time, client, auth, town, make_shift):
    today = hanoi_today()
    dawn = make_shift(town.campaign, town.gia_lam, starts_at=at(today, 6))
    next_dawn = make_shift(town.campaign, town.gia_lam, starts_at=at(today + timedelta(days=1), 6))
    auth.as_(town.student)
    assert chip(client, "today") == [dawn.id]
    assert chip(client, "tomorrow") == [next_dawn.id]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("query, field, message", [
    ("date_from-day=31&date_from-month=2&date_from-year=2026", "date_from",
     "Enter a real date, for example 27 3 2026."),
    ("date_from-day=ba&date_from-month=2&date_from-year=2026", "date_from",
     "Enter the date in numbers, for example 27 3 2026."),
    ("date_from-day=3&date_from-year=2026", "date_from", "Enter the day, the month and the year."),
    ("date_from-day=10&date_from-month=3&date_from-year=2027&date_to-day=1&date_to-month=3&date_to-year=2027",
     "date_to", "The end date must be the same as or after the start date."),
])
def test_a_wrong_date_is_named_beside_its_boxes_and_in_the_summary_and_the_list_still_shows(
        client, auth, town, make_shift, lang, query, field, message):
    shift = make_shift(town.campaign, town.gia_lam, starts_at=at(hanoi_today() + timedelta(days=2)))
    auth.as_(town.student)
    client.post("/language", data={"lang": lang})
    response = client.get(f"/shifts/?{query}")
    body = response.get_data(as_text=True)
    with force_locale(lang):
        expected = gettext(message)
    if lang == "en":
        assert expected == message
    assert response.status_code == 200
    assert re.search(rf'id="{field}-error"[^>]*>.*?{re.escape(expected)}', body, re.S)  # beside the boxes
    assert f'<a href="#{field}">{expected}</a>' in body  # and in the summary, linking to the day box
    assert f'id="{field}"' in body and 'aria-invalid="true"' in body
    assert cards(body) == [shift.id]  # the default range, not an empty page
    assert 'value="2026"' in body or 'value="2027"' in body  # the boxes keep what was typed


def test_the_finder_shows_a_week_at_a_time_with_links_to_the_next(client, auth, town, make_shift):
    today = hanoi_today()
    soon = make_shift(town.campaign, town.gia_lam, starts_at=at(today + timedelta(days=2)))
    next_week = make_shift(town.campaign, town.gia_lam, starts_at=at(today + timedelta(days=9)))
    auth.as_(town.student)
    body = client.get("/shifts/").get_data(as_text=True)
    assert cards(body) == [soon.id]
    following = today + timedelta(days=7)
    link = re.search(r'<a class="pager__link pager__link--next" href="([^"]+)">', body).group(1)
    assert f"week={following.isoformat()}" in link
    assert f"{following:%d/%m/%Y}–{following + timedelta(days=6):%d/%m/%Y}" in body  # the link names its dates
    page_two = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert cards(page_two) == [next_week.id] and "pager__link" in page_two  # and links back


def test_a_week_that_is_not_a_date_is_refused_aloud(client, auth, town, make_shift):
    shift = make_shift(town.campaign, town.gia_lam, starts_at=at(hanoi_today() + timedelta(days=2)))
    auth.as_(town.student)
    for week in ("tuan-sau", (hanoi_today() - timedelta(days=30)).isoformat()):
        response = client.get(f"/shifts/?week={week}")
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and 'class="error-summary"' in body and cards(body) == [shift.id]


def test_more_shifts_than_a_page_says_how_many_and_reaches_the_rest(client, auth, town, make_shift, monkeypatch):
    monkeypatch.setattr(finder, "PAGE_SIZE", 3)
    day = hanoi_today() + timedelta(days=2)
    shifts = [make_shift(town.campaign, p, starts_at=at(day, h))
              for h in (7, 12) for p in (town.gia_lam, town.bat_trang)]
    shifts.append(make_shift(town.campaign, town.gia_lam, starts_at=at(day, 17)))
    auth.as_(town.student)
    client.post("/language", data={"lang": "en"})
    body = client.get("/shifts/").get_data(as_text=True)
    assert len(cards(body)) == 3 and "Showing 1–3 of 5 shifts." in body
    more = re.search(r'<a class="button button--secondary" href="([^"]+)">Show the next 2 shifts</a>', body).group(1)
    rest = client.get(more.replace("&amp;", "&")).get_data(as_text=True)
    assert "Showing 4–5 of 5 shifts." in rest
    assert set(cards(body)) | set(cards(rest)) == {s.id for s in shifts}


def test_the_statement_count_stays_the_same_with_more_shifts_and_bookings(client, auth, town, make_shift, make_user,
                                                                          make_point, count_queries):
    day = hanoi_today() + timedelta(days=2)
    first = make_shift(town.campaign, town.gia_lam, starts_at=at(day))
    booking.book(town.student, first.id)
    auth.as_(town.student)
    client.get("/shifts/")
    with count_queries() as small:
        assert client.get("/shifts/").status_code == 200
    other = make_user()
    enrol(town.campaign, other)
    for n in range(12):
        point = make_point(name=f"Điểm thêm {n}")
        shift = make_shift(town.campaign, point, starts_at=at(day + timedelta(days=n % 4 + 1), 7 + n % 3 * 5),
                           capacity=1)
        if n < 3:
            booking.book(town.student, shift.id)
        elif n < 6:
            booking.book(other, shift.id)
            db.session.add(WaitlistEntry(shift_id=shift.id, user_id=town.student.id))
    db.session.commit()
    with count_queries() as large:
        body = client.get("/shifts/").get_data(as_text=True)
    assert len(cards(body)) == 13
    assert large.n == small.n <= 20, large.statements


def test_preferred_points_are_saved_and_their_shifts_come_first(client, auth, town, make_shift):
    day = hanoi_today() + timedelta(days=2)
    early_elsewhere = make_shift(town.campaign, town.gia_lam, starts_at=at(day, 7))
    later_preferred = make_shift(town.campaign, town.bat_trang, starts_at=at(day, 14))
    auth.as_(town.student)
    assert cards(client.get("/shifts/").get_data(as_text=True)) == [early_elsewhere.id, later_preferred.id]
    response = client.post("/shifts/preferred-points", data={"points": [str(town.bat_trang.id)]})
    assert response.status_code == 303 and response.headers["Location"].endswith("/shifts/")
    body = client.get("/shifts/").get_data(as_text=True)
    assert cards(body) == [later_preferred.id, early_elsewhere.id]
    assert "Điểm Bát Tràng" in client.get("/profile").get_data(as_text=True).split('id="preferred-points"')[1]
    page = client.get("/shifts/preferred-points").get_data(as_text=True)
    assert re.search(rf'value="{town.bat_trang.id}"[^>]*checked', page)


def test_the_finder_saves_a_chosen_branch_as_preferred_points(client, auth, town, make_point, make_shift):
    neighbour = make_point(name="Điểm Kiêu Kỵ", branch=town.gia_lam.branch)
    make_shift(town.campaign, town.gia_lam, starts_at=at(hanoi_today() + timedelta(days=2)))
    auth.as_(town.student)
    body = client.get(f"/shifts/?branch={town.gia_lam.branch_id}").get_data(as_text=True)
    form = body.split('action="/shifts/preferred-points"')[1].split("</form>")[0]
    chosen = re.findall(r'name="points" value="(\d+)"', form)
    assert sorted(map(int, chosen)) == sorted([town.gia_lam.id, neighbour.id])
    assert client.post("/shifts/preferred-points", data={"points": chosen}).status_code == 303
    saved = db.session.scalars(select(UserPreferredPoint.point_id)
                               .where(UserPreferredPoint.user_id == town.student.id)).all()
    assert sorted(saved) == sorted([town.gia_lam.id, neighbour.id])


def test_unknown_or_too_many_preferred_points_are_refused_and_nothing_changes(client, auth, town, make_point):
    auth.as_(town.student)
    assert client.post("/shifts/preferred-points", data={"points": [str(town.gia_lam.id)]}).status_code == 303
    inactive = make_point(name="Điểm tạm nghỉ", is_active=False)
    many = [str(make_point().id) for _ in range(13)]
    for points in ([str(inactive.id)], ["999999"], ["abc"], many):
        response = client.post("/shifts/preferred-points", data={"points": points})
        assert response.status_code == 422 and 'id="points-error"' in response.get_data(as_text=True)
    saved = db.session.scalars(select(UserPreferredPoint.point_id)
                               .where(UserPreferredPoint.user_id == town.student.id)).all()
    assert saved == [town.gia_lam.id]
