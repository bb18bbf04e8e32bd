"""'Bạn vẫn đến chứ?': the page a reminder links to, its two answers, and the leaders' view of them."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.notifications.models import Notification
from portal.reminders import answers
from portal.reminders import services as reminders
from portal.reminders.models import ShiftConfirmation
from portal.shifts.models import Booking, WaitlistEntry
from tests.core.conftest import row_counts


def _link(booking) -> str:
    return "/reminders/answer/" + reminders.token_for("answer", booking.id, booking.user_id)


def _post(client, booking, choice):
    return client.post(_link(booking), data={"answer": choice})


@pytest.mark.hanoi_time("2026-03-10 19:05")
def test_opening_the_link_only_shows_the_question_and_changes_nothing(scene, client):
    s = scene(booked=1)
    before = row_counts()
    page = client.get(_link(s.bookings[0]))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="answer-question"' in html and s.point.name in html
    assert 'name="answer" value="coming"' in html and 'name="answer" value="released"' in html
    assert row_counts() == before


@pytest.mark.hanoi_time("2026-03-10 19:05")
def test_a_tampered_or_foreign_link_is_refused(scene, client):
    s = scene(booked=2)
    assert client.get(_link(s.bookings[0]) + "x").status_code == 404
    forged = "/reminders/answer/" + reminders.token_for("answer", s.bookings[0].id, s.students[1].id)
    assert client.get(forged).status_code == 404
    missed = "/reminders/answer/" + reminders.token_for("missed", s.bookings[0].id, s.students[0].id)
    assert client.get(missed).status_code == 404  # a token of another purpose


@pytest.mark.hanoi_time("2026-03-10 19:05")
def test_coming_is_recorded_once_and_a_double_tap_changes_nothing(scene, client):
    s = scene(booked=1)
    assert _post(client, s.bookings[0], "coming").status_code == 303
    before = row_counts()
    again = _post(client, s.bookings[0], "coming")
    assert again.status_code == 303 and row_counts() == before
    (row,) = db.session.scalars(select(ShiftConfirmation)).all()
    assert row.answer == "coming"


@pytest.mark.hanoi_time("2026-03-11 05:00")
def test_cannot_come_past_the_cutoff_frees_the_seat_promotes_the_waitlist_and_tells_the_leader(scene, client, make_user,
                                                                                               outbox):
    s = scene(starts="2026-03-11 08:00", booked=1)  # three hours ahead: past the 12-hour self-cancel cut-off
    waiting = make_user(full_name="Đào Thị Chờ")
    from tests import factories

    factories.enrol(s.campaign, waiting)
    s.wait(waiting)
    response = _post(client, s.bookings[0], "released")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Booking, s.bookings[0].id).status == "cancelled"
    promoted = db.session.scalar(select(Booking).where(Booking.user_id == waiting.id))
    assert promoted.status == "booked" and promoted.source == "waitlist"
    assert db.session.scalar(select(WaitlistEntry.status).where(WaitlistEntry.user_id == waiting.id)) == "promoted"
    assert [m.kind for m in outbox(waiting.email)] == ["waitlist-promoted"]
    (notice,) = db.session.scalars(select(Notification).where(Notification.user_id == s.leader.id)).all()
    assert notice.key == f"reminder-released:booking:{s.bookings[0].id}"
    assert "Đào Thị Chờ" in notice.body and s.students[0].full_name in notice.body
    assert f"/reminders/shifts/{s.shift.id}" in notice.link
    assert db.session.scalar(select(ShiftConfirmation.answer)) == "released"


@pytest.mark.hanoi_time("2026-03-11 05:00")
def test_a_second_cannot_come_is_harmless(scene, client):
    s = scene(booked=1)
    _post(client, s.bookings[0], "released")
    before = row_counts()
    for choice in ("released", "coming"):
        response = client.post(_link(s.bookings[0]), data={"answer": choice}, follow_redirects=True)
        assert response.status_code == 200
        assert row_counts() == before
    assert "flash--warning" in response.get_data(as_text=True)


@pytest.mark.hanoi_time("2026-03-10 19:05")
def test_coming_then_cannot_come_gives_the_seat_up(scene, client):
    s = scene(booked=1)
    _post(client, s.bookings[0], "coming")
    _post(client, s.bookings[0], "released")
    db.session.expire_all()
    assert db.session.get(Booking, s.bookings[0].id).status == "cancelled"
    assert db.session.scalar(select(ShiftConfirmation.answer)) == "released"


@pytest.mark.hanoi_time("2026-03-11 05:00")
def test_release_promotion_and_leader_notice_are_one_transaction(scene, make_user, monkeypatch):
    s = scene(booked=1)
    waiting = make_user()
    from tests import factories

    factories.enrol(s.campaign, waiting)
    s.wait(waiting)
    before = row_counts()

    def broken(*args, **kwargs):
        raise RuntimeError("the notice could not be made")

    monkeypatch.setattr(answers.notifications, "notify", broken)
    with pytest.raises(RuntimeError):
        answers.answer(s.bookings[0], "released")
    db.session.rollback()
    assert row_counts() == before
    assert db.session.get(Booking, s.bookings[0].id).status == "booked"
    assert db.session.scalar(select(WaitlistEntry.status)) == "waiting"


@pytest.mark.hanoi_time("2026-03-11 09:00")
def test_after_the_start_nothing_can_be_answered(scene, client):
    s = scene(starts="2026-03-11 08:00", booked=1)
    before = row_counts()
    response = client.post(_link(s.bookings[0]), data={"answer": "released"}, follow_redirects=True)
    assert response.status_code == 200 and row_counts() == before


@pytest.mark.hanoi_time("2026-03-10 19:05")
def test_a_post_without_an_answer_is_refused_with_the_page(scene, client):
    s = scene(booked=1)
    before = row_counts()
    assert client.post(_link(s.bookings[0]), data={"answer": "maybe"}).status_code == 422
    assert row_counts() == before


@pytest.mark.hanoi_time("2026-03-11 05:00")
def test_the_leader_sees_who_confirmed_who_gave_up_and_who_has_not_answered(scene, client, auth, make_user):
    s = scene(booked=3, capacity=3)
    _post(client, s.bookings[0], "coming")
    _post(client, s.bookings[1], "released")
    auth.as_(s.leader)
    html = client.get(f"/reminders/shifts/{s.shift.id}").get_data(as_text=True)
    coming = html.split('id="answers-coming"')[1].split("</section>")[0]
    waiting = html.split('id="answers-waiting"')[1].split("</section>")[0]
    released = html.split('id="answers-released"')[1].split("</section>")[0]
    assert s.students[0].full_name in coming
    assert s.students[2].full_name in waiting
    assert s.students[1].full_name in released
    other = make_user(role="leader")
    auth.logout()
    auth.as_(other)
    assert client.get(f"/reminders/shifts/{s.shift.id}").status_code == 403
