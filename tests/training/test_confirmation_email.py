"""A trainer's confirmation emails the student: which module, in their language, and once nothing
required is missing, that they can book, with the finder's link. One email per student and commit."""
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.core import clock
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.training import services as training
from portal.training import signoff
from portal.training.models import SessionRegistration, TrainingSession
from portal.training.sessions import take_attendance
from tests.factories import enrol


def confirmations(user=None):
    """The confirmation emails in the outbox (of one student when given)."""
    stmt = select(OutboxMessage).where(OutboxMessage.kind == "training-confirmed").order_by(OutboxMessage.id)
    if user is not None:
        stmt = stmt.where(OutboxMessage.to_email == user.email)
    return db.session.scalars(stmt).all()


@dataclass(frozen=True)
class World:
    """The scenario, by name: campaign, trainer, first, second."""

    campaign: object
    trainer: object
    first: object
    second: object


@pytest.fixture
def world(make_user, make_campaign, make_module):
    campaign = make_campaign(name="Đồng hành mùa đông", slug="mua-dong")
    trainer = make_user(role="trainer")
    first = make_module(campaign, title="Quy trình tiếp nhận hồ sơ", position=1)
    second = make_module(campaign, title="Bảo mật thông tin công dân", position=2)
    make_module(campaign, title="Kỹ năng mềm (tự chọn)", position=3, is_required=False)
    return World(campaign=campaign, trainer=trainer, first=first, second=second)


def test_confirming_one_module_names_it_and_what_is_still_missing(world, make_user):
    campaign, trainer, first = world.campaign, world.trainer, world.first
    student = make_user(full_name="Trần Thị Bình", locale="en")
    enrol(campaign, student)
    signoff.complete(trainer, first, [student.id], method="single")
    [email] = confirmations(student)
    assert email.subject == "Training confirmed: Quy trình tiếp nhận hồ sơ"
    still = email.body_text.split("Still to be confirmed")[1]
    assert "Bảo mật thông tin công dân" in still and "Kỹ năng mềm" not in still  # optional modules never block
    assert "/training/mua-dong" in email.body_text
    assert "http://portal.test/shifts/" not in email.body_text  # cannot book yet


def test_the_last_required_module_says_they_can_book_with_the_finder_link(world, make_user):
    campaign, trainer, first, second = world.campaign, world.trainer, world.first, world.second
    student = make_user(locale="en")
    enrol(campaign, student)
    signoff.complete(trainer, first, [student.id], method="single")
    signoff.complete(trainer, second, [student.id], method="single")
    last = confirmations(student)[-1]
    assert last.subject == "Training confirmed: Bảo mật thông tin công dân"
    assert "you can now book your first shift" in last.body_text
    assert "http://portal.test/shifts/" in last.body_text


def test_the_email_is_in_the_students_language(world, make_user):
    campaign, trainer, first = world.campaign, world.trainer, world.first
    english, vietnamese = make_user(locale="en"), make_user(locale="vi")
    enrol(campaign, english, vietnamese)
    signoff.complete(trainer, first, [english.id, vietnamese.id], method="bulk")
    assert confirmations(english)[0].body_text.startswith(f"Hello {english.full_name},")
    assert confirmations(vietnamese)[0].body_text.startswith(f"Chào bạn {vietnamese.full_name},")


def test_a_session_confirming_two_modules_sends_each_student_one_email(world, make_user):
    campaign, trainer, first, second = world.campaign, world.trainer, world.first, world.second
    students = [make_user(locale="en") for _ in range(3)]
    enrol(campaign, *students)
    now = clock.now()
    session = TrainingSession(campaign_id=campaign.id, title="Buổi tập huấn", starts_at=now - timedelta(hours=3),
                              ends_at=now - timedelta(hours=1), place="Nhà Văn hóa", capacity=30,
                              trainer_id=trainer.id, modules=[first, second])
    db.session.add(session)
    db.session.flush()
    db.session.add_all(SessionRegistration(session_id=session.id, user_id=s.id) for s in students)
    db.session.commit()
    take_attendance(trainer, session, {students[0].id, students[1].id})
    emails = confirmations()
    assert sorted(e.to_email for e in emails) == sorted([students[0].email, students[1].email])
    assert all(e.subject == "Training confirmed: 2 modules of Đồng hành mùa đông"
               and "http://portal.test/shifts/" in e.body_text for e in emails)


def test_bulk_confirmation_emails_only_the_newly_confirmed(world, make_user):
    campaign, trainer, first = world.campaign, world.trainer, world.first
    students = [make_user() for _ in range(4)]
    enrol(campaign, *students)
    signoff.complete(trainer, first, [students[0].id], method="single")
    signoff.complete(trainer, first, method="bulk")  # everyone: the first is confirmed already
    assert len(confirmations(students[0])) == 1
    assert all(len(confirmations(s)) == 1 for s in students[1:])


def test_a_rolled_back_confirmation_sends_nothing(world, make_user):
    campaign, trainer, first = world.campaign, world.trainer, world.first
    student = make_user()
    enrol(campaign, student)
    signoff.complete(trainer, first, [student.id], method="single", commit=False)
    db.session.rollback()
    db.session.commit()
    assert confirmations() == []


def test_confirming_through_the_roster_queues_the_email(client, auth, world, make_user):
    campaign, trainer, first = world.campaign, world.trainer, world.first
    from tests.factories import assign

    assign(campaign, trainer)
    student = make_user()
    enrol(campaign, student)
    training.mark_read(student, first)
    auth.as_(trainer)
    response = client.post(f"/training/modules/{first.id}/complete", data={"user_id": [student.id]})
    assert response.status_code == 303 and response.headers["Location"] == f"/training/modules/{first.id}/roster"
    assert len(confirmations(student)) == 1
