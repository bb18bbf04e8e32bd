"""The guides' world: two points (one led by Hà), two organisers (an author and a reviewer), a student, and a
factory of guides in any status."""
from dataclasses import dataclass

import pytest

from portal.campaigns.models import PointLeader
from portal.core import clock
from portal.extensions import db
from portal.guides.models import Guide

BODY_VI = """Chuẩn bị căn cước và điện thoại có cài VNeID.

1. Mở ứng dụng VNeID và chọn **Đăng ký tài khoản**.
2. Nhập số định danh cá nhân và số điện thoại.
3. Đến bộ phận một cửa để cán bộ xác thực khuôn mặt.

Trang chính thức: [VNeID](https://vneid.gov.vn)
"""


@dataclass(frozen=True)
class Guides:
    """Who and where: `point` (led by `leader`), `other_point`, organisers `author` and `reviewer`, `student`."""

    campaign: object
    point: object
    other_point: object
    leader: object
    other_leader: object
    author: object
    reviewer: object
    student: object


@pytest.fixture
def make_guide(app):
    """A committed guide: `make_guide(status="published", slug=..., title_vi=..., english=True)`."""
    counter = {"n": 0}

    def make(status="published", english=False, author=None, **fields):
        counter["n"] += 1
        n = counter["n"]
        values = {"slug": f"huong-dan-{n}", "title_vi": f"Hướng dẫn số {n}", "summary_vi": "Làm theo từng bước.",
                  "call_vi": "Quét mã để xem từng bước", "body_vi": BODY_VI, "status": status,
                  "author_id": author.id if author else None}
        if english:
            values |= {"title_en": f"Guide number {n}", "summary_en": "Step by step.",
                       "call_en": "Scan for the steps", "body_en": "1. Open the VNeID app.\n2. Sign up.\n"}
        if status in ("published", "retired"):
            values["published_at"] = clock.now()
        if status == "retired":
            values["retired_at"] = clock.now()
        guide = Guide(**(values | fields))
        db.session.add(guide)
        db.session.commit()
        return guide

    return make


@pytest.fixture
def guides_world(app, make_user, make_campaign, make_point):
    campaign = make_campaign()
    point, other_point = make_point(), make_point()
    leader = make_user(role="leader", full_name="Phạm Thu Hà")
    other_leader = make_user(role="leader", full_name="Lê Văn Khác")
    db.session.add_all([PointLeader(point_id=point.id, user_id=leader.id),
                        PointLeader(point_id=other_point.id, user_id=other_leader.id)])
    db.session.commit()
    return Guides(campaign, point, other_point, leader, other_leader,
                  make_user(role="admin", full_name="Trần Thị Soạn"), make_user(role="admin", full_name="Đỗ Văn Duyệt"),
                  make_user(full_name="Nguyễn Thị Lan"))
