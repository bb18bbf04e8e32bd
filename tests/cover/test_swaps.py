"""Swaps: a code names a colleague's booking; both must be able to take the other's shift; accept exchanges."""
import pytest
from sqlalchemy import select

from portal.cover import swaps
from portal.cover.models import SwapProposal
from portal.extensions import db
from portal.notifications.models import Notification
from portal.shifts import booking
from portal.shifts.models import Booking, Shift
from portal.shifts.rules import BookingRefused


@pytest.fixture
def pair(team, make_point, make_shift):
    """The asker (on team.shift) and Bình, booked on another point's shift the same morning."""
    other = make_shift(team.campaign, make_point(), starts_at=team.shift.starts_at, capacity=2)
    binh = team.free[0]
    return team, other, binh, booking.book(binh, other.id)


def holder(booking_id):
    """The student of a booking and its status."""
    b = db.session.get(Booking, booking_id, populate_existing=True)
    return b.user_id, b.status


def seats(*shifts):
    return [db.session.get(Shift, s.id, populate_existing=True).booked_count for s in shifts]


def test_a_swap_proposed_with_a_code_and_accepted_exchanges_the_two_seats(pair):
    team, other, binh, binh_booking = pair
    # The two shifts are at the same hour: each only fits once the seat given up is free.
    proposal = swaps.propose(team.asker, team.asker_booking.id, swaps.code_for(binh_booking).lower())
    assert db.session.scalar(select(Notification.user_id).where(Notification.kind == "swap-proposed")) == binh.id
    swaps.answer(binh, proposal.id, "accept")
    db.session.expire_all()
    assert holder(team.asker_booking.id) == (team.asker.id, "cancelled")
    assert holder(binh_booking.id) == (binh.id, "cancelled")
    now_on = dict(db.session.execute(select(Booking.user_id, Booking.shift_id).where(Booking.status == "booked")).all())
    assert now_on == {team.asker.id: other.id, binh.id: team.shift.id}
    assert seats(team.shift, other) == [1, 1]
    assert db.session.get(SwapProposal, proposal.id).status == "accepted"
    assert {n.user_id for n in db.session.scalars(select(Notification).where(Notification.kind == "swap-accepted"))} \
        == {team.asker.id, binh.id}
    assert db.session.scalar(select(Notification.user_id).where(Notification.kind == "cover-leader")) == team.leader.id


def test_declined_and_withdrawn_swaps_change_nothing(pair):
    team, other, binh, binh_booking = pair
    first = swaps.propose(team.asker, team.asker_booking.id, swaps.code_for(binh_booking))
    with pytest.raises(BookingRefused):
        swaps.propose(team.asker, team.asker_booking.id, swaps.code_for(binh_booking))  # already proposed
    swaps.answer(binh, first.id, "decline")
    assert db.session.get(SwapProposal, first.id).status == "declined"
    second = swaps.propose(team.asker, team.asker_booking.id, swaps.code_for(binh_booking))
    swaps.answer(team.asker, second.id, "withdraw")
    with pytest.raises(BookingRefused) as refused:
        swaps.answer(binh, second.id, "accept")
    assert refused.value.code == "not_open"
    assert holder(team.asker_booking.id) == (team.asker.id, "booked")
    assert holder(binh_booking.id) == (binh.id, "booked")


def test_a_wrong_code_or_a_colleague_who_could_not_take_my_shift_is_refused(pair, make_shift, make_point):
    team, other, binh, binh_booking = pair
    code = swaps.code_for(binh_booking)
    number, signature = code.split("-")
    with pytest.raises(BookingRefused) as refused:
        swaps.propose(team.asker, team.asker_booking.id, f"{int(number) + 1}-{signature}")
    assert refused.value.field == "code"
    with pytest.raises(BookingRefused) as refused:
        swaps.propose(team.asker, team.asker_booking.id, swaps.code_for(team.asker_booking))
    assert refused.value.code == "own"
    # Bình's later shift: Bình could not take the asker's shift instead, being on `other` at that hour.
    later = make_shift(team.campaign, make_point(), starts_at=team.shift.ends_at, hours=4)
    with pytest.raises(BookingRefused) as refused:
        swaps.propose(team.asker, team.asker_booking.id, swaps.code_for(booking.book(binh, later.id)))
    assert refused.value.code == "overlap" and refused.value.message == swaps.COLLEAGUE_CANNOT
    assert "Nguyễn" not in str(refused.value.message)  # their rule, without their details
    assert db.session.scalar(select(SwapProposal.id)) is None


def test_a_stale_proposal_fails_with_a_clear_message(pair):
    team, other, binh, binh_booking = pair
    proposal = swaps.propose(team.asker, team.asker_booking.id, swaps.code_for(binh_booking))
    booking.cancel(team.asker_booking.id, team.asker)
    with pytest.raises(BookingRefused) as refused:
        swaps.answer(binh, proposal.id, "accept")
    assert refused.value.message == swaps.STALE
    assert holder(binh_booking.id) == (binh.id, "booked")
    with pytest.raises(BookingRefused) as refused:
        swaps.answer(team.asker, proposal.id, "accept")  # only the colleague asked accepts
