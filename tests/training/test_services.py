"""Training rules: statuses, expiry, the gate, markdown sanitising, quizzes, bulk sign-off."""
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.core import clock, markdown
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.training import services as training
from portal.training import signoff
from portal.training.models import Completion
from tests.factories import enrol


@dataclass(frozen=True)
class World:
    """The scenario, by name: campaign, trainer, student, make_module."""

    campaign: object
    trainer: object
    student: object
    make_module: object


@pytest.fixture
def world(make_user, make_campaign, make_module):
    campaign = make_campaign()
    trainer = make_user(role="trainer")
    student = make_user(full_name="Nguyễn Văn An")
    enrol(campaign, student)
    return World(campaign=campaign, trainer=trainer, student=student, make_module=make_module)


def test_each_status_from_not_started_to_expired(world):
    campaign, trainer, student, make_module = world.campaign, world.trainer, world.student, world.make_module
    plain = make_module(campaign)
    quizzed = make_module(campaign)
    training.set_quiz(trainer, quizzed, "Câu hỏi?\n* Đúng\n- Sai")
    expiring = make_module(campaign, validity_days=30)

    def status(module):
        return training.statuses_for(student, [module])[module.id]["status"]

    assert status(plain) == "not_started"
    training.mark_read(student, plain)
    assert status(plain) == "ready"  # no quiz: reading is enough to be ready
    training.mark_read(student, quizzed)
    assert status(quizzed) == "read"
    question = quizzed.questions[0]
    assert training.grade_quiz(student, quizzed, {question.id: 1})[2] is False
    assert status(quizzed) == "read"
    assert training.grade_quiz(student, quizzed, {question.id: 0})[2] is True
    assert status(quizzed) == "ready"
    signoff.complete(trainer, plain, [student.id], method="single")
    assert status(plain) == "completed"
    signoff.complete(trainer, expiring, [student.id], method="single")
    completion = db.session.scalar(select(Completion).where(Completion.module_id == expiring.id))
    completion.completed_at = clock.now() - timedelta(days=31)
    db.session.commit()
    assert status(expiring) == "expired"


def test_roster_status_filter_agrees_with_the_student_view(world, make_user):
    campaign, trainer, student, make_module = world.campaign, world.trainer, world.student, world.make_module
    module = make_module(campaign, validity_days=10)
    others = [make_user() for _ in range(3)]
    enrol(campaign, *others)
    training.mark_read(others[0], module)
    signoff.complete(trainer, module, [others[1].id, others[2].id])
    old = db.session.scalar(select(Completion).where(Completion.user_id == others[2].id))
    old.completed_at = clock.now() - timedelta(days=11)
    db.session.commit()
    counts = signoff.status_counts(module)
    shown = (counts["not_started"], counts["ready"], counts["completed"], counts["expired"], counts["total"])
    assert shown == (1, 1, 1, 1, 4)
    for user in [student, *others]:
        expected = training.statuses_for(user, [module])[module.id]["status"]
        rows = db.session.execute(signoff.roster_query(module, status=expected)).all()
        assert user.id in {row[0].id for row in rows}


def test_gate_names_exactly_the_missing_required_modules(world):
    campaign, trainer, student, make_module = world.campaign, world.trainer, world.student, world.make_module
    a = make_module(campaign, title="Quy trình tiếp nhận hồ sơ")
    b = make_module(campaign, title="Bảo mật thông tin công dân")
    make_module(campaign, title="Tuỳ chọn", is_required=False)
    make_module(campaign, title="Đã nghỉ", is_retired=True)
    signoff.complete(trainer, a, [student.id])
    with pytest.raises(training.TrainingIncomplete) as refused:
        training.require_training(student, campaign)
    assert [m.title for m in refused.value.modules] == ["Bảo mật thông tin công dân"]
    assert "Bảo mật thông tin công dân" in str(refused.value.message)
    signoff.complete(trainer, b, [student.id])
    training.require_training(student, campaign)  # passes now


def test_gate_refuses_an_expired_completion(world):
    campaign, trainer, student, make_module = world.campaign, world.trainer, world.student, world.make_module
    module = make_module(campaign, validity_days=7)
    signoff.complete(trainer, module, [student.id])
    db.session.scalar(select(Completion)).completed_at = clock.now() - timedelta(days=8)
    db.session.commit()
    assert training.missing_required_modules(student, campaign) == [module]


