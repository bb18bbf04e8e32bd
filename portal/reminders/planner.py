"""Plan and send the reminders that are due: the evening before a shift, and a few hours before it.

A run looks at every open shift starting in the next two days, decides per shift which reminder is
due at `at` (by its campaign's settings), and tells each booked volunteer once: the notice's key
(`reminder-evening:booking:<id>`, `reminder-soon:booking:<id>`) makes a second run, or a second
worker, send nothing again. Everything a reminder shows is loaded a batch at a time (bookings with
their students, the points' leaders, each point's latest team-board post), never one query per booking.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import User
from portal.campaigns.models import PointLeader
from portal.core import clock
from portal.core.urls import external_url
from portal.extensions import db
from portal.notifications import services as notifications
from portal.notifications.models import Notification
from portal.reminders import services as reminders
from portal.shifts.models import Booking, Shift
from portal.teamboard import services as teamboard

BATCH = 500
LOOK_AHEAD = timedelta(hours=48)  # the earliest evening reminder is at most two days before a shift
KINDS = {"evening": ("reminder-evening", "reminder_evening"), "soon": ("reminder-soon", "reminder_soon")}


@dataclass
class Run:
    """What one run did: reminders sent per kind, and those found already sent."""

    sent: dict = field(default_factory=lambda: {"evening": 0, "soon": 0})
    already: int = 0

    @property
    def total(self) -> int:
        """Reminders sent by this run."""
        return sum(self.sent.values())


def due_kind(settings, shift: Shift, at: datetime) -> str | None:
    """Which reminder of `shift` is due at `at`: "soon" inside its last hours, "evening" from the evening before."""
    if shift.starts_at <= at:
        return None
    soon_from = shift.starts_at - timedelta(hours=settings.soon_hours)
    if settings.soon_on and at >= soon_from:
        return "soon"
    if settings.evening_on and at >= reminders.evening_moment(settings, shift.starts_at):
        return "evening"
    return None


def due_shifts(at: datetime) -> dict[str, list[Shift]]:
    """The open shifts with a reminder due at `at`, by kind (one query for the shifts, one for the settings)."""
    shifts = db.session.scalars(
        select(Shift).options(joinedload(Shift.point), joinedload(Shift.campaign))
        .where(Shift.status == "open", Shift.starts_at > at, Shift.starts_at <= at + LOOK_AHEAD)
        .order_by(Shift.starts_at, Shift.id)).all()
    settings = reminders.settings_of({s.campaign_id for s in shifts})
    found: dict[str, list[Shift]] = {"evening": [], "soon": []}
    for shift in shifts:
        kind = due_kind(settings[shift.campaign_id], shift, at)
        if kind:
            found[kind].append(shift)
    return found


def leaders_of(point_ids) -> dict[int, list[str]]:
    """Each point's leaders' names, in one query."""
    rows = db.session.execute(select(PointLeader.point_id, User.full_name).join(User, User.id == PointLeader.user_id)
                              .where(PointLeader.point_id.in_(list(point_ids)), User.is_active_account)
                              .order_by(User.sort_name)).all()
    found = defaultdict(list)
    for point_id, name in rows:
        found[point_id].append(name)
    return found


class Sender:
    """Sends one run's reminders. What many bookings share (a campaign's list, a point's leaders and latest
    post) is read once per run and kept as plain values, which a commit between batches does not expire."""

    def __init__(self, at: datetime):
        self.at, self.run = at, Run()
        self.posts: dict[int, SimpleNamespace | None] = {}
        self.leaders: dict[int, list[str]] = {}
        self.bring: dict[int, list] = {}
        self.hours: dict[int, int] = {}

    def post(self, point_id: int) -> SimpleNamespace | None:
        """The point's latest team-board post (its text and time), asked once per point and run."""
        if point_id not in self.posts:
            post = teamboard.latest_post(point_id)
            self.posts[point_id] = None if post is None else SimpleNamespace(body=post.body, created_at=post.created_at)
        return self.posts[point_id]

    def send(self, kind: str, shifts: list[Shift]) -> None:
        """Remind every booked volunteer of `shifts`, a batch of bookings (one transaction) at a time."""
        if not shifts:
            return
        for campaign_id, settings in reminders.settings_of({s.campaign_id for s in shifts} - set(self.bring)).items():
            self.bring[campaign_id] = reminders.bring_list(settings)
            self.hours[campaign_id] = settings.soon_hours
        self.leaders.update(leaders_of({s.point_id for s in shifts} - set(self.leaders)))
        ids = db.session.scalars(select(Booking.id).where(Booking.shift_id.in_([s.id for s in shifts]),
                                                          Booking.status == "booked").order_by(Booking.id)).all()
        for start in range(0, len(ids), BATCH):
            self.batch(kind, ids[start:start + BATCH])
            db.session.commit()

    def batch(self, kind: str, ids: list[int]) -> None:
        """One batch: its bookings with their shifts, points and students, the notices already made, then
        one notice each (a notice made meanwhile by another worker is refused by its key, quietly)."""
        prefix, template = KINDS[kind]
        bookings = db.session.scalars(
            select(Booking).options(joinedload(Booking.shift).joinedload(Shift.point), selectinload(Booking.user))
            .where(Booking.id.in_(ids), Booking.status == "booked").order_by(Booking.id)).all()
        keys = {f"{prefix}:booking:{b.id}" for b in bookings}
        done = set(db.session.scalars(select(Notification.key).where(Notification.key.in_(keys))))
        for booking in bookings:
            key = f"{prefix}:booking:{booking.id}"
            notice = None if key in done else notifications.notify(
                booking.user, prefix, key, template, link=self.link(kind, booking), urgent=kind == "soon",
                **self.context(booking.shift))
            if notice is None:
                self.run.already += 1
            else:
                self.run.sent[kind] += 1

    def link(self, kind: str, booking: Booking) -> str:
        """The evening reminder opens "still coming?"; the last one, the shift's own page."""
        if kind == "evening":
            return reminders.link_for("answer", booking.id, booking.user_id)
        return external_url("shifts.show", shift_id=booking.shift_id)

    def context(self, shift: Shift) -> dict:
        """What a reminder of `shift` shows besides the person and the link."""
        return {"shift": shift, "point": shift.point, "leaders": self.leaders.get(shift.point_id, []),
                "bring": self.bring[shift.campaign_id], "hours": self.hours[shift.campaign_id],
                "post": self.post(shift.point_id),
                "shift_link": external_url("shifts.show", shift_id=shift.id)}


def send_due(at: datetime | None = None) -> Run:
    """Send every reminder due at `at` (now); safe to run twice, or on two workers at once."""
    at = at or clock.now()
    sender = Sender(at)
    for kind, shifts in due_shifts(at).items():
        sender.send(kind, shifts)
    db.session.commit()
    return sender.run
