"""The reminders job: the evening before and shortly before a shift, each sent once, with what a volunteer needs."""
from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.extensions import db
from portal.notifications.models import Notification, NotificationDelivery
from portal.reminders import planner
from portal.reminders import services as reminders
from portal.teamboard.models import TeamPost, TeamPostPoint
from tests.conftest import hanoi


def _usual_first_item() -> str:
    """The first line of the fixed list, as a Vietnamese reader gets it."""
    with force_locale("vi"):
        return str(reminders.BRING[0])


def _notices(kind=None):
    stmt = select(Notification).order_by(Notification.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return db.session.scalars(stmt).all()


@pytest.mark.hanoi_time("2026-03-10 18:55")
def test_evening_reminder_waits_for_the_evening_then_goes_once_however_often_the_job_runs(scene, at_hanoi):
    s = scene(booked=2)
    assert planner.send_due().total == 0  # 18:55: not yet
    at_hanoi("2026-03-10 19:02")
    first = planner.send_due()
    second = planner.send_due()
    assert first.sent == {"evening": 2, "soon": 0}
    assert second.total == 0 and second.already == 2
    notices = _notices("reminder-evening")
    assert sorted(n.key for n in notices) == sorted(f"reminder-evening:booking:{b.id}" for b in s.bookings)
    assert all("/reminders/answer/" in n.link for n in notices)


@pytest.mark.hanoi_time("2026-03-10 19:05")
def test_the_reminder_names_the_point_its_map_the_leader_what_to_bring_and_the_board(scene):
    s = scene(booked=1)
    post = TeamPost(author_id=s.leader.id, body="Mai đông người, các bạn đến sớm 10 phút nhé.",
                    created_at=hanoi("2026-03-10 17:00"))
    db.session.add(post)
    db.session.flush()
    db.session.add(TeamPostPoint(post_id=post.id, point_id=s.point.id))
    db.session.commit()
    planner.send_due()
    (notice,) = _notices()
    assert s.point.name in notice.subject and "08:00" in notice.subject
    body = notice.body
    for text in (s.point.address, "https://maps.example.org/diem", "Phạm Thu Hà", "/reminders/answer/",
                 _usual_first_item(), "Mai đông người"):
        assert text in body, text


@pytest.mark.hanoi_time("2026-03-10 19:05")
def test_organisers_own_list_of_what_to_bring_replaces_the_usual_one(scene, make_user):
    s = scene(booked=1)
    reminders.save_settings(make_user(role="admin"), s.campaign.id, evening_on=True,
                            evening_at=hanoi("2026-03-10 19:00").time(), soon_on=True, soon_hours=2,
                            what_to_bring="- Áo xanh tình nguyện\n- Sổ ghi chép", no_show_limit=3)
    planner.send_due()
    (notice,) = _notices()
    assert "Áo xanh tình nguyện" in notice.body and "Sổ ghi chép" in notice.body
    assert _usual_first_item() not in notice.body


@pytest.mark.hanoi_time("2026-03-11 05:40")
def test_the_two_hour_reminder_is_urgent_and_goes_out_in_quiet_hours(scene):
    s = scene(starts="2026-03-11 07:30", booked=1)  # 05:40 is inside the default quiet hours (22:00–07:00)
    run = planner.send_due()
    assert run.sent == {"evening": 0, "soon": 1}  # the evening one is no longer due: the soon one replaces it
    (notice,) = _notices()
    assert notice.key == f"reminder-soon:booking:{s.bookings[0].id}"
    due = db.session.scalars(select(NotificationDelivery.due_at).where(
        NotificationDelivery.notification_id == notice.id)).all()
    assert due and all(d <= hanoi("2026-03-11 05:41") for d in due)  # not held until 07:00
    assert planner.send_due().total == 0


@pytest.mark.hanoi_time("2026-03-10 19:05")
def test_cancelled_bookings_and_cancelled_shifts_get_no_reminder(scene):
    s = scene(booked=2)
    s.bookings[0].status = "cancelled"
    db.session.commit()
    other = scene(booked=1, campaign=s.campaign, point=s.point, starts="2026-03-11 13:00")
    other.shift.status = "cancelled"
    db.session.commit()
    assert planner.send_due().total == 1


@pytest.mark.hanoi_time("2026-03-10 19:05")
def test_reminders_off_in_a_campaign_send_nothing(scene, make_user):
    s = scene(booked=1)
    reminders.save_settings(make_user(role="admin"), s.campaign.id, evening_on=False,
                            evening_at=hanoi("2026-03-10 19:00").time(), soon_on=False, soon_hours=2,
                            what_to_bring="", no_show_limit=3)
    assert planner.send_due().total == 0


def _planning_statements(statements) -> int:
    """Statements of the planner itself: notify()'s own per-notice work (its tables) is not the planner's."""
    own = ("notification", "outbox_messages", "push_subscriptions", "SAVEPOINT", "RELEASE")
    return sum(1 for s in statements if not any(word in s for word in own))


@pytest.mark.hanoi_time("2026-03-10 19:05")
def test_the_planner_queries_do_not_grow_with_the_number_of_bookings(scene, count_queries):
    small = scene(booked=2)
    with count_queries() as few:
        planner.send_due()
    scene(booked=12, campaign=small.campaign, point=small.point, starts="2026-03-11 13:30")
    with count_queries() as many:
        assert planner.send_due().sent["evening"] == 12
    assert _planning_statements(many.statements) <= _planning_statements(few.statements) + 1
    assert db.session.scalar(select(func.count(Notification.id))) == 14
