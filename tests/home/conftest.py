"""Home page scenarios: a campaign running now, two required modules, a point with a leader and notes."""
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest

from portal.accounts.models import User
from portal.campaigns.models import Campaign, PointLeader, ServicePoint
from portal.core import clock
from portal.extensions import db
from portal.shifts.models import Booking
from portal.training.models import TrainingModule


@dataclass
class Season:
    """An open campaign around today, its two required modules, and a point with notes led by Lê Thị Hoa."""

    campaign: Campaign
    modules: list[TrainingModule]
    point: ServicePoint
    leader: User


@pytest.fixture
def season(make_user, make_campaign, make_module, make_point):
    """An open campaign around today with two required modules and a point led by a named leader."""
    today = clock.local_today()
    campaign = make_campaign(name="Mùa đông 2026", slug="mua-dong-2026", start_date=today - timedelta(days=10),
                             end_date=today + timedelta(days=40))
    modules = [make_module(campaign, title="Quy trình tiếp nhận hồ sơ"),
               make_module(campaign, title="Bảo mật thông tin công dân")]
    leader = make_user(role="leader", full_name="Lê Thị Hoa")
    point = make_point(name="Điểm Gia Lâm", volunteer_notes="Mang thẻ sinh viên và áo xanh.")
    db.session.add(PointLeader(point_id=point.id, user_id=leader.id))
    db.session.commit()
    return Season(campaign=campaign, modules=modules, point=point, leader=leader)


def book(user, shift):
    """A booking made straight in the database (the booking rules are tested elsewhere)."""
    shift.booked_count += 1
    booking = Booking(shift_id=shift.id, user_id=user.id, status="booked")
    db.session.add(booking)
    db.session.commit()
    return booking


def states(page: str) -> list[str]:
    """The task list's states, in the order of the steps."""
    return re.findall(r'class="task-list__item task-list__item--(\w+)"', page)
