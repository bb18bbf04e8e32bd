"""A finished season with volunteers, staff and a host organisation."""
from dataclasses import dataclass

import pytest

from portal.accounts.models import User
from portal.campaigns.models import Campaign, PointLeader, ServicePoint
from portal.extensions import db
from portal.operations.models import VolunteerRating
from portal.referrals.models import HostOrganisation
from tests import factories


@dataclass
class League:
    """The finished season, its people by first name or role, the host organisation and the points by name."""

    campaign: Campaign
    people: dict[str, User]
    host: HostOrganisation
    points: dict[str, ServicePoint]


@pytest.fixture
def league(app, make_user):
    """Students: lan (12 h at Hoàn Kiếm, rated 5 and 4), minh (8 h, 1 no-show, rated 3), quang (4 h at Gia Lâm).
    Staff: the leader of Hoàn Kiếm, a trainer of the campaign, two admins. One host with two places."""
    finished = factories.finished_season()
    campaign, hoan_kiem, gia_lam = finished.campaign, finished.hoan_kiem, finished.gia_lam
    people = {
        "lan": make_user(full_name="Nguyễn Thị Lan", school="Trường Đại học Luật Hà Nội", phone="0912345678",
                         chapter="Đoàn trường Luật"),
        "minh": make_user(full_name="Trần Đức Minh", school="Học viện Nông nghiệp và Môi trường"),
        "quang": make_user(full_name="Phạm Văn Quang", school="Trường Đại học Luật Hà Nội"),
        "leader": make_user(role="leader", full_name="Phạm Thu Hà"),
        "other_leader": make_user(role="leader", full_name="Lê Văn Khác"),
        "trainer": make_user(role="trainer", full_name="Lê Quang Huy"),
        "admin": make_user(role="admin", full_name="Trần Thị Minh Thu"),
        "admin2": make_user(role="admin", full_name="Đỗ Văn Hai"),
    }
    factories.enrol(campaign, people["lan"], people["minh"], people["quang"])
    factories.assign(campaign, people["trainer"], "trainer")
    db.session.add(PointLeader(point_id=hoan_kiem.id, user_id=people["leader"].id))
    db.session.commit()
    factories.trained(people["admin"], finished.modules, [people[k] for k in ("lan", "minh", "quang")])
    bookings = [factories.served(campaign, hoan_kiem, people["lan"], days_ago=40 + n) for n in range(3)]
    for n in range(2):
        bookings.append(factories.served(campaign, hoan_kiem, people["minh"], days_ago=30 + n))
    factories.served(campaign, hoan_kiem, people["minh"], status="no_show", days_ago=20)
    factories.served(campaign, gia_lam, people["quang"], days_ago=10)
    for booking, (stars, words) in zip(bookings, [(5, "Nhiệt tình, hướng dẫn rõ ràng"), (4, "Chu đáo"), (None, ""),
                                                  (3, "Đúng giờ"), (None, "")], strict=True):
        if stars:
            db.session.add(VolunteerRating(booking_id=booking.id, rating=stars, comment=words,
                                           rated_by_id=people["leader"].id))
    host = HostOrganisation(name="Chi nhánh số 1 - Trung tâm Phục vụ hành chính công", contact_name="Chị Hoa",
                            contact_email="chinhanh1@example.org", places=2, fields="Hành chính, CNTT")
    db.session.add(host)
    db.session.commit()
    return League(campaign=campaign, people=people, host=host, points={"hoan_kiem": hoan_kiem, "gia_lam": gia_lam})
