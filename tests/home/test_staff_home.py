"""Trainers, team leaders and organisers see what waits for them, each with the link that does the work."""
from datetime import date, datetime, time, timedelta

import pytest

from portal.certificates import services as certificates
from portal.core import clock
from portal.extensions import db
from portal.privacy import requests as privacy_requests
from portal.referrals.models import Recommendation
from portal.training import services as training
from portal.training import signoff
from portal.training.models import SessionRegistration, TrainingSession
from tests.conftest import AFTER_MIDNIGHT, DAY_BOUNDARIES, MONDAY_MORNING
from tests.factories import assign, enrol, served
from tests.home.conftest import book


def page(client):
    """The home page's HTML."""
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_trainer_sees_students_waiting_for_confirmation_per_module(client, auth, season, make_user):
    trainer = make_user(role="trainer", locale="en")
    assign(season.campaign, trainer)
    students = [make_user() for _ in range(3)]
    enrol(season.campaign, *students)
    for student in students:
        training.mark_read(student, season.modules[0])
    training.mark_read(students[0], season.modules[1])
    signoff.complete(trainer, season.modules[1], [students[0].id])  # confirmed: no longer waiting
    auth.as_(trainer)
    html = page(client)
    assert "3 confirmations wait for you." in html
    assert f'href="/training/modules/{season.modules[0].id}/roster?status=ready"' in html
    assert "3 students waiting" in html
    assert f"/training/modules/{season.modules[1].id}/roster" not in html


def test_trainer_without_waiting_students_is_told_so(client, auth, season, make_user):
    trainer = make_user(role="trainer", locale="en")
    assign(season.campaign, trainer)
    auth.as_(trainer)
    assert "No student is waiting for your confirmation." in page(client)


def sections(html: str) -> tuple[str, str]:
    """The leader's "Today" and "Next shifts" parts of the home page."""
    today, _, later = html.partition("<h3>Next shifts</h3>")
    return today.partition("<h3>Today</h3>")[2], later


@pytest.mark.parametrize("hanoi_time", ["2026-03-10 09:00", *DAY_BOUNDARIES])
def test_leader_sees_todays_and_next_shifts_with_staffing(hanoi_time, client, auth, season, make_user, make_shift):
    season.leader.locale = "en"
    db.session.commit()
    now_shift = make_shift(season.campaign, season.point, starts_at=clock.now().replace(microsecond=0)
                           + timedelta(minutes=5), hours=1, capacity=4)
    book(make_user(), now_shift)
    later = make_shift(season.campaign, season.point, starts_in=timedelta(days=3), capacity=5)
    auth.as_(season.leader)
    html = page(client)
    today, next_days = sections(html)
    assert "1 / 4 booked" in today and "0 / 5 booked" in next_days
    assert later.starts_at.astimezone(clock.LOCAL_TZ).strftime("%d/%m/%Y") in next_days
    assert 'href="/operations/today"' in html
    assert html.index("1 / 4 booked") < html.index("0 / 5 booked")  # sooner first


@pytest.mark.parametrize("hanoi_time", [AFTER_MIDNIGHT, MONDAY_MORNING])
def test_a_night_shift_that_began_yesterday_is_still_todays_until_it_ends(hanoi_time, client, auth, season,
                                                                          make_user, make_shift):
    season.leader.locale = "en"
    db.session.commit()
    midnight = datetime.combine(clock.local_today(), time(0), clock.LOCAL_TZ)
    running = make_shift(season.campaign, season.point, starts_at=midnight - timedelta(hours=2), hours=4, capacity=3)
    make_shift(season.campaign, season.point, starts_at=midnight - timedelta(hours=4), hours=4, capacity=2)  # ended
    auth.as_(season.leader)
    today, next_days = sections(page(client))
    assert "0 / 3 booked" in today and running.starts_at.astimezone(clock.LOCAL_TZ).strftime("%d/%m/%Y") in today
    assert "0 / 2 booked" not in today + next_days


