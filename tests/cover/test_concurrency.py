"""Many colleagues taking one seat at once, and two conflicting swaps accepted at once, with real threads
and separate connections, on each database (as tests/shifts/test_concurrency.py does for booking)."""
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.cover import services as cover
from portal.cover import swaps
from portal.cover.models import CoverRequest, SwapProposal
from portal.extensions import db
from portal.shifts import booking
from portal.shifts.models import Booking, Shift
from portal.shifts.rules import BookingRefused
from tests.factories import enrol


def rush(app, attempts, action):
    """Run `action(user)` for each (user id, argument) at once, each in its own app context and connection."""
    barrier = Barrier(len(attempts))

    def attempt(pair):
        user_id, argument = pair
        with app.app_context():
            barrier.wait()
            try:
                return action(db.session.get(User, user_id), argument)
            except BookingRefused as refused:
                return refused.code
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return list(pool.map(attempt, attempts))


def booked_on(shift_id):
    return set(db.session.scalars(select(Booking.user_id).where(Booking.shift_id == shift_id,
                                                               Booking.status == "booked")))


def test_twenty_colleagues_accepting_one_request_at_once_one_takes_it(app, team, make_user):
    colleagues = [make_user() for _ in range(17)] + team.free
    enrol(team.campaign, *colleagues[:17])
    request = cover.ask(team.asker, team.asker_booking.id)
    request_id, shift_id = request.id, team.shift.id

    results = rush(app, [(u.id, request_id) for u in colleagues], lambda user, rid: cover.accept(user, rid) and "took")

    assert results.count("took") == 1, results
    assert set(results) == {"took", "taken"}
    db.session.expire_all()
    winner = db.session.get(CoverRequest, request_id).taken_by_id
    assert booked_on(shift_id) == {winner}
    assert db.session.get(Shift, shift_id).booked_count == 1
    assert db.session.scalar(select(func.count()).select_from(Booking).where(Booking.shift_id == shift_id)) == 2


def test_two_conflicting_swaps_accepted_at_once_one_wins(app, team, make_point, make_shift):
    """The asker offered the same booking to Bình and to Cường; both accept at the same moment."""
    binh, cuong = team.free[0], team.free[1]
    proposals = {}
    for colleague in (binh, cuong):
        theirs = booking.book(colleague, make_shift(team.campaign, make_point(), starts_at=team.shift.starts_at).id)
        proposals[colleague.id] = swaps.propose(team.asker, team.asker_booking.id, swaps.code_for(theirs)).id

    results = rush(app, list(proposals.items()),
                   lambda user, pid: swaps.answer(user, pid, "accept") and "swapped")

    assert sorted(results) in (["not_open", "swapped"], ["stale", "swapped"]), results
    db.session.expire_all()
    assert booked_on(team.shift.id) != {team.asker.id} and len(booked_on(team.shift.id)) == 1
    statuses = sorted(db.session.scalars(select(SwapProposal.status)))
    assert statuses == ["accepted", "closed"]
    assert db.session.get(Shift, team.shift.id).booked_count == 1
    assert db.session.scalar(select(func.count()).select_from(Booking).where(
        Booking.user_id == team.asker.id, Booking.status == "booked")) == 1
