"""Training pages: access rules, the roster's htmx widgets, sign-off paths, modules and quizzes."""
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.core import clock
from portal.extensions import db
from portal.training import services as training
from portal.training import signoff
from portal.training.models import Completion, ModuleProgress, TrainingModule
from tests.factories import assign, enrol


@dataclass(frozen=True)
class World:
    """The scenario, by name: campaign, trainer, students, module."""

    campaign: object
    trainer: object
    students: object
    module: object


@pytest.fixture
def world(make_user, make_campaign, make_module):
    campaign = make_campaign(slug="mua-he")
    trainer = make_user(role="trainer", full_name="Lê Quang Huy")
    assign(campaign, trainer)
    students = [make_user(full_name=name, school="ĐH Bách khoa" if i % 2 else "Học viện Nông nghiệp")
                for i, name in enumerate(["Nguyễn Văn An", "Trần Thị Bình", "Phạm Văn Cường"])]
    enrol(campaign, *students)
    module = make_module(campaign, title="Bảo mật thông tin công dân")
    return World(campaign=campaign, trainer=trainer, students=students, module=module)


def current(module, user):
    return db.session.scalar(select(Completion).where(
        Completion.module_id == module.id, Completion.user_id == user.id, Completion.is_current))


def test_trainer_not_assigned_to_the_campaign_cannot_sign_off(client, auth, make_user, world):
    students, module = world.students, world.module
    auth.as_(make_user(role="trainer"))
    assert client.get(f"/training/modules/{module.id}/roster").status_code == 403
    assert client.post(f"/training/modules/{module.id}/complete", data={"user_id": students[0].id}).status_code == 403
    assert current(module, students[0]) is None


def test_students_cannot_sign_themselves_off(client, auth, world):
    students, module = world.students, world.module
    auth.as_(students[0])
    assert client.post(f"/training/modules/{module.id}/complete", data={"user_id": students[0].id}).status_code == 403
    assert client.get(f"/training/modules/{module.id}/roster").status_code == 403
    assert current(module, students[0]) is None


