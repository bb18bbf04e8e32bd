"""Demo data: the campaign from the article, a few branches and points, one account per role.

Idempotent: every record is looked up by its natural key first, so a second run changes nothing.
"""
from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from portal.accounts.models import Consent, User, UserRole
from portal.accounts.services import CONSENT_PURPOSE, hash_password
from portal.campaigns.models import Branch, Campaign, CampaignOrganiser, ServicePoint
from portal.core.types import utcnow
from portal.extensions import db

DEMO_PASSWORD = "donghanh-demo-2025"
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
    "status": "open",
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
                "password_changed_at": utcnow(),
                "email_verified_at": utcnow(),
                **profile,
            },
            email=email,
        )
        if created:
            user.roles.append(UserRole(role=role))
            if role == "student":
                user.consents.append(Consent(notice_version=current_app.config["PRIVACY_NOTICE_VERSION"], purpose=CONSENT_PURPOSE))
            lines.append(f"account {email} created")
        logins.append(f"  {role:8} {email:24} {DEMO_PASSWORD}")
    lines += _seed_training(campaign)
    db.session.commit()
    return lines + logins


def _seed_training(campaign: Campaign) -> list[str]:
    """The four modules of the article, the demo trainer assigned, the demo student enrolled."""
    from portal.campaigns.models import CampaignEnrolment, CampaignStaff
    from portal.seed_training import MODULES
    from portal.training import markdown
    from portal.training.models import QuizQuestion, TrainingModule
    from portal.training.services import parse_quiz

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
                module.questions.append(QuizQuestion(position=number, prompt=prompt, options=options, answer_index=answer))
    trainer = db.session.scalar(select(User).where(User.email == "trainer@example.org"))
    leader = db.session.scalar(select(User).where(User.email == "leader@example.org"))
    student = db.session.scalar(select(User).where(User.email == "student@example.org"))
    _get_or_create(CampaignStaff, campaign_id=campaign.id, user_id=trainer.id, role="trainer")
    _get_or_create(CampaignStaff, campaign_id=campaign.id, user_id=leader.id, role="leader")
    _get_or_create(CampaignEnrolment, campaign_id=campaign.id, user_id=student.id)
    return lines
