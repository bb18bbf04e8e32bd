"""A finished campaign with students in every situation the certificate rule distinguishes."""
from dataclasses import dataclass

import pytest

from portal.accounts.models import User
from portal.campaigns.models import Campaign
from portal.certificates import documents
from portal.certificates import services as certificates
from portal.certificates.models import CertificateRule
from portal.extensions import db
from tests import factories

LONG_NAME = "Nguyễn Thị Phương Thảo Hoàng Lê Khánh Ngọc"


@dataclass
class Season:
    """The ended campaign and its people by situation: eligible, untrained, short, absent, idle, and the admin."""

    campaign: Campaign
    people: dict[str, User]


@pytest.fixture
def season(app, make_user, make_module):
    """An ended campaign: rule 8 hours, at most one no-show, training required.

    eligible: trained, 3 shifts of 4 h (12 h) · untrained: 12 h, no training · short: trained, 4 h ·
    absent: trained, 12 h and 2 no-shows · idle: trained, never came.
    """
    finished = factories.finished_season(
        organisers=("Thành đoàn Hà Nội", "Trung tâm Phục vụ hành chính công thành phố Hà Nội"),
        modules=("Bảo mật thông tin công dân", "Kỹ năng ứng xử"))
    campaign, hoan_kiem, gia_lam = finished.campaign, finished.hoan_kiem, finished.gia_lam
    db.session.add(CertificateRule(campaign_id=campaign.id, require_training=True, min_minutes=480, max_no_shows=1))
    db.session.commit()
    make_module(campaign, title="Tùy chọn", is_required=False)
    people = {
        "eligible": make_user(full_name=LONG_NAME, school="Trường Đại học Luật Hà Nội", phone="0987654321",
                              student_code="LHN2025001"),
        "untrained": make_user(full_name="Đỗ Thu Hương"),
        "short": make_user(full_name="Lê Văn Ngắn"),
        "absent": make_user(full_name="Phạm Văn Vắng"),
        "idle": make_user(full_name="Trần Thị Nghỉ"),
    }
    factories.enrol(campaign, *people.values())
    trainer = make_user(role="admin")
    factories.trained(trainer, finished.modules, [u for k, u in people.items() if k != "untrained"])
    for key in ("eligible", "untrained", "absent"):
        for n, point in enumerate((hoan_kiem, gia_lam, hoan_kiem)):
            factories.served(campaign, point, people[key], days_ago=40 + n)
    factories.served(campaign, gia_lam, people["short"])
    for n in range(2):
        factories.served(campaign, gia_lam, people["absent"], status="no_show", days_ago=30 + n)
    people["admin"] = trainer
    return Season(campaign=campaign, people=people)


@pytest.fixture
def three(season):
    """A certificate, a referral letter and a commendation issued to the same student, committed."""
    admin, student = season.people["admin"], season.people["eligible"]
    (certificate,) = certificates.issue_all(admin, season.campaign)
    referral = documents.issue_document(admin, "referral", student, season.campaign, {"host": "Chi nhánh số 6"})
    commendation = documents.issue_document(admin, "commendation", student, season.campaign, {})
    db.session.commit()
    return certificate, referral, commendation
