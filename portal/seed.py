"""Demo data: the campaign from the article, a few branches and points, one account per role.

Idempotent: every record is looked up by its natural key first, so a second run changes nothing.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from portal.accounts.consent import CONSENT_PURPOSE
from portal.accounts.models import Consent, User, UserRole
from portal.accounts.services import hash_password
from portal.accounts.two_factor import encrypt_secret
from portal.campaigns.models import (
    Branch,
    Campaign,
    CampaignEnrolment,
    CampaignOrganiser,
    CampaignStaff,
    PointLeader,
    ServicePoint,
)
from portal.campaigns.services import campaign_created
from portal.certificates import models, paper_demo
from portal.core import clock, markdown
from portal.core.clock import LOCAL_TZ
from portal.extensions import db
from portal.operations.models import Attendance, VolunteerRating
from portal.seed_guides import seed_guides
from portal.seed_history import seed_history
from portal.seed_training import MODULES
from portal.shifts import planning
from portal.shifts.models import Booking, Shift, ShiftTemplate
from portal.training import signoff
from portal.training.models import QuizQuestion, TrainingModule
from portal.training.services import parse_quiz

DEMO_PASSWORD = "donghanh-demo-2025"
# The demo organiser's two-factor secret: published (README, `make run`), like the password, which
# is why seed-demo refuses production. Add it to an authenticator app, or compute a code with
# `python -c "import pyotp; print(pyotp.TOTP('DEMOADMINTOTPSECRETDONGHANH23456').now())"`.
DEMO_TOTP_SECRET = "DEMOADMINTOTPSECRETDONGHANH23456"
CAMPAIGN_SLUG = "thanh-nien-dong-hanh-2025"

CAMPAIGN = {
    "name": "Thanh niên đồng hành cùng hành chính công",
    "slug": CAMPAIGN_SLUG,
    "description": (
        "Chiến dịch do Thành đoàn Hà Nội phối hợp với Trung tâm Phục vụ hành chính công thành phố "
        "Hà Nội tổ chức: đoàn viên, sinh viên tình nguyện hỗ trợ người dân, doanh nghiệp thực hiện "
        "thủ tục hành chính tại các Điểm Hỗ trợ dịch vụ công số xã, phường, và lan tỏa tinh thần "
        "“Thanh niên số - Hành chính số”."
    ),
    "start_date": date(2025, 12, 18),
    "end_date": date(2026, 2, 15),
    "peak_start": date(2025, 12, 15),
    "peak_end": date(2026, 1, 15),
    "status": "closed",  # the season of the article has ended
}
ORGANISERS = ["Thành đoàn Hà Nội", "Trung tâm Phục vụ hành chính công thành phố Hà Nội"]

# (branch, [(point name, ward or commune, address)])
POINTS = [
    ("Chi nhánh số 1", [
        ("Điểm Hỗ trợ dịch vụ công số phường Hoàn Kiếm", "Phường Hoàn Kiếm", "126 Hàng Trống, phường Hoàn Kiếm"),
        ("Điểm Hỗ trợ dịch vụ công số phường Cửa Nam", "Phường Cửa Nam", "38 Hai Bà Trưng, phường Cửa Nam"),
    ]),
    ("Chi nhánh số 3", [
        ("Điểm Hỗ trợ dịch vụ công số phường Cầu Giấy", "Phường Cầu Giấy", "36 Cầu Giấy, phường Cầu Giấy"),
        ("Điểm Hỗ trợ dịch vụ công số phường Nghĩa Đô", "Phường Nghĩa Đô", "2 Hoàng Quốc Việt, phường Nghĩa Đô"),
    ]),
    ("Chi nhánh số 6", [
        ("Điểm Hỗ trợ dịch vụ công số xã Gia Lâm", "Xã Gia Lâm", "Trụ sở UBND xã Gia Lâm, đường Cổ Bi"),
        ("Điểm Hỗ trợ dịch vụ công số xã Bát Tràng", "Xã Bát Tràng", "Trụ sở UBND xã Bát Tràng"),
        ("Điểm Hỗ trợ dịch vụ công số xã Thuận An", "Xã Thuận An", "Trụ sở UBND xã Thuận An"),
    ]),
]

# (role, email, full name, profile)
ACCOUNTS = [
    ("admin", "admin@example.org", "Trần Thị Minh Thu", {}),
    ("trainer", "trainer@example.org", "Lê Quang Huy", {}),
    ("leader", "leader@example.org", "Phạm Thu Hà", {"phone": "0912345678"}),
    ("student", "student@example.org", "Nguyễn Văn An", {
        "phone": "0987654321",
        "school": "Học viện Nông nghiệp và Môi trường",
        "student_code": "HV2025001",
        "chapter": "Đoàn TNCS Hồ Chí Minh Học viện Nông nghiệp và Môi trường",
    }),
]


def _get_or_create(model, defaults: dict | None = None, **key):
    """Return the row with this natural key, creating it with `defaults` when absent."""
    row = db.session.scalar(select(model).filter_by(**key))
    if row is None:
        row = model(**key, **(defaults or {}))
        db.session.add(row)
        db.session.flush()
        return row, True
    return row, False


def seed_demo() -> list[str]:
    """Load the demo data in one transaction; return lines that describe what happened."""
    lines: list[str] = []
    logins = ["Demo logins (role, email, password):"]
    campaign, created = _get_or_create(
        Campaign, {k: v for k, v in CAMPAIGN.items() if k != "slug"}, slug=CAMPAIGN_SLUG
    )
    if created:
        campaign.organisers.extend(
            CampaignOrganiser(name=n, position=i) for i, n in enumerate(ORGANISERS)
        )
        campaign_created.send(campaign)  # what every new campaign starts with (activity-log categories)
        lines.append(f"campaign {CAMPAIGN_SLUG} created")
    for branch_name, points in POINTS:
        branch, _ = _get_or_create(Branch, name=branch_name)
        for name, ward, address in points:
            _get_or_create(ServicePoint, {"ward": ward, "address": address}, branch_id=branch.id, name=name)
    password_hash = hash_password(DEMO_PASSWORD)
    for role, email, full_name, profile in ACCOUNTS:
        user, created = _get_or_create(
            User,
            {
                "full_name": full_name,
                "password_hash": password_hash,
                "password_changed_at": clock.now(),
                "email_verified_at": clock.now(),
                **profile,
            },
            email=email,
        )
        if created:
            user.roles.append(UserRole(role=role))
            if role == "admin":
                user.totp_secret = encrypt_secret(DEMO_TOTP_SECRET)
                user.totp_enabled_at = clock.now()
            if role == "student":
                user.consents.append(Consent(notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
                                             purpose=CONSENT_PURPOSE))
            lines.append(f"account {email} created")
        logins.append(f"  {role:8} {email:24} {DEMO_PASSWORD}"
                      + (f"  two-factor key {DEMO_TOTP_SECRET}" if role == "admin" else ""))
    lines += _seed_training(campaign)
    lines += _seed_past_shifts(campaign, password_hash) + paper_demo.seed_paper(None, campaign)
    lines += _seed_current_season()
    lines += seed_history(db.session.scalar(select(Campaign).where(Campaign.slug == CURRENT_SLUG)), password_hash)
    lines += seed_guides(db.session.scalar(select(Campaign).where(Campaign.slug == CURRENT_SLUG)))
    db.session.commit()
    return lines + logins


CURRENT_SLUG = "thanh-nien-dong-hanh-2026"


def _seed_current_season() -> list[str]:
    """A season running now, so the demo has shifts to book: the same modules, the demo student
    trained, weekday shifts at four points from two weeks ago (seed_history gives those two weeks their
    record) to two months ahead, the demo leader at Gia Lâm."""
    if db.session.scalar(select(Campaign).where(Campaign.slug == CURRENT_SLUG)) is not None:
        return []
    today = clock.local_today()
    campaign = Campaign(
        name="Thanh niên đồng hành cùng hành chính công 2026–2027", slug=CURRENT_SLUG, status="open",
        description="Mùa thứ hai của chiến dịch, tiếp nối kết quả mùa 2025–2026.",
        start_date=today - timedelta(days=14), end_date=today + timedelta(days=60),
        peak_start=today + timedelta(days=7), peak_end=today + timedelta(days=21),
    )
    campaign.organisers.extend(CampaignOrganiser(name=n, position=i) for i, n in enumerate(ORGANISERS))
    db.session.add(campaign)
    db.session.flush()
    campaign_created.send(campaign)
    first = db.session.scalar(select(Campaign).where(Campaign.slug == CAMPAIGN_SLUG))
    for module in db.session.scalars(select(TrainingModule).where(TrainingModule.campaign_id == first.id)):
        copy = TrainingModule(campaign_id=campaign.id, **{
            f: getattr(module, f) for f in ("title", "summary", "body_md", "body_html", "estimated_minutes",
                                            "position", "is_required", "validity_days")})
        copy.questions = [QuizQuestion(position=q.position, prompt=q.prompt, options=list(q.options),
                                       answer_index=q.answer_index) for q in module.questions]
        db.session.add(copy)
    users = {u.email: u for u in db.session.scalars(select(User))}
    trainer, leader, student = (users[e] for e in ("trainer@example.org", "leader@example.org", "student@example.org"))
    db.session.add_all([CampaignStaff(campaign_id=campaign.id, user_id=trainer.id, role="trainer"),
                        CampaignStaff(campaign_id=campaign.id, user_id=leader.id, role="leader"),
                        CampaignEnrolment(campaign_id=campaign.id, user_id=student.id)])
    db.session.flush()
    for module in db.session.scalars(select(TrainingModule).where(TrainingModule.campaign_id == campaign.id)):
        signoff.complete(trainer, module, [student.id], method="session", commit=False)
    points = db.session.scalars(select(ServicePoint).order_by(ServicePoint.id)).all()[:3]
    gia_lam = db.session.scalar(select(ServicePoint).where(ServicePoint.name.contains("Gia Lâm")))
    if gia_lam is not None:
        db.session.add(PointLeader(point_id=gia_lam.id, user_id=leader.id))
        gia_lam.opening_hours = "Thứ Hai – Thứ Sáu 7:30–17:00; sáng Thứ Bảy 7:30–11:30"
        gia_lam.volunteer_notes = "Gặp tổ trưởng tại quầy số 1; mặc áo tình nguyện; mang theo thẻ sinh viên."
        points.append(gia_lam)
    lines = [f"campaign {CURRENT_SLUG} created"]
    for point in {p.id: p for p in points}.values():
        for start, end, focus in ((time(7, 30), time(11, 30), "Hướng dẫn hoàn thiện hồ sơ, phân luồng"),
                                  (time(13, 30), time(17, 0), "Hỗ trợ kích hoạt VNeID, nộp hồ sơ trực tuyến")):
            template = ShiftTemplate(campaign_id=campaign.id, point_id=point.id, weekdays="1,2,3,4,5",
                                     start_time=start, end_time=end, capacity=4, task_focus=focus)
            db.session.add(template)
            db.session.flush()
            shifts = planning.new_shifts(template, set())
            db.session.add_all(shifts)
            lines.append(f"{len(shifts)} shifts created at {point.name}")
    return lines


def _seed_training(campaign: Campaign) -> list[str]:
    """The four modules of the article, the demo trainer assigned, the demo student enrolled."""
    lines = []
    for position, spec in enumerate(MODULES, start=1):
        fields = {k: v for k, v in spec.items() if k not in ("title", "quiz")}
        module, created = _get_or_create(
            TrainingModule, {**fields, "position": position, "body_html": markdown.render(spec["body_md"])},
            campaign_id=campaign.id, title=spec["title"],
        )
        if created:
            lines.append(f"training module {spec['title']!r} created")
            for number, (prompt, options, answer) in enumerate(parse_quiz(spec.get("quiz", "")), start=1):
                module.questions.append(QuizQuestion(position=number, prompt=prompt, options=options,
                                                     answer_index=answer))
    trainer = db.session.scalar(select(User).where(User.email == "trainer@example.org"))
    leader = db.session.scalar(select(User).where(User.email == "leader@example.org"))
    student = db.session.scalar(select(User).where(User.email == "student@example.org"))
    _get_or_create(CampaignStaff, campaign_id=campaign.id, user_id=trainer.id, role="trainer")
    _get_or_create(CampaignStaff, campaign_id=campaign.id, user_id=leader.id, role="leader")
    _get_or_create(CampaignEnrolment, campaign_id=campaign.id, user_id=student.id)
    return lines


# Past volunteers of the 2025 season: (email, name, school, shifts attended, no-shows, trained)
PAST_VOLUNTEERS = [
    ("lan.nguyen@example.org", "Nguyễn Thị Lan", "Trường Đại học Luật Hà Nội", 4, 0, True),
    ("minh.tran@example.org", "Trần Đức Minh", "Học viện Nông nghiệp và Môi trường", 3, 1, True),
    ("ngoc.le@example.org", "Lê Khánh Ngọc", "Trường Đại học Sư phạm Hà Nội", 2, 0, True),
    ("quang.pham@example.org", "Phạm Văn Quang", "Trường Đại học Bách khoa Hà Nội", 1, 2, True),
    ("huong.do@example.org", "Đỗ Thu Hương", "Trường Đại học Khoa học Xã hội và Nhân văn", 3, 0, False),
]


RATINGS = [(5, "Nhiệt tình, hướng dẫn người dân rất rõ ràng"), (4, "Chu đáo, đúng giờ"),
           (5, "Hỗ trợ người cao tuổi kích hoạt VNeID kiên nhẫn"), (3, "Cần chủ động hơn")]


def _seed_past_shifts(campaign: Campaign, password_hash: str) -> list[str]:
    """The ended 2025 season's record: volunteers trained, shifts served with check-in and check-out,
    a few no-shows, and a certificate rule (8 hours, at most one no-show), so a newcomer can issue
    real certificates: `flask --app wsgi certificates issue --campaign thanh-nien-dong-hanh-2025`."""
    if db.session.scalar(select(Shift.id).where(Shift.campaign_id == campaign.id).limit(1)) is not None:
        return []
    trainer = db.session.scalar(select(User).where(User.email == "trainer@example.org"))
    leader = db.session.scalar(select(User).where(User.email == "leader@example.org"))
    student = db.session.scalar(select(User).where(User.email == "student@example.org"))
    points = db.session.scalars(select(ServicePoint).order_by(ServicePoint.id)).all()
    people = [(student, 5, 0, True)]
    for email, name, school, attended, no_shows, trained in PAST_VOLUNTEERS:
        user, created = _get_or_create(User, {
            "full_name": name, "school": school, "password_hash": password_hash, "password_changed_at": clock.now(),
            "email_verified_at": clock.now()}, email=email)
        if created:
            user.roles.append(UserRole(role="student"))
            user.consents.append(Consent(notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
                                         purpose=CONSENT_PURPOSE))
        _get_or_create(CampaignEnrolment, campaign_id=campaign.id, user_id=user.id)
        people.append((user, attended, no_shows, trained))
    db.session.flush()
    modules = db.session.scalars(select(TrainingModule).where(TrainingModule.campaign_id == campaign.id)).all()
    trained_ids = [user.id for user, _, _, trained in people if trained]
    for module in modules:
        signoff.complete(trainer, module, trained_ids, method="session", commit=False)
    for index, (user, attended, no_shows, _) in enumerate(people):
        for number in range(attended + no_shows):
            day_of = campaign.start_date + timedelta(days=2 + index + number * 4)
            point = points[(index + number) % len(points)]
            starts = datetime.combine(day_of, time(7, 30), LOCAL_TZ)
            shift = Shift(campaign_id=campaign.id, point_id=point.id, starts_at=starts,
                          ends_at=starts + timedelta(hours=4), capacity=4, booked_count=1,
                          task_focus="Hướng dẫn hoàn thiện hồ sơ, hỗ trợ kích hoạt VNeID")
            db.session.add(shift)
            db.session.flush()
            booking = Booking(shift_id=shift.id, user_id=user.id, status="booked", source="self")
            db.session.add(booking)
            db.session.flush()
            if number < attended:
                db.session.add(Attendance(booking_id=booking.id, status="present", check_in_method="leader",
                                          checked_in_at=starts - timedelta(minutes=10),
                                          checked_out_at=starts + timedelta(hours=4, minutes=5)))
                stars, words = RATINGS[(index + number) % len(RATINGS)]
                db.session.add(VolunteerRating(booking_id=booking.id, rating=stars, comment=words,
                                               rated_by_id=leader.id if leader else None))
            else:
                db.session.add(Attendance(booking_id=booking.id, status="no_show"))
    _get_or_create(models.CertificateRule, {"require_training": True, "min_minutes": 8 * 60, "max_no_shows": 1},
                   campaign_id=campaign.id)
    return [f"{len(people)} volunteers of the 2025 season with their shifts and attendance"]
