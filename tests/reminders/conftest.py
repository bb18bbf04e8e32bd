"""A point with its leader, a shift at a pinned Hanoi time, and students booked on it (or waiting)."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from portal.campaigns.models import PointLeader
from portal.extensions import db
from portal.shifts.models import Booking, WaitlistEntry
from tests import factories
from tests.conftest import hanoi


@dataclass
class Scene:
    """What a reminders test stands on."""

    campaign: object
    point: object
    leader: object
    shift: object
    students: list
    bookings: list

    def wait(self, student) -> WaitlistEntry:
        """Put a student on the shift's waitlist (the shift is full)."""
        entry = WaitlistEntry(shift_id=self.shift.id, user_id=student.id)
        db.session.add(entry)
        db.session.commit()
        return entry


@pytest.fixture
def scene(make_user, make_campaign, make_point, make_shift):
    """scene(starts="2026-03-11 08:00", booked=2, capacity=None): a full shift by default."""

    def build(starts="2026-03-11 08:00", booked=2, capacity=None, hours=4, campaign=None, point=None) -> Scene:
        campaign = campaign or make_campaign(start_date=hanoi(starts).date().replace(day=1),
                                             end_date=hanoi(starts).date().replace(month=12, day=31))
        if point is None:
            point = make_point(map_url="https://maps.example.org/diem")
            leader = make_user(role="leader", full_name="Phạm Thu Hà")
            db.session.add(PointLeader(point_id=point.id, user_id=leader.id))
        else:
            leader = None
        shift = make_shift(campaign, point, starts_at=hanoi(starts), hours=hours, capacity=capacity or booked or 1,
                           booked_count=booked)
        students = [make_user(full_name=f"Sinh Viên {chr(65 + n)}") for n in range(booked)]
        factories.enrol(campaign, *students)
        bookings = [Booking(shift_id=shift.id, user_id=s.id) for s in students]
        db.session.add_all(bookings)
        db.session.commit()
        return Scene(campaign, point, leader, shift, students, bookings)

    return build