def test_roster_htmx_contract(client, auth, world):
    trainer, module = world.trainer, world.module
    auth.as_(trainer)
    fragment = client.get(f"/training/modules/{module.id}/roster?q=bình", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body and 'id="roster-table"' in body
    assert "HX-Request" in fragment.headers["Vary"]
    assert "Trần Thị Bình" in body and "Nguyễn Văn An" not in body
    page = client.get(f"/training/modules/{module.id}/roster?q=bình").get_data(as_text=True)
    assert "<html" in page and 'id="roster-table"' in page and f'id="module-{module.id}-counts"' in page


def test_single_sign_off_with_htmx_returns_the_table_and_an_event(client, auth, world):
    trainer, students, module = world.trainer, world.students, world.module
    auth.as_(trainer)
    response = client.post(f"/training/modules/{module.id}/complete", data={"user_id": students[1].id},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "training-completed" in response.headers["HX-Trigger"]
    assert 'id="roster-table"' in response.get_data(as_text=True)
    record = current(module, students[1])
    assert (record.method, record.recorded_by_id) == ("single", trainer.id)
    counts = client.get(f"/training/modules/{module.id}/counts", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f'id="module-{module.id}-counts"' in counts and "<html" not in counts


def test_bulk_sign_off_of_everything_matching_the_filter(client, auth, world):
    trainer, students, module = world.trainer, world.students, world.module
    auth.as_(trainer)
    response = client.post(f"/training/modules/{module.id}/complete",
                           data={"scope": "filter", "q": "bách khoa", "status": ""})
    assert response.status_code == 303  # back to the roster, filtered as it was, with what was done
    assert response.headers["Location"] == f"/training/modules/{module.id}/roster?q=b%C3%A1ch+khoa"
    assert "Đã xác nhận hoàn thành cho 1 sinh viên." in client.get(response.headers["Location"]).get_data(as_text=True)
    done = {s.full_name for s in students if current(module, s)}
    assert done == {"Trần Thị Bình"}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.complete.bulk"))
    assert event.actor_id == trainer.id and event.after["completed"] == 1


def test_bulk_sign_off_of_selected_rows(client, auth, world):
    trainer, students, module = world.trainer, world.students, world.module
    auth.as_(trainer)
    client.post(f"/training/modules/{module.id}/complete", data={"user_id": [students[0].id, students[2].id]})
    assert [bool(current(module, s)) for s in students] == [True, False, True]
    assert current(module, students[0]).method == "bulk"


def test_sign_off_without_a_selection_says_so(client, auth, world):
    trainer, module = world.trainer, world.module
    auth.as_(trainer)
    response = client.post(f"/training/modules/{module.id}/complete", data={"user_id": "abc"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Completion)) == 0


def test_undo_through_the_roster(client, auth, world):
    trainer, students, module = world.trainer, world.students, world.module
    auth.as_(trainer)
    client.post(f"/training/modules/{module.id}/complete", data={"user_id": students[0].id})
    refused = client.post(f"/training/modules/{module.id}/undo/{students[0].id}", data={"reason": ""})
    assert refused.status_code == 422 and current(module, students[0]) is not None
    ok = client.post(f"/training/modules/{module.id}/undo/{students[0].id}", data={"reason": "Ghi nhầm sinh viên"},
                     headers={"HX-Request": "true"})
    assert ok.status_code == 200 and "training-completed" in ok.headers["HX-Trigger"]
    assert current(module, students[0]) is None


def test_roster_queries_are_bounded_whatever_the_number_of_students(client, auth, world, make_user, count_queries):
    campaign, trainer, module = world.campaign, world.trainer, world.module
    enrol(campaign, *[make_user() for _ in range(7)])  # 10 students
    auth.as_(trainer)
    url = f"/training/modules/{module.id}/roster"
    client.get(url)  # warm-up: first-request work is not counted
    with count_queries() as few:
        assert client.get(url).status_code == 200
    from portal.accounts.models import User
    from portal.campaigns.models import CampaignEnrolment

    many = [User(email=f"bulk{i}@example.org", full_name=f"Sinh Viên Số {chr(65 + i % 26)}", password_hash="x")
            for i in range(490)]  # 500 students
    db.session.add_all(many)
    db.session.flush()
    db.session.add_all(CampaignEnrolment(campaign_id=campaign.id, user_id=u.id) for u in many)
    db.session.commit()
    signoff.complete(trainer, module, [u.id for u in many[:200]])
    assert signoff.status_counts(module)["total"] == 500
    with count_queries() as lots:
        assert client.get(url).status_code == 200
    assert lots.n == few.n, (few.statements, lots.statements)
    assert lots.n <= 15


def test_opening_a_module_records_nothing_until_the_student_says_they_read_it(client, auth, world):
    students, module = world.students, world.module
    auth.as_(students[0])
    listing = client.get("/training/mua-he").get_data(as_text=True)
    assert "Bảo mật thông tin công dân" in listing and 'id="training-gate"' in listing
    page = client.get(f"/training/modules/{module.id}").get_data(as_text=True)
    assert "<strong>chính</strong>" in page and f'action="/training/modules/{module.id}/read"' in page
    assert training.statuses_for(students[0], [module])[module.id]["status"] == "not_started"
    pressed = client.post(f"/training/modules/{module.id}/read")
    assert pressed.status_code == 303 and pressed.headers["Location"].endswith(f"/training/modules/{module.id}")
    assert training.statuses_for(students[0], [module])[module.id]["status"] == "ready"
    page = client.get(f"/training/modules/{module.id}").get_data(as_text=True)
    widget = page[page.index(f'id="module-{module.id}-read"'):]
    assert f'action="/training/modules/{module.id}/read"' not in page
    assert 'role="status"' in widget.split("</section>")[0]


def test_pressing_i_have_read_again_changes_nothing_and_answers_the_widget(client, auth, world):
    students, module = world.students, world.module
    auth.as_(students[0])
    first = client.post(f"/training/modules/{module.id}/read", headers={"HX-Request": "true"})
    read_at = training.statuses_for(students[0], [module])[module.id]["progress"].read_at
    again = client.post(f"/training/modules/{module.id}/read", headers={"HX-Request": "true"})
    html = again.get_data(as_text=True)
    assert first.status_code == again.status_code == 200 and "<html" not in html
    assert f'id="module-{module.id}-read"' in html and f'id="module-{module.id}-status" hx-swap-oob="true"' in html
    assert db.session.scalar(select(func.count()).select_from(ModuleProgress)) == 1
    assert training.statuses_for(students[0], [module])[module.id]["progress"].read_at == read_at


def test_a_student_outside_the_campaign_cannot_mark_a_module_read(client, auth, make_user, world):
    module = world.module
    auth.as_(make_user())
    assert client.post(f"/training/modules/{module.id}/read").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(ModuleProgress)) == 0


def test_quiz_through_the_page(client, auth, world, make_user):
    students, module = world.students, world.module
    training.set_quiz(make_user(role="admin"), module, "Ai được xem hồ sơ?\n- Mọi người\n* Cán bộ có thẩm quyền")
    question = module.questions[0]
    auth.as_(students[0])
    wrong = client.post(f"/training/modules/{module.id}/quiz", data={f"q{question.id}": "0"}).get_data(as_text=True)
    assert "Bạn đã trả lời đúng 0/1 câu." in wrong
    client.post(f"/training/modules/{module.id}/quiz", data={f"q{question.id}": "1"})
    assert training.statuses_for(students[0], [module])[module.id]["status"] == "ready"
    assert current(module, students[0]) is None  # a quiz never completes a module


def test_admin_creates_edits_reorders_and_retires_modules(client, auth, make_user, world):
    campaign, module = world.campaign, world.module
    auth.as_(make_user(role="admin"))
    created = client.post("/campaigns/mua-he/training/modules/new", data={
        "title": "Kỹ năng ứng xử", "summary": "Giao tiếp với người dân", "body_md": "- Lắng nghe\n- Kiên nhẫn",
        "estimated_minutes": "45", "is_required": "y", "validity_days": ""})
    assert created.status_code == 303
    new = db.session.scalar(select(TrainingModule).where(TrainingModule.title == "Kỹ năng ứng xử"))
    assert "<li>Lắng nghe</li>" in new.body_html
    duplicate = client.post("/campaigns/mua-he/training/modules/new",
                            data={"title": "Kỹ năng ứng xử", "estimated_minutes": "10"})
    assert duplicate.status_code == 422
    bad = client.post(f"/training/modules/{new.id}/edit",
                      data={"title": "", "estimated_minutes": "0", "validity_days": "-3"})
    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    for field in ("title", "estimated_minutes", "validity_days"):
        assert f'id="{field}-error"' in body
    moved = client.post(f"/training/modules/{new.id}/move", data={"direction": "up"}, headers={"HX-Request": "true"})
    assert moved.status_code == 200 and 'id="module-list"' in moved.get_data(as_text=True)
    assert [m.title for m in training.modules_of(campaign)] == ["Kỹ năng ứng xử", "Bảo mật thông tin công dân"]
    client.post(f"/training/modules/{module.id}/retire", data={"retired": "1"})
    assert [m.title for m in training.modules_of(campaign)] == ["Kỹ năng ứng xử"]
    assert client.get(f"/training/modules/{module.id}").status_code == 404


def test_retired_module_keeps_its_completions(client, auth, make_user, world):
    campaign, trainer, students, module = world.campaign, world.trainer, world.students, world.module
    signoff.complete(trainer, module, [students[0].id])
    training.set_retired(make_user(role="admin"), module, True)
    assert current(module, students[0]) is not None
    assert training.missing_required_modules(students[1], campaign) == []


def test_expired_completion_shows_as_expired_on_the_roster(client, auth, world, make_module):
    campaign, trainer, students = world.campaign, world.trainer, world.students
    expiring = make_module(campaign, validity_days=3)
    signoff.complete(trainer, expiring, [students[0].id])
    current(expiring, students[0]).completed_at = clock.now() - timedelta(days=4)
    db.session.commit()
    auth.as_(trainer)
    body = client.get(f"/training/modules/{expiring.id}/roster?status=expired").get_data(as_text=True)
    assert "Nguyễn Văn An" in body and "Trần Thị Bình" not in body


def test_moving_a_module_neither_up_nor_down_says_so_and_changes_nothing(client, auth, make_user, world, make_module):
    campaign, module = world.campaign, world.module
    second = make_module(campaign, title="Kỹ năng ứng xử")
    auth.as_(make_user(role="admin"))
    refused = client.post(f"/training/modules/{second.id}/move", data={"direction": "sideways"},
                          headers={"HX-Request": "true"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="module-list"' in body and 'class="flash flash--error"' in body
    assert "HX-Trigger" not in refused.headers
    retire = client.post(f"/training/modules/{module.id}/retire", data={"retired": "maybe"})
    assert retire.status_code == 303 and retire.headers["Location"] == "/campaigns/mua-he/training"
    assert [m.title for m in training.modules_of(campaign)] == ["Bảo mật thông tin công dân", "Kỹ năng ứng xử"]
    page = client.get("/campaigns/mua-he/training").get_data(as_text=True)
    assert 'class="flash flash--error"' in page and 'id="module-list"' in page


def test_counts_without_htmx_go_to_the_roster_that_shows_them(client, auth, world):
    trainer, module = world.trainer, world.module
    auth.as_(trainer)
    response = client.get(f"/training/modules/{module.id}/counts")
    assert response.status_code == 303 and response.headers["Location"] == f"/training/modules/{module.id}/roster"


@pytest.mark.parametrize(("method", "old", "new"), [
    ("GET", "/training/mua-he/manage", "/campaigns/mua-he/training"),
    ("GET", "/training/mua-he/modules/new", "/campaigns/mua-he/training/modules/new"),
    ("POST", "/training/mua-he/modules/new", "/campaigns/mua-he/training/modules/new"),
    ("GET", "/training/mua-he/sessions", "/campaigns/mua-he/training/sessions"),
    ("GET", "/training/mua-he/sessions/new", "/campaigns/mua-he/training/sessions/new"),
    ("POST", "/training/mua-he/sessions/new", "/campaigns/mua-he/training/sessions/new"),
])
def test_the_old_training_settings_addresses_move_permanently_to_the_campaign(client, auth, make_user, world,
                                                                               method, old, new):
    auth.as_(make_user(role="admin"))
    response = client.open(old, method=method)
    assert response.status_code == 308 and response.headers["Location"].endswith(new)
    assert client.open(new, method=method).status_code in ((200,) if method == "GET" else (422,))
