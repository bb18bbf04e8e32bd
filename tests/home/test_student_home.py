"""A student's home: the four steps until they can book, then the next shift, hours against the
certificate rule, waitlists and the certificate's state, in a fixed number of statements."""
from datetime import timedelta

from portal.certificates import services as certificates
from portal.certificates.models import Credential
from portal.core import clock
from portal.extensions import db
from portal.shifts.models import WaitlistEntry
from portal.training import services as training
from portal.training import signoff
from tests.factories import enrol, served
from tests.home.conftest import book, states


def page(client):
    """The home page's HTML."""
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_new_student_sees_four_steps_and_the_first_to_do_is_joining(client, auth, season, make_user):
    auth.as_(make_user(locale="en"))
    html = page(client)
    assert states(html) == ["todo", "blocked", "blocked", "blocked"]
    assert f'href="/campaigns/{season.campaign.slug}"' in html and "Join a campaign" in html
    assert "Cannot start yet" in html


def test_reading_then_waiting_for_the_trainer(client, auth, season, make_user):
    student = make_user(locale="en")
    enrol(season.campaign, student)
    auth.as_(student)
    html = page(client)
    assert states(html) == ["done", "todo", "blocked", "blocked"]
    assert "0 of 2 required modules read." in html and f'href="/training/{season.campaign.slug}"' in html
    for module in season.modules:
        training.mark_read(student, module)
    html = page(client)
    assert states(html) == ["done", "done", "waiting", "blocked"]
    assert "Waiting for the trainer" in html and "Bảo mật thông tin công dân" in html


def test_after_the_trainers_confirmation_the_student_is_asked_to_book_the_first_shift(client, auth, season, make_user):
    student = make_user(locale="en")
    enrol(season.campaign, student)
    trainer = make_user(role="trainer")
    for module in season.modules:
        signoff.complete(trainer, module, [student.id], method="single")
    auth.as_(student)
    html = page(client)
    assert states(html) == ["done", "done", "done", "todo"]
    assert '<a class="button" href="/shifts/">Book your first shift</a>' in html


def test_after_booking_the_student_sees_the_next_shift_with_its_leader_and_notes(client, auth, season, make_user,
                                                                                 make_shift):
    student = make_user(locale="en")
    enrol(season.campaign, student)
    for module in season.modules:
        signoff.complete(make_user(role="trainer"), module, [student.id])
    later = make_shift(season.campaign, season.point, starts_in=timedelta(days=5), task_focus="Kích hoạt VNeID")
    first = make_shift(season.campaign, season.point, task_focus="Hướng dẫn nộp hồ sơ trực tuyến")
    book(student, later)
    book(student, first)
    auth.as_(student)
    html = page(client)
    assert states(html) == []  # the task list is gone: a status page now
    assert "Your next shift" in html and f'href="/shifts/{first.id}"' in html
    assert "Điểm Gia Lâm" in html and "Lê Thị Hoa" in html
    assert "Hướng dẫn nộp hồ sơ trực tuyến" in html and "Mang thẻ sinh viên và áo xanh." in html
    assert "Kích hoạt VNeID" not in html  # the later shift is not the next one
    assert "1 more booked shift" in html


def test_hours_read_against_the_campaigns_certificate_rule(client, auth, season, make_user, make_shift):
    student = make_user(locale="en")
    enrol(season.campaign, student)
    for module in season.modules:
        signoff.complete(make_user(role="trainer"), module, [student.id])
    certificates.set_rule(make_user(role="admin"), season.campaign, True, 16, None)
    for days_ago in (3, 4, 5):
        served(season.campaign, season.point, student, hours=4, days_ago=days_ago)
    served(season.campaign, season.point, student, status="no_show", days_ago=6)
    auth.as_(student)
    html = page(client)
    assert "12 / 16 hours" in html
    assert "Not yet" in html and "12 hours attended; 16 hours needed." in html


def test_certificate_issued_or_revoked_is_shown_with_its_link(client, auth, season, make_user, make_campaign,
                                                              make_point):
    old = make_campaign(name="Mùa hè 2026", status="closed")
    student = make_user(locale="en")
    enrol(old, student)
    served(old, season.point, student, days_ago=200)
    admin = make_user(role="admin")
    certificates.set_rule(admin, old, False, 0, None)
    [credential] = certificates.issue_all(admin, old)
    auth.as_(student)
    html = page(client)
    assert "Mùa hè 2026" in html and "Issued" in html and 'href="/me/certificates"' in html
    certificates.revoke(admin, db.session.get(Credential, credential.id), "Cấp nhầm cho sinh viên", "issued_in_error")
    assert "Revoked" in page(client)


def test_waitlists_show_with_the_students_place(client, auth, season, make_user, make_shift):
    student = make_user(locale="en")
    enrol(season.campaign, student)
    full = make_shift(season.campaign, season.point, capacity=1)
    book(make_user(), full)
    db.session.add(WaitlistEntry(shift_id=full.id, user_id=make_user().id, created_at=clock.now() - timedelta(hours=1)))
    db.session.add(WaitlistEntry(shift_id=full.id, user_id=student.id))
    db.session.commit()
    auth.as_(student)
    html = page(client)
    assert "Waitlists you are on" in html and "Number 2 in line" in html


def test_the_home_page_is_vietnamese_for_a_vietnamese_student(client, auth, season, make_user):
    auth.as_(make_user(locale="vi"))
    assert "Xin chào" in page(client)


def test_statements_do_not_grow_with_data(client, auth, season, make_user, make_shift, make_campaign, count_queries):
    student = make_user()
    enrol(season.campaign, student)
    for module in season.modules:
        signoff.complete(make_user(role="trainer"), module, [student.id])
    book(student, make_shift(season.campaign, season.point))
    served(season.campaign, season.point, student, days_ago=2)
    auth.as_(student)
    page(client)  # warm-up
    with count_queries() as few:
        page(client)
    others = [make_user() for _ in range(15)]
    enrol(season.campaign, *others)
    for days in range(3, 13):
        served(season.campaign, season.point, student, days_ago=days)
        book(student, make_shift(season.campaign, season.point, starts_in=timedelta(days=days, hours=1)))
    for n in range(4):
        old = make_campaign(status="closed")
        enrol(old, student)
        served(old, season.point, student, days_ago=100 + n)
    far = make_shift(season.campaign, season.point, starts_in=timedelta(days=20))
    db.session.add(WaitlistEntry(shift_id=far.id, user_id=student.id))
    db.session.commit()
    with count_queries() as lots:
        page(client)
    assert lots.n == few.n, "\n".join(lots.statements)
    assert lots.n < 20, "\n".join(lots.statements)