def test_completing_twice_keeps_one_current_completion(world):
    campaign, trainer, student, make_module = world.campaign, world.trainer, world.student, world.make_module
    module = make_module(campaign)
    assert signoff.complete(trainer, module, [student.id]) == 1
    assert signoff.complete(trainer, module, [student.id]) == 0
    assert db.session.scalar(select(func.count()).select_from(Completion)) == 1


def test_recompleting_an_expired_module_keeps_the_old_record(world):
    campaign, trainer, student, make_module = world.campaign, world.trainer, world.student, world.make_module
    module = make_module(campaign, validity_days=5)
    signoff.complete(trainer, module, [student.id])
    db.session.scalar(select(Completion)).completed_at = clock.now() - timedelta(days=6)
    db.session.commit()
    assert signoff.complete(trainer, module, [student.id]) == 1
    rows = db.session.scalars(select(Completion).order_by(Completion.id)).all()
    assert [r.is_current for r in rows] == [False, True]


def test_undo_needs_a_reason_and_keeps_history(world):
    campaign, trainer, student, make_module = world.campaign, world.trainer, world.student, world.make_module
    module = make_module(campaign)
    signoff.complete(trainer, module, [student.id], method="single")
    with pytest.raises(InvalidInput):
        signoff.undo(trainer, module, student.id, "  ")
    signoff.undo(trainer, module, student.id, "Nhầm người, chưa tham dự")
    (record,) = signoff.history(module, student.id)
    assert (record.is_current, record.undone_by_id, record.undo_reason, record.method) == (
        False, trainer.id, "Nhầm người, chưa tham dự", "single")
    assert training.statuses_for(student, [module])[module.id]["status"] == "not_started"
    with pytest.raises(InvalidInput):
        signoff.undo(trainer, module, student.id, "lần nữa thôi")


def test_bulk_sign_off_skips_students_not_enrolled_or_deactivated(world, make_user):
    campaign, trainer, student, make_module = world.campaign, world.trainer, world.student, world.make_module
    module = make_module(campaign)
    outsider = make_user()
    inactive = make_user(active=False)
    enrol(campaign, inactive)
    assert signoff.complete(trainer, module, [student.id, outsider.id, inactive.id]) == 1


def test_bulk_sign_off_issues_a_constant_number_of_queries(world, make_user, count_queries):
    campaign, trainer, make_module = world.campaign, world.trainer, world.make_module
    module = make_module(campaign)
    few = [make_user() for _ in range(3)]
    enrol(campaign, *few)
    with count_queries() as small:
        signoff.complete(trainer, module, None)
    module2 = make_module(campaign)
    many = [make_user() for _ in range(40)]
    enrol(campaign, *many)
    with count_queries() as large:
        assert signoff.complete(trainer, module2, None) == 44
    assert large.n == small.n


def test_markdown_is_rendered_and_sanitised():
    html = markdown.render("## Bước 1\n\n**Kiểm tra** hồ sơ <script>alert(1)</script>\n\n"
                           "[x](javascript:alert(1)) [Cổng DVC](https://dichvucong.gov.vn)\n\n"
                           "<img src=x onerror=alert(1)>")
    assert "<h2>Bước 1</h2>" in html and "<strong>Kiểm tra</strong>" in html
    assert "<script" not in html and "onerror" not in html.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert 'href="javascript' not in html
    assert 'href="https://dichvucong.gov.vn"' in html


@pytest.mark.parametrize("text", [
    "Câu hỏi?\n- a\n- b",             # no right answer
    "Câu hỏi?\n* a\n* b",             # two right answers
    "Câu hỏi?\n* a",                  # one option only
    "Câu hỏi?\n* a\nkhông có dấu",    # an option without a marker
])
def test_bad_quiz_text_is_refused_and_keeps_the_old_quiz(world, text):
    campaign, trainer, make_module = world.campaign, world.trainer, world.make_module
    module = make_module(campaign)
    training.set_quiz(trainer, module, "Cũ?\n* đúng\n- sai")
    with pytest.raises(InvalidInput):
        training.set_quiz(trainer, module, text)
    db.session.rollback()
    db.session.refresh(module)
    assert [q.prompt for q in module.questions] == ["Cũ?"]
