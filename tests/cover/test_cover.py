"""Asking for cover: who is offered the seat, taking it, withdrawing, and requests overtaken by events."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import UserPreferredPoint
from portal.core import clock
from portal.cover import offers
from portal.cover import services as cover
from portal.cover.models import CoverRequest
from portal.extensions import db
from portal.notifications.models import Notification
from portal.shifts import booking
from portal.shifts.models import Booking, Shift
from portal.shifts.rules import BookingRefused
from tests.factories import enrol, trained


def notices(kind, user=None):
    """The notices of a kind made so far (for one person, or everyone)."""
    stmt = select(Notification).where(Notification.kind == kind)
    if user is not None:
        stmt = stmt.where(Notification.user_id == user.id)
    return list(db.session.scalars(stmt))


def active_on(shift_id):
    """The ids of the students booked on a shift now."""
    return set(db.session.scalars(select(Booking.user_id).where(Booking.shift_id == shift_id,
                                                               Booking.status == "booked")))


def test_the_seat_is_offered_only_to_colleagues_who_could_book_it(team, make_user, make_module, make_point,
                                                                   make_shift):
    module = make_module(team.campaign)
    trainer = make_user(role="trainer")
    trained(trainer, [module], [team.asker, *team.free[:2]])
    untrained = team.free[2]
    busy = make_user()
    enrol(team.campaign, busy)
    trained(trainer, [module], [busy])
    booking.book(busy, make_shift(team.campaign, make_point(), starts_at=team.shift.starts_at + timedelta(hours=1)).id)
    outsider = make_user()  # never joined the campaign
    trained(trainer, [module], [outsider])

    request = cover.ask(team.asker, team.asker_booking.id, "Em bị ốm")

    offered = {n.user_id for n in notices("cover-offer")}
    assert offered == {team.free[0].id, team.free[1].id}
    assert untrained.id not in offered and busy.id not in offered and outsider.id not in offered
    db.session.refresh(request)
    assert request.offered_count == 2 and request.status == "open"
    assert active_on(team.shift.id) == {team.asker.id}  # still booked and responsible
    with pytest.raises(BookingRefused) as refused:
        cover.accept(untrained, request.id)
    assert refused.value.code == "training"
    with pytest.raises(BookingRefused) as refused:
        cover.accept(busy, request.id)
    assert refused.value.code == "overlap"
    assert active_on(team.shift.id) == {team.asker.id}


def test_offers_are_capped_with_the_students_who_prefer_the_point_first(team, monkeypatch):
    fan = team.free[2]
    db.session.add(UserPreferredPoint(user_id=fan.id, point_id=team.point.id))
    db.session.commit()
    monkeypatch.setattr(offers, "OFFER_CAP", 1)
    cover.ask(team.asker, team.asker_booking.id)
    assert [n.user_id for n in notices("cover-offer")] == [fan.id]


def test_the_first_to_accept_takes_the_seat_and_everyone_concerned_is_told(team):
    request = cover.ask(team.asker, team.asker_booking.id)
    taker, late = team.free[0], team.free[1]
    new = cover.accept(taker, request.id)

    db.session.expire_all()
    assert active_on(team.shift.id) == {taker.id}
    assert db.session.get(Shift, team.shift.id).booked_count == 1  # one out, one in
    assert db.session.get(Booking, team.asker_booking.id).status == "cancelled"
    request = db.session.get(CoverRequest, request.id)
    assert (request.status, request.taken_by_id, request.new_booking_id) == ("taken", taker.id, new.id)
    assert len(notices("cover-taken", team.asker)) == 1 and len(notices("cover-taken", taker)) == 1
    leader_notice, = notices("cover-leader", team.leader)
    assert taker.full_name in leader_notice.subject and team.asker.full_name in leader_notice.subject
    with pytest.raises(BookingRefused) as refused:
        cover.accept(late, request.id)
    assert refused.value.code == "taken" and refused.value.message == cover.TAKEN


def test_a_withdrawn_request_cannot_be_taken_and_the_asker_keeps_the_seat(team):
    request = cover.ask(team.asker, team.asker_booking.id)
    cover.withdraw(team.asker, request.id)
    with pytest.raises(BookingRefused) as refused:
        cover.accept(team.free[0], request.id)
    assert refused.value.code == "not_open"
    assert active_on(team.shift.id) == {team.asker.id}
    with pytest.raises(BookingRefused):
        cover.withdraw(team.asker, request.id)  # once is enough
    cover.ask(team.asker, team.asker_booking.id)  # and they may ask again


def test_asking_twice_or_with_a_phone_number_in_the_note_is_refused(team):
    with pytest.raises(BookingRefused) as refused:
        cover.ask(team.asker, team.asker_booking.id, "Gọi em 0912 345 678 nhé")
    assert refused.value.field == "note"
    cover.ask(team.asker, team.asker_booking.id)
    with pytest.raises(BookingRefused) as refused:
        cover.ask(team.asker, team.asker_booking.id)
    assert refused.value.code == "asked"
    with pytest.raises(BookingRefused):
        cover.ask(team.free[0], team.asker_booking.id)  # not their booking
    assert db.session.scalar(select(func.count()).select_from(CoverRequest)) == 1


@pytest.mark.hanoi_time("2026-03-10 09:00")
def test_a_request_whose_shift_started_is_closed(team, at_hanoi):
    request = cover.ask(team.asker, team.asker_booking.id)
    assert offers.close_overtaken() == 0
    at_hanoi("2026-03-12 08:05")  # the shift began at 08:00
    with pytest.raises(BookingRefused) as refused:
        cover.accept(team.free[0], request.id)
    assert refused.value.code == "started"
    assert offers.close_overtaken() == 1
    db.session.expire_all()
    assert db.session.get(CoverRequest, request.id).status == "closed"
    assert active_on(team.shift.id) == {team.asker.id}


def test_a_booking_cancelled_the_normal_way_leaves_nothing_to_take(team):
    request = cover.ask(team.asker, team.asker_booking.id)
    booking.cancel(team.asker_booking.id, team.asker)
    with pytest.raises(BookingRefused) as refused:
        cover.accept(team.free[0], request.id)
    assert refused.value.code == "stale"
    assert active_on(team.shift.id) == set()
    offers.close_overtaken()
    db.session.expire_all()
    assert db.session.get(CoverRequest, request.id).status == "closed"
    assert clock.now() < team.shift.starts_at
