"""A point with its leader, a shift four students could cover, and the student who cannot come."""
from dataclasses import dataclass

import pytest

from portal.campaigns.models import PointLeader
from portal.extensions import db
from portal.shifts import booking
from tests.factories import enrol


@dataclass
class Team:
    """`asker` is booked on `shift` at `point` (led by `leader`); `free` students of the campaign could take it."""

    campaign: object
    point: object
    leader: object
    shift: object
    asker: object
    asker_booking: object
    free: list


@pytest.fixture
def team(make_user, make_campaign, make_point, make_shift):
    """The campaign's team: the asker booked, three colleagues free to cover."""
    campaign, point = make_campaign(), make_point()
    leader = make_user(role="leader", full_name="Phạm Thu Hà")
    db.session.add(PointLeader(point_id=point.id, user_id=leader.id))
    db.session.commit()
    shift = make_shift(campaign, point, capacity=3)
    asker = make_user(full_name="Nguyễn Thị Lan")
    free = [make_user(full_name=f"Trần Văn {name}") for name in ("Bình", "Cường", "Dũng")]
    enrol(campaign, asker, *free)
    own = booking.book(asker, shift.id)
    return Team(campaign, point, leader, shift, asker, own, free)
