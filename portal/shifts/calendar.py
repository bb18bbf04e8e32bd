"""iCalendar output: a personal feed at a secret URL, and one shift as a file."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import select

from portal.accounts.models import User
from portal.core import clock
from portal.core.clock import LOCAL_TZ
from portal.core.urls import external_url
from portal.extensions import db
from portal.shifts.models import Booking, CalendarFeed, Shift


def feed_token(user) -> str | None:
    """The student's feed token, or None until they ask for a calendar address (reading never creates one)."""
    return db.session.scalar(select(CalendarFeed.token).where(CalendarFeed.user_id == user.id))


def new_feed_token(user) -> str:
    """Give the student a (new) secret feed token; an older one stops working at once."""
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token=secrets.token_urlsafe(32))
        db.session.add(feed)
    else:
        feed.token, feed.created_at = secrets.token_urlsafe(32), clock.now()
    db.session.commit()
    return feed.token


def user_for_token(token: str):
    """The owner of a feed token, or None."""
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token))
    return db.session.get(User, feed.user_id) if feed else None


def _calendar(name: str) -> Calendar:
    """An empty calendar with our product id and Hanoi as its zone."""
    calendar = Calendar()
    calendar.add("prodid", "-//Đồng hành//volunteer shifts//VI")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    return calendar


def _event(shift: Shift) -> Event:
    """One shift as an event, in Hanoi time."""
    point = shift.point
    event = Event()
    event.add("uid", f"shift-{shift.id}@donghanh")
    event.add("dtstamp", clock.now())
    event.add("dtstart", shift.starts_at.astimezone(LOCAL_TZ))
    event.add("dtend", shift.ends_at.astimezone(LOCAL_TZ))
    event.add("summary", _("Shift: %(point)s", point=point.name))
    event.add("location", f"{point.address}, {point.ward}")
    link = external_url("shifts.show", shift_id=shift.id)
    event.add("url", link)
    description = [shift.task_focus, point.opening_hours, point.volunteer_notes,
                   _("The shift's page: %(link)s", link=link)]
    event.add("description", "\n".join(part for part in description if part))
    if shift.status == "cancelled":
        event.add("status", "CANCELLED")
    return event


def shift_ics(shift: Shift) -> bytes:
    """One shift as an .ics file."""
    calendar = _calendar("Đồng hành")
    calendar.add_component(_event(shift))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed_ics(user) -> bytes:
    """The student's booked shifts (from 30 days ago on) as a subscribable calendar."""
    shifts = db.session.scalars(
        select(Shift).join(Booking, Booking.shift_id == Shift.id)
        .where(Booking.user_id == user.id, Booking.status == "booked",
               Shift.starts_at >= clock.now() - timedelta(days=30))
        .order_by(Shift.starts_at)
    ).all()
    with force_locale(user.locale):  # the feed is read by a calendar app, in the student's language
        calendar = _calendar(_("Đồng hành – %(name)s", name=user.full_name))
        for shift in shifts:
            calendar.add_component(_event(shift))
    calendar.add_missing_timezones()
    return calendar.to_ical()