def test_organiser_worklist_lists_understaffed_shifts_and_certificates_waiting(client, auth, season, make_user,
                                                                               make_shift, make_campaign):
    admin = make_user(role="admin", locale="en")
    short = make_shift(season.campaign, season.point, capacity=4)
    book(make_user(), short)
    full = make_shift(season.campaign, season.point, starts_in=timedelta(days=3), capacity=1)
    book(make_user(), full)
    ended = make_campaign(name="Mùa hè 2026", status="closed", start_date=date.today() - timedelta(days=60),
                          end_date=date.today() - timedelta(days=5))
    certificates.set_rule(admin, ended, False, 0, None)
    volunteers = [make_user() for _ in range(2)]
    enrol(ended, *volunteers)
    for n, volunteer in enumerate(volunteers):
        served(ended, season.point, volunteer, days_ago=20 + n)
    auth.as_(admin)
    html = page(client)
    assert "1 / 4 booked" in html and "0 / 1" not in html and "1 / 1 booked" not in html
    assert 'href="/reports/staffing"' in html
    assert "Mùa hè 2026" in html and "2 students qualify and have no certificate yet" in html
    assert f'href="/campaigns/{ended.slug}/certificates"' in html
    certificates.issue_all(admin, ended)
    assert "Mùa hè 2026" not in page(client)


def test_organiser_worklist_lists_referrals_and_data_requests(client, auth, season, make_user):
    admin = make_user(role="admin", locale="en")
    student = make_user()
    enrol(season.campaign, student)
    db.session.add(Recommendation(campaign_id=season.campaign.id, user_id=student.id, kind="referral"))
    request = privacy_requests.open_request(student, "access", "Cho tôi xem dữ liệu")
    db.session.commit()
    request.acknowledge_by = request.due_at = request.received_at + timedelta(hours=1)
    db.session.commit()
    auth.as_(admin)
    html = page(client)
    assert f'href="/campaigns/{season.campaign.slug}/referrals?status=proposed"' in html
    assert "1 nomination to decide" in html
    assert f'href="/admin/privacy/requests/{request.id}"' in html and "Due soon" in html


def test_an_empty_worklist_says_so(client, auth, make_user):
    auth.as_(make_user(role="admin", locale="en"))
    assert "Nothing waits for you" in page(client)


def test_a_person_with_several_roles_sees_each_section(client, auth, season, make_user):
    person = make_user(roles=["student", "trainer", "admin"], locale="en")
    auth.as_(person)
    html = page(client)
    for section in ("home-student", "home-trainer", "home-organiser"):
        assert f'id="{section}"' in html
    assert 'id="home-leader"' not in html


def test_organiser_statements_do_not_grow_with_data(client, auth, season, make_user, make_shift, count_queries):
    admin = make_user(role="admin")
    make_shift(season.campaign, season.point)
    auth.as_(admin)
    page(client)
    with count_queries() as few:
        page(client)
    for days in range(1, 6):
        book(make_user(), make_shift(season.campaign, season.point, starts_in=timedelta(days=days, hours=2)))
    with count_queries() as lots:
        page(client)
    assert lots.n == few.n, "\n".join(lots.statements)


def test_trainer_sees_sessions_to_come_and_past_ones_awaiting_attendance(client, auth, season, make_user):
    trainer = make_user(role="trainer", locale="en")
    assign(season.campaign, trainer)
    now = clock.now()
    past = TrainingSession(campaign_id=season.campaign.id, title="Buổi sáng thứ Bảy", starts_at=now - timedelta(days=2),
                           ends_at=now - timedelta(days=2) + timedelta(hours=2), place="Nhà Văn hóa", capacity=30,
                           trainer_id=trainer.id, modules=season.modules)
    coming = TrainingSession(campaign_id=season.campaign.id, title="Buổi tối thứ Ba", starts_at=now + timedelta(days=3),
                             ends_at=now + timedelta(days=3, hours=2), place="Phòng 201", capacity=20,
                             trainer_id=trainer.id, modules=season.modules)
    done = TrainingSession(campaign_id=season.campaign.id, title="Buổi đã điểm danh", starts_at=now - timedelta(days=5),
                           ends_at=now - timedelta(days=5) + timedelta(hours=2), place="Phòng 202", capacity=20,
                           trainer_id=trainer.id, attendance_taken_at=now - timedelta(days=4))
    db.session.add_all([past, coming, done])
    db.session.flush()
    student = make_user()
    enrol(season.campaign, student)
    db.session.add(SessionRegistration(session_id=coming.id, user_id=student.id))
    db.session.commit()
    auth.as_(trainer)
    html = page(client)
    assert "Buổi sáng thứ Bảy" in html and "Take attendance" in html
    assert "Buổi tối thứ Ba" in html and "1 / 20 registered" in html
    assert "Buổi đã điểm danh" not in html
