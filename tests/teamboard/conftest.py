"""The board's world: a point led by Hà with Lan booked there in two days, a second point with Minh, a free
student, an organiser, and a helper to make a picture of any format and size."""
import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from PIL import Image

from portal.campaigns.models import PointLeader
from portal.extensions import db
from portal.shifts.models import Booking
from tests import factories


@dataclass(frozen=True)
class Board:
    """Who and where: `point` (led by `leader`, `shift` booked by `lan`), `other_point` (`other_shift`, `minh`)."""

    campaign: object
    point: object
    other_point: object
    shift: object
    other_shift: object
    leader: object
    other_leader: object
    admin: object
    lan: object
    minh: object
    free: object


def book(shift, user):
    """A booking, committed, with the seat counted."""
    db.session.add(Booking(shift_id=shift.id, user_id=user.id))
    shift.booked_count += 1
    db.session.commit()


@pytest.fixture
def world(app, make_user, make_campaign, make_point, make_shift):
    campaign = make_campaign()
    point, other_point = make_point(), make_point()
    leader = make_user(role="leader", full_name="Phạm Thu Hà")
    other_leader = make_user(role="leader", full_name="Lê Văn Khác")
    db.session.add_all([PointLeader(point_id=point.id, user_id=leader.id),
                        PointLeader(point_id=other_point.id, user_id=other_leader.id)])
    lan = make_user(full_name="Nguyễn Thị Lan", locale="vi")
    minh = make_user(full_name="Trần Đức Minh")
    free = make_user(full_name="Vũ Văn Rảnh")
    factories.enrol(campaign, lan, minh, free)
    shift = make_shift(campaign, point)
    other_shift = make_shift(campaign, other_point)
    book(shift, lan)
    book(other_shift, minh)
    return Board(campaign, point, other_point, shift, other_shift, leader, other_leader,
                 make_user(role="admin", full_name="Trần Thị Quản Trị"), lan, minh, free)


def picture(fmt="JPEG", size=(800, 600), exif=None) -> bytes:
    """A picture in `fmt`, optionally with EXIF bytes."""
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    image.save(out, fmt, **({"exif": exif} if exif else {}))
    return out.getvalue()


def later(days: int):
    """A shift start `days` from now."""
    return timedelta(days=days)
