"""A finished campaign with students in every situation the certificate rule distinguishes."""
from datetime import date

import pytest

from portal.campaigns.models import CampaignOrganiser
from portal.certificates.models import CertificateRule
from portal.extensions import db
from portal.training import signoff
from tests import factories

LONG_NAME = "Nguyễn Thị Phương Thảo Hoàng Lê Khánh Ngọc"


@pytest.fixture
def season(app, make_user, make_campaign, make_module, make_point):
    """An ended campaign: rule 8 hours, at most one no-show, training required.

    eligible: trained, 3 shifts of 4 h (12 h) · untrained: 12 h, no training · short: trained, 4 h ·
    absent: trained, 12 h and 2 no-shows · idle: trained, never came.
    """
    campaign = make_campaign(name="Thanh niên đồng hành cùng hành chính công", status="closed",
                             start_date=date(2025, 12, 18), end_date=date(2026, 2, 15))
    campaign.organisers.extend([CampaignOrganiser(name="Thành đoàn Hà Nội", position=0),
                                CampaignOrganiser(name="Trung tâm Phục vụ hành chính công thành phố Hà Nội",
                                                  position=1)])
    db.session.add(CertificateRule(campaign_id=campaign.id, require_training=True, min_minutes=480, max_no_shows=1))
    db.session.commit()
    modules = [make_module(campaign, title="Bảo mật thông tin công dân"), make_module(campaign, title="Kỹ năng ứng xử")]
    make_module(campaign, title="Tùy chọn", is_required=False)
    hoan_kiem, gia_lam = make_point(name="Điểm phường Hoàn Kiếm"), make_point(name="Điểm xã Gia Lâm")
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
    for module in modules:
        signoff.complete(trainer, module, [u.id for k, u in people.items() if k != "untrained"], method="session")
    for key in ("eligible", "untrained", "absent"):
        for n, point in enumerate((hoan_kiem, gia_lam, hoan_kiem)):
            factories.served(campaign, point, people[key], days_ago=40 + n)
    factories.served(campaign, gia_lam, people["short"])
    for n in range(2):
        factories.served(campaign, gia_lam, people["absent"], status="no_show", days_ago=30 + n)
    people["admin"] = trainer
    return campaign, people
