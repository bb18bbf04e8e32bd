"""Free text leaders and students write refuses citizens' identifiers, and says why (issue 15)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.campaigns.models import PointLeader
from portal.core import clock
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.operations import activity
from portal.operations import services as operations
from portal.operations.models import ActivityLog, VolunteerRating
from portal.shifts.models import Booking
from tests.factories import enrol
from tests.operations.scenario import PointShift


@pytest.fixture
def world(make_user, make_campaign, make_point, make_shift):
    campaign = make_campaign()
    point = make_point()
    leader = make_user(role="leader")
    db.session.add(PointLeader(point_id=point.id, user_id=leader.id))
    student = make_user()
    enrol(campaign, student)
    shift = make_shift(campaign, point, starts_in=timedelta(hours=-3), hours=2)
    booking = Booking(shift_id=shift.id, user_id=student.id)
    db.session.add(booking)
    db.session.commit()
    return PointShift(leader=leader, student=student, shift=shift, booking=booking)


@pytest.mark.parametrize("field", ["notes", "incidents"])
@pytest.mark.parametrize("text", ["Ông Tư, CCCD 001 203 004 567, quên giấy tờ", "Gọi lại 024.3825.1234",
                                  "Gửi hồ sơ tới ong.tu@example.com"])
def test_activity_notes_and_incidents_refuse_identifiers(world, field, text):
    leader, shift = world.leader, world.shift
    with pytest.raises(InvalidInput) as refused:
        activity.save(leader, shift, {}, "0", **{"notes": "", "incidents": "", field: text}, confirm=False)
    assert refused.value.field == field
    db.session.rollback()
    assert db.session.scalar(select(ActivityLog)) is None


def test_activity_notes_with_times_and_counts_are_kept(world):
    leader, shift = world.leader, world.shift
    log = activity.save(leader, shift, {}, "0", "Đông từ 08:00-11:30, 45 người chờ ngày 20/12/2025", "", confirm=False)
    assert log.notes.startswith("Đông")


def test_rating_comments_refuse_identifiers(world):
    leader, shift, booking = world.leader, world.shift, world.booking
    shift.ends_at = clock.now() - timedelta(hours=1)
    db.session.commit()
    with pytest.raises(InvalidInput) as refused:
        operations.rate(leader, booking, "5", "Giúp bà 0987654321 rất tận tình")
    assert refused.value.field == "comment"
    db.session.rollback()
    assert db.session.scalar(select(VolunteerRating)) is None


def test_the_refusal_is_in_the_writers_language(client, auth, world):
    leader, shift = world.leader, world.shift
    auth.as_(leader)
    client.post("/language", data={"lang": "en"})
    response = client.post(f"/operations/shifts/{shift.id}/log", data={"notes": "Gọi 0912 345 678"})
    assert response.status_code == 422
    assert "phone number" in response.get_data(as_text=True)
