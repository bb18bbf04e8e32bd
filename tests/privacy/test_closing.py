"""Closing one's account: bookings cancelled with waitlists promoted, deactivation, the email, coming back."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import User, UserSession
from portal.audit.models import AuditEvent
from portal.campaigns.models import Campaign, ServicePoint
from portal.core import clock
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.privacy import closing
from portal.shifts import booking
from portal.shifts.models import Booking, Shift, WaitlistEntry
from tests.factories import PASSWORD, enrol, served


@dataclass
class World:
    """A campaign, a point and two enrolled students: one closing their account, one waiting for a seat."""

    campaign: Campaign
    point: ServicePoint
    leaving: User
    waiting: User


@pytest.fixture
def world(make_user, make_campaign, make_point):
    campaign = make_campaign(booking_window_days=14, cancel_cutoff_hours=12, max_shifts_per_week=3, max_hours_per_day=8)
    point = make_point()
    leaving, waiting = make_user(full_name="Phạm Thị Rời Đi"), make_user()
    enrol(campaign, leaving, waiting)
    return World(campaign=campaign, point=point, leaving=leaving, waiting=waiting)


def test_closing_cancels_future_bookings_promotes_the_waitlist_and_deactivates(world, outbox, app, make_shift):
    full = make_shift(world.campaign, world.point, capacity=1)
    mine = booking.book(world.leaving, full.id)
    booking.join_waitlist(world.waiting, full.id)
    other = make_shift(world.campaign, world.point, starts_in=timedelta(days=3), capacity=1)
    booking.book(world.waiting, other.id)
    booking.join_waitlist(world.leaving, other.id)
    past = served(world.campaign, world.point, world.leaving)
    expires = clock.now() + timedelta(hours=1)
    db.session.add(UserSession(user_id=world.leaving.id, token_hash="a" * 64, expires_at=expires))
    db.session.commit()

    done = closing.close(world.leaving, password=PASSWORD)

    db.session.expire_all()
    assert (done.future_bookings, done.waiting) == (1, 1)
    assert db.session.get(Booking, mine.id).status == "cancelled"
    assert db.session.get(Booking, past.id).status == "booked"  # the past stays as it was
    promoted = db.session.scalar(select(Booking).where(Booking.shift_id == full.id, Booking.status == "booked"))
    assert promoted.user_id == world.waiting.id and promoted.source == "waitlist"
    assert db.session.get(Shift, full.id).booked_count == 1
    assert db.session.scalar(select(WaitlistEntry.status).where(WaitlistEntry.user_id == world.leaving.id)) == "closed"
    user = db.session.get(User, world.leaving.id)
    assert not user.is_active_account and user.closed_at is not None and user.erased_at is None
    assert abs(user.erase_after - (user.closed_at + timedelta(days=30))) < timedelta(seconds=1)
    assert db.session.scalar(select(UserSession.ended_at).where(UserSession.user_id == world.leaving.id)) is not None
    mail = outbox(world.leaving.email)[-1]
    assert mail.kind == "account-closed" and "/account/reopen/" in mail.body_text
    assert "/me/certificates" in mail.body_text
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.account_closed"))
    assert event.after["bookings_cancelled"] == 1 and "Rời" not in str(event.after)


def test_the_grace_period_is_a_setting(make_app, make_user):
    app = make_app(PRIVACY_ERASURE_GRACE_DAYS=7)
    with app.app_context():
        user = make_user()
        closing.close(user, password=PASSWORD)
        user = db.session.get(User, user.id)
        assert abs(user.erase_after - user.closed_at - timedelta(days=7)) < timedelta(seconds=1)


def test_closing_needs_the_password_and_organisers_cannot_close_their_own(make_user):
    student, organiser = make_user(), make_user(role="admin")
    with pytest.raises(InvalidInput):
        closing.close(student, password="wrong password!")
    assert db.session.get(User, student.id).is_active_account
    with pytest.raises(InvalidInput):
        closing.close(organiser, password=PASSWORD)
    closing.close(student, actor=organiser)  # an organiser answering a request needs no password
    assert not db.session.get(User, student.id).is_active_account


def test_the_route_confirms_then_closes_and_signs_out(client, auth, make_user, outbox):
    student = auth.as_(make_user(full_name="Lê Văn Rời"))
    page = client.get("/me/data/close")
    assert page.status_code == 200 and 'id="close-account"' in page.get_data(as_text=True)
    refused = client.post("/me/data/close", data={"password": PASSWORD}, headers={"HX-Request": "true"})
    assert refused.status_code == 422 and "<html" not in refused.get_data(as_text=True)
    assert db.session.get(User, student.id).is_active_account
    response = client.post("/me/data/close", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 303
    assert not db.session.get(User, student.id).is_active_account
    assert client.get("/profile").status_code == 302  # signed out
    assert auth.login(student.email).status_code != 303  # a closed account cannot sign in


def test_the_emailed_link_reopens_the_account_once_before_erasure(client, auth, make_user, outbox):
    student = make_user()
    closing.close(student, password=PASSWORD)
    link = re.search(r"http://portal\.test(/account/reopen/\S+)", outbox(student.email)[-1].body_text).group(1)
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 303
    user = db.session.get(User, student.id)
    assert user.is_active_account and user.closed_at is None and user.erase_after is None
    assert auth.login(student.email).status_code == 303
    assert client.post(link).status_code == 410  # used: the closing it named is over
    assert client.get("/account/reopen/not-a-token").status_code == 410


def test_the_link_stops_working_when_the_grace_period_is_over(client, make_user, outbox):
    student = make_user()
    closing.close(student, password=PASSWORD)
    token = closing.reopen_token(db.session.get(User, student.id))
    db.session.get(User, student.id).erase_after = clock.now() - timedelta(minutes=1)
    db.session.commit()
    assert client.post(f"/account/reopen/{token}").status_code == 410
    assert not db.session.get(User, student.id).is_active_account
