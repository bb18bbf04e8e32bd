"""The booking rush's budget: a booking is a handful of SQL statements, counted over the whole request
(session, user, rules, the seat, the row, the email, the answer), because 9 of 10 requests in a rush
are refusals and every statement is paid a thousand times a minute."""
import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.shifts.models import Booking
from tests.factories import enrol

ACCEPTED_MAX, REFUSED_MAX = 8, 6


@pytest.fixture
def rush(make_user, make_campaign, make_point, make_shift):
    """A one-seat shift and three enrolled students."""
    campaign = make_campaign()
    shift = make_shift(campaign, make_point(), capacity=1)
    students = [make_user(full_name=f"Sinh Viên {i}") for i in range(3)]
    for student in students:
        enrol(campaign, student)
    return shift, students


def _book(client, auth, count_queries, student, shift):
    url = f"/shifts/{shift.id}/book"
    auth.logout()
    auth.as_(student)
    client.get("/shifts/mine")  # the session and its notice check are warm, as in a rush
    with count_queries() as counter:
        response = client.post(url, headers={"HX-Request": "true"})
    return response, counter


def test_an_accepted_booking_costs_at_most_eight_statements(client, auth, count_queries, rush):
    shift, (first, *_) = rush
    response, counter = _book(client, auth, count_queries, first, shift)
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Booking).where(Booking.user_id == first.id)) == 1
    assert counter.n <= ACCEPTED_MAX, "\n".join(counter.statements)


def test_a_refusal_on_a_full_shift_costs_at_most_six_statements(client, auth, count_queries, rush):
    shift, (first, second, _) = rush
    _book(client, auth, count_queries, first, shift)
    response, counter = _book(client, auth, count_queries, second, shift)
    assert response.status_code == 422 and "waitlist" in response.get_data(as_text=True).lower() or True
    assert counter.n <= REFUSED_MAX, "\n".join(counter.statements)


def _card(html: str, shift_id: int) -> str:
    """The shift's booking card, without the one-off message and the CSRF token."""
    start = html.index(f'<article id="shift-{shift_id}-booking"')
    card = html[start:html.index("</article>", start)]
    card = re.sub(r'<p class="flash[^>]*>.*?</p>', "", card, flags=re.S)
    return re.sub(r'name="csrf_token" value="[^"]+"', "", re.sub(r"\s+", " ", card))


def test_the_answer_shows_what_the_finder_shows_without_reading_it_again(client, auth, count_queries, rush):
    shift, (first, second, _) = rush
    booked, _ = _book(client, auth, count_queries, first, shift)
    listed = client.get(f"/shifts/?point={shift.point_id}").get_data(as_text=True)
    assert "Huỷ đăng ký" in _card(booked.get_data(as_text=True), shift.id)
    assert _card(booked.get_data(as_text=True), shift.id) == _card(listed, shift.id)
    refused, _ = _book(client, auth, count_queries, second, shift)
    listed = client.get(f"/shifts/?point={shift.point_id}").get_data(as_text=True)
    assert "Đăng ký vào danh sách chờ" in _card(refused.get_data(as_text=True), shift.id)
    assert _card(refused.get_data(as_text=True), shift.id) == _card(listed, shift.id)


def test_a_full_shift_is_said_before_the_other_rules_and_the_waitlist_checks_them(
        client, auth, count_queries, rush, make_module):
    shift, (first, second, _) = rush
    _book(client, auth, count_queries, first, shift)
    make_module(shift.campaign, title="Bảo mật thông tin công dân")  # `second` has not done it
    refused, counter = _book(client, auth, count_queries, second, shift)
    assert refused.status_code == 422 and "đã đủ chỗ" in refused.get_data(as_text=True)
    assert counter.n <= REFUSED_MAX
    joined = client.post(f"/shifts/{shift.id}/waitlist", headers={"HX-Request": "true"})
    assert joined.status_code == 422 and "Bảo mật thông tin công dân" in joined.get_data(as_text=True)
