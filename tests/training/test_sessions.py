"""Training sessions: schedule, register within capacity, attendance completes the covered modules."""
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.core import clock
from portal.extensions import db
from portal.training import services as training
from portal.training.models import Completion, SessionRegistration, TrainingSession
from tests.factories import assign, enrol


@dataclass(frozen=True)
class World:
    """The scenario, by name: campaign, trainer, modules, students."""

    campaign: object
    trainer: object
    modules: object
    students: object


@pytest.fixture
def world(make_user, make_campaign, make_module):
    campaign = make_campaign(slug="mua-dong")
    trainer = make_user(role="trainer")
    assign(campaign, trainer)
    a = make_module(campaign, title="Quy trình tiếp nhận hồ sơ")
    b = make_module(campaign, title="Bảo mật thông tin công dân")
    students = [make_user() for _ in range(3)]
    enrol(campaign, *students)
    return World(campaign=campaign, trainer=trainer, modules=(a, b), students=students)


def schedule(client, modules, **change):
    tomorrow = (clock.now() + timedelta(days=2)).strftime("%d/%m/%Y")
    data = {"title": "Tập huấn đợt 1", "date": tomorrow, "start_time": "08:00", "end_time": "11:00",
            "place": "Hội trường A, Học viện Nông nghiệp", "online_url": "", "capacity": "2",
            "module_ids": [m.id for m in modules], **change}
    return client.post("/campaigns/mua-dong/training/sessions/new", data=data)


def test_trainer_schedules_and_takes_attendance_that_completes_modules(client, auth, world):
    campaign, trainer, modules, students = world.campaign, world.trainer, world.modules, world.students
    auth.as_(trainer)
    assert schedule(client, modules).status_code == 303
    session = db.session.scalar(select(TrainingSession))
    assert (session.starts_at + timedelta(hours=7)).hour == 8  # 08:00 in Hanoi is 01:00 UTC
    for student in students[:2]:
        db.session.add(SessionRegistration(session_id=session.id, user_id=student.id))
    db.session.commit()
    response = client.post(f"/training/sessions/{session.id}/attendance", data={"present": [students[0].id]})
    assert response.status_code == 303
    done = db.session.scalars(select(Completion)).all()
    assert {(c.user_id, c.module_id, c.method, c.session_id) for c in done} == {
        (students[0].id, m.id, "session", session.id) for m in modules}
    assert training.missing_required_modules(students[0], campaign) == []
    regs = {r.user_id: r.attended for r in db.session.scalars(select(SessionRegistration))}
    assert regs == {students[0].id: True, students[1].id: False}


@pytest.mark.parametrize("change,field", [
    ({"end_time": "07:00"}, "end_time"),
    ({"place": "", "online_url": ""}, "place"),
    ({"online_url": "javascript:alert(1)", "place": ""}, "online_url"),
    ({"module_ids": []}, "module_ids"),
    ({"capacity": "0"}, "capacity"),
    ({"date": "30/02/2026"}, "date"),
    ({"start_time": "25:00"}, "start_time"),
])
def test_bad_session_input_is_refused(client, auth, world, change, field):
    trainer, modules = world.trainer, world.modules
    auth.as_(trainer)
    response = schedule(client, modules, **change)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(TrainingSession)) == 0


def test_students_register_until_the_session_is_full(client, auth, world, make_app):
    trainer, modules, students = world.trainer, world.modules, world.students
    auth.as_(trainer)
    schedule(client, modules)
    session = db.session.scalar(select(TrainingSession))
    client.post("/logout")
    for student in students:
        auth.as_(student)
        client.post(f"/training/sessions/{session.id}/registration")
        client.post(f"/training/sessions/{session.id}/registration")  # a double click registers once
        client.post("/logout")
    registered = db.session.scalars(select(SessionRegistration.user_id)).all()
    assert sorted(registered) == sorted(s.id for s in students[:2])
    auth.as_(students[2])
    page = client.get(f"/training/sessions/{session.id}").get_data(as_text=True)
    assert "Đã đủ chỗ" in page
    client.post("/logout")
    auth.as_(students[0])
    client.post(f"/training/sessions/{session.id}/registration", data={"action": "cancel"})
    assert db.session.scalar(select(func.count()).select_from(SessionRegistration)) == 1


def test_students_not_in_the_campaign_cannot_register(client, auth, world, make_user):
    trainer, modules = world.trainer, world.modules
    auth.as_(trainer)
    schedule(client, modules)
    session = db.session.scalar(select(TrainingSession))
    client.post("/logout")
    auth.as_(make_user())
    client.post(f"/training/sessions/{session.id}/registration")
    assert db.session.scalar(select(func.count()).select_from(SessionRegistration)) == 0


def test_trainer_of_another_campaign_cannot_schedule_or_take_attendance(client, auth, world, make_user):
    campaign, modules = world.campaign, world.modules
    auth.as_(make_user(role="trainer"))
    assert schedule(client, modules).status_code == 403
    session = TrainingSession(campaign_id=campaign.id, title="x", starts_at=clock.now() + timedelta(days=1),
                              ends_at=clock.now() + timedelta(days=1, hours=1), capacity=5, modules=list(modules))
    db.session.add(session)
    db.session.commit()
    assert client.post(f"/training/sessions/{session.id}/attendance", data={"present": []}).status_code == 403


def test_session_roster_searches_and_saves_only_the_rows_shown(client, auth, world, make_user):
    campaign, trainer, modules, students = world.campaign, world.trainer, world.modules, world.students
    auth.as_(trainer)
    schedule(client, modules, capacity="10")
    session = db.session.scalar(select(TrainingSession))
    lan = make_user(full_name="Đỗ Thị Lan", student_code="SV-LAN")
    enrol(campaign, lan)
    for user in [*students, lan]:
        attended = user is students[0] or None
        db.session.add(SessionRegistration(session_id=session.id, user_id=user.id, attended=attended))
    db.session.commit()
    fragment = client.get(f"/training/sessions/{session.id}?q=sv-lan", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body and f'id="session-{session.id}-roster"' in body
    assert "Đỗ Thị Lan" in body and students[1].full_name not in body
    client.post(f"/training/sessions/{session.id}/attendance", data={"shown": [lan.id], "present": [lan.id]})
    marks = {r.user_id: r.attended for r in db.session.scalars(select(SessionRegistration))}
    assert marks[lan.id] is True and marks[students[0].id] is True and marks[students[1].id] is None
    unmarked = client.get(f"/training/sessions/{session.id}?attendance=unmarked").get_data(as_text=True)
    assert students[1].full_name in unmarked and "Đỗ Thị Lan" not in unmarked
