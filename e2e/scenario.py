"""What the journeys need beyond the demo data, set up before the server starts:
- the 2025 season still open, so the organiser closes it in the certificate journey;
- a shift in the 2026 season that is already full (two days ahead, so on the finder's first page), so a
  student can join its waitlist;
- a shift at the demo leader's point that is running now, with two volunteers booked;
- a second organiser, without two-factor sign-in yet, who enrols in the two-factor journey;
- a student who downloads their data, closes their account and is erased in the privacy journey;
- a new student, signed up and confirmed but in no campaign yet, who follows the home page's task list to
  the first booked shift.

Run as `python -m e2e.scenario OUT.json` with the server's environment; writes the ids the
journeys need to OUT.json."""
from __future__ import annotations

import json
import sys
from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from portal.accounts.consent import CONSENT_PURPOSE
from portal.accounts.models import Consent, User, UserRole
from portal.campaigns.models import Campaign, CampaignEnrolment, ServicePoint
from portal.core import clock
from portal.core.clock import LOCAL_TZ
from portal.extensions import db
from portal.shifts.models import Booking, Shift

NEW_ORGANISER = "nhung.do@example.org"
LEAVING_STUDENT = "rieng.phan@example.org"
NEW_STUDENT = "moi.vu@example.org"


def _shift(campaign, point, starts, hours, capacity, focus, people) -> Shift:
    shift = Shift(campaign_id=campaign.id, point_id=point.id, starts_at=starts, ends_at=starts + timedelta(hours=hours),
                  capacity=capacity, booked_count=len(people), task_focus=focus)
    db.session.add(shift)
    db.session.flush()
    db.session.add_all(Booking(shift_id=shift.id, user_id=person.id) for person in people)
    return shift


def prepare() -> dict:
    first = db.session.scalar(select(Campaign).where(Campaign.slug == "thanh-nien-dong-hanh-2025"))
    first.status = "open"
    season = db.session.scalar(select(Campaign).where(Campaign.slug == "thanh-nien-dong-hanh-2026"))
    people = {u.email: u for u in db.session.scalars(select(User))}
    for email in ("lan.nguyen@example.org", "minh.tran@example.org"):
        db.session.add(CampaignEnrolment(campaign_id=season.id, user_id=people[email].id))
    gia_lam = db.session.scalar(select(ServicePoint).where(ServicePoint.name.contains("Gia Lâm")))
    hoan_kiem = db.session.scalar(select(ServicePoint).where(ServicePoint.name.contains("Hoàn Kiếm")))
    now = datetime.now(LOCAL_TZ).replace(second=0, microsecond=0)
    evening = datetime.combine(now.date() + timedelta(days=2), time(18, 0), LOCAL_TZ)
    full = _shift(season, hoan_kiem, evening, 2, 1, "Ca tăng cường buổi tối", [people["lan.nguyen@example.org"]])
    # Running now, so check-in is open and the leader's Today lists it (even across midnight).
    running = _shift(season, gia_lam, now - timedelta(minutes=5), 3, 4, "Hướng dẫn nộp hồ sơ trực tuyến",
                     [people["student@example.org"], people["minh.tran@example.org"]])
    newcomer = User(email=NEW_ORGANISER, full_name="Đỗ Thị Hồng Nhung", email_verified_at=clock.now(),
                    password_hash=people["admin@example.org"].password_hash, password_changed_at=clock.now())
    newcomer.roles.append(UserRole(role="admin"))
    db.session.add(newcomer)
    leaving = User(email=LEAVING_STUDENT, full_name="Phan Thị Riêng", phone="0987000111", school="Đại học Luật Hà Nội",
                   student_code="LHN2025007", email_verified_at=clock.now(),
                   password_hash=people["admin@example.org"].password_hash, password_changed_at=clock.now())
    leaving.roles.append(UserRole(role="student"))
    db.session.add(leaving)
    db.session.flush()
    db.session.add(CampaignEnrolment(campaign_id=season.id, user_id=leaving.id))
    new_student = User(email=NEW_STUDENT, full_name="Vũ Thị Mới", phone="0912345678", school="Đại học Bách khoa Hà Nội",
                       student_code="BKHN2026042", email_verified_at=clock.now(),
                       password_hash=people["admin@example.org"].password_hash, password_changed_at=clock.now())
    new_student.roles.append(UserRole(role="student"))
    new_student.consents.append(Consent(notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
                                        purpose=CONSENT_PURPOSE))
    db.session.add(new_student)
    db.session.commit()
    return {"full_shift": full.id, "running_shift": running.id, "leader_point": gia_lam.id}


if __name__ == "__main__":
    from wsgi import app

    with app.app_context():
        ids = prepare()
    with open(sys.argv[1], "w") as out:
        json.dump(ids, out)
