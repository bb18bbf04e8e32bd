"""The evening reminder, travelled to in time: a student books the last seat of a shift and another joins its
waitlist; `flask reminders send --at` plays the evening before; the student opens "still coming?" from the
notice's link on a phone, not signed in, answers "cannot come"; the waitlisted student gets the seat and is
told, and the point's leader sees who gave up the seat.

Run as `python -m e2e.test_reminders OUT.json` with the server's environment, it prepares the shift and the
waiting student (see `prepare`)."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from e2e.conftest import ROOT, check_accessibility, check_no_sideways_scroll, log_in, read_database, settle

WAITING = "cho.dao@example.org"
STUDENT = "student@example.org"


def prepare() -> dict:
    """A two-hour evening shift at Gia Lâm three days ahead with one seat, and a trained student with a phone."""
    from flask import current_app
    from sqlalchemy import select

    from portal.accounts.consent import CONSENT_PURPOSE
    from portal.accounts.models import Consent, User, UserRole
    from portal.campaigns.models import Campaign, CampaignEnrolment, ServicePoint
    from portal.core import clock
    from portal.core.clock import LOCAL_TZ
    from portal.extensions import db
    from portal.shifts.models import Shift
    from portal.training import signoff
    from portal.training.models import TrainingModule

    season = db.session.scalar(select(Campaign).where(Campaign.slug == "thanh-nien-dong-hanh-2026"))
    gia_lam = db.session.scalar(select(ServicePoint).where(ServicePoint.name.contains("Gia Lâm")))
    trainer = db.session.scalar(select(User).where(User.email == "trainer@example.org"))
    starts = datetime.combine(clock.local_today() + timedelta(days=3), time(18, 0), LOCAL_TZ)
    shift = Shift(campaign_id=season.id, point_id=gia_lam.id, starts_at=starts, ends_at=starts + timedelta(hours=2),
                  capacity=1, task_focus="Ca nhắc lịch buổi tối")
    waiting = User(email=WAITING, full_name="Đào Thị Chờ", phone="0912000222", school="Học viện Hành chính Quốc gia",
                   student_code="HCQG2026001", email_verified_at=clock.now(), password_hash=trainer.password_hash,
                   password_changed_at=clock.now())
    waiting.roles.append(UserRole(role="student"))
    waiting.consents.append(Consent(notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
                                    purpose=CONSENT_PURPOSE))
    db.session.add_all([shift, waiting])
    db.session.flush()
    db.session.add(CampaignEnrolment(campaign_id=season.id, user_id=waiting.id))
    for module in db.session.scalars(select(TrainingModule).where(TrainingModule.campaign_id == season.id)):
        signoff.complete(trainer, module, [waiting.id], method="session", commit=False)
    db.session.commit()
    return {"shift": shift.id, "evening_before": (starts - timedelta(days=1)).strftime("%d/%m/%Y 19:05")}


def _run(server, *args) -> str:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=server["env"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _book(page, base, shift_id):
    """Press the shift page's one action (book, or join the waitlist) and wait for the page to say so."""
    page.goto(f"{base}/shifts/{shift_id}")
    settle(page)
    page.click(f"#shift-{shift_id}-action")
    page.wait_for_selector(f"#shift-{shift_id}-status")


@pytest.mark.phone_only
def test_the_evening_reminder_gives_an_unwanted_seat_to_the_waitlist(server, pages, tmp_path):
    base = server["url"]
    _run(server, "-m", "e2e.test_reminders", str(tmp_path / "ids.json"))
    ids = json.loads((tmp_path / "ids.json").read_text())
    shift_id = ids["shift"]

    student, waiting = pages(), pages()
    log_in(student, base, STUDENT)
    _book(student, base, shift_id)
    log_in(waiting, base, WAITING)
    _book(waiting, base, shift_id)
    assert waiting.locator(f"#shift-{shift_id}-status .tag--pending").count() == 1  # number 1 in line

    sent = _run(server, "-m", "flask", "--app", "wsgi", "reminders", "send", "--at", ids["evening_before"])
    assert "evening 1," in sent
    ((link,),) = read_database(server, "SELECT n.link FROM notifications n JOIN users u ON u.id = n.user_id "
                                       "WHERE u.email = :email AND n.kind = 'reminder-evening'", email=STUDENT)

    phone = pages()  # the email opened on a phone where nobody is signed in
    phone.goto(link)
    settle(phone)
    assert phone.locator("#answer-question").count() == 1
    check_accessibility(phone)
    check_no_sideways_scroll(phone)
    with phone.expect_navigation():
        phone.click("button[value=released]")
    assert phone.locator(".flash--success").count() == 1
    assert phone.locator("button[value=released]").count() == 0  # answered: nothing left to press
    phone.goto(link)  # the link again: it shows the answer given, and nothing to press
    settle(phone)
    assert phone.locator("#answer-question").count() == 1 and phone.locator("button[name=answer]").count() == 0

    rows = read_database(server, "SELECT b.status, b.source FROM bookings b JOIN users u ON u.id = b.user_id "
                                 "WHERE b.shift_id = :shift AND u.email = :email", shift=shift_id, email=WAITING)
    assert rows == [("booked", "waitlist")]
    told = read_database(server, "SELECT kind FROM outbox_messages WHERE to_email = :to AND kind = 'waitlist-promoted'",
                         to=WAITING)
    assert len(told) == 1
    waiting.goto(f"{base}/shifts/{shift_id}")
    settle(waiting)
    assert waiting.locator(f"#shift-{shift_id}-status .tag--pending").count() == 0  # booked now, not waiting

    leader = pages()
    log_in(leader, base, "leader@example.org")
    ((notice,),) = read_database(server, "SELECT n.link FROM notifications n JOIN users u ON u.id = n.user_id "
                                         "WHERE u.email = 'leader@example.org' AND n.kind = 'reminder-released'")
    leader.goto(notice)
    settle(leader)
    assert "Nguyễn Văn An" in leader.inner_text("#answers-released")
    check_accessibility(leader)
    check_no_sideways_scroll(leader)
    assert student.console_errors == [] and waiting.console_errors == [] and phone.console_errors == []


if __name__ == "__main__":
    from wsgi import app

    with app.app_context():
        prepared = prepare()
    Path(sys.argv[1]).write_text(json.dumps(prepared))
