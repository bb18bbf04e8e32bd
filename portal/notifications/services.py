"""Notify a person: a notice in their inbox, and on their channels (now, or after their quiet hours).

`notify(user, kind, key, template, link=..., **context)` is the one call other domains make. It renders
`templates/notifications/<template>.txt` in the person's language (first line the subject, the rest the
body), adds the notice and one delivery per channel they have on, and returns the notice; or None when
a notice with the same key was already made for them, so a retried job never sends twice.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.core import clock
from portal.extensions import db
from portal.jobs import queue
from portal.notifications import channels
from portal.notifications.models import Notification, NotificationDelivery, NotificationPreference

DEFAULTS = {"email_on": True, "push_on": True, "quiet_from": time(22, 0), "quiet_until": time(7, 0),
            "leader_messages_on": True}
INBOX_PAGE = 30
KEEP_DAYS = 180  # the register promises: notices removed after 180 days


def preference(user_id: int) -> NotificationPreference:
    """The person's choices (an unsaved row with the defaults when they never chose)."""
    return db.session.get(NotificationPreference, user_id) or NotificationPreference(user_id=user_id, **DEFAULTS)


def save_preference(user_id: int, **choices) -> NotificationPreference:
    """Store the person's choices (the caller commits)."""
    row = db.session.get(NotificationPreference, user_id)
    if row is None:
        row = NotificationPreference(user_id=user_id, **DEFAULTS)
        db.session.add(row)
    for name, value in choices.items():
        setattr(row, name, value)
    return row


def quiet_until(pref: NotificationPreference, at: datetime) -> datetime | None:
    """When `at` (UTC) falls in the person's quiet hours, the UTC moment they end; else None."""
    if pref.quiet_from is None or pref.quiet_until is None or pref.quiet_from == pref.quiet_until:
        return None
    local = at.astimezone(clock.LOCAL_TZ)
    now_t, start, end = local.time(), pref.quiet_from, pref.quiet_until
    inside = start <= now_t < end if start < end else (now_t >= start or now_t < end)
    if not inside:
        return None
    day = local.date() if now_t < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=clock.LOCAL_TZ).astimezone(at.tzinfo)


def render(user: User, template: str, **context) -> tuple[str, str]:
    """The subject and body of a notice, in the person's language."""
    with force_locale(user.locale or "vi"):
        text = render_template(f"notifications/text/{template}.txt", user=user, **context)
    subject, _, body = text.strip().partition("\n")
    return subject.strip()[:200], body.strip()


def notify(user: User, kind: str, key: str, template: str, link: str | None = None, urgent: bool = False,
           inbox_only: bool = False, **context) -> Notification | None:
    """Tell one person something, once per `key`; `urgent` notices ignore quiet hours (a shift in two
    hours), `inbox_only` ones go out on no channel (the person opted out of that kind, or had enough
    today). The caller commits; with an immediate queue (tests) the channels run at once."""
    if db.session.scalar(select(Notification.id).where(Notification.user_id == user.id, Notification.key == key)):
        return None
    subject, body = render(user, template, link=link, **context)
    notice = Notification(user_id=user.id, user=user, key=key[:120], kind=kind[:40], subject=subject, body=body,
                          link=link)
    try:
        with db.session.begin_nested():  # a second worker making the same notice loses here, quietly
            db.session.add(notice)
            db.session.flush()
    except IntegrityError:
        return None
    pref, now = preference(user.id), clock.now()
    due = now if urgent else (quiet_until(pref, now) or now)
    for channel in channels.active():
        wanted = channel.wanted(pref) and not inbox_only
        notice.deliveries.append(NotificationDelivery(
            channel=channel.name, due_at=due, status="pending" if wanted else "skipped",
            detail=None if wanted else ("inbox only" if inbox_only else "turned off by the person")))
    db.session.flush()
    if queue.huey.immediate and due <= now:
        deliver_notice(notice)
    return notice


def deliver_notice(notice: Notification) -> int:
    """Send a notice's due deliveries on their channels; the number sent."""
    sent, now = 0, clock.now()
    for delivery in notice.deliveries:
        if delivery.status != "pending" or delivery.due_at > now:
            continue
        channel = channels.by_name(delivery.channel)
        if channel is None:
            delivery.status, delivery.detail = "skipped", "channel not configured"
            continue
        delivery.status, delivery.detail = channel.send(delivery)
        if delivery.status == "sent":
            delivery.sent_at, sent = now, sent + 1
    return sent


def due_notices(limit: int = 200) -> list[Notification]:
    """Notices with a delivery due now (oldest first)."""
    ids = select(NotificationDelivery.notification_id).where(
        NotificationDelivery.status == "pending", NotificationDelivery.due_at <= clock.now()
    ).order_by(NotificationDelivery.due_at).limit(limit)
    return list(db.session.scalars(select(Notification).where(Notification.id.in_(ids)).order_by(Notification.id)))


def deliver_due() -> int:
    """Deliver everything due, a batch at a time, each batch in its own transaction."""
    total = 0
    while notices := due_notices():
        total += sum(deliver_notice(notice) for notice in notices)
        db.session.commit()
    return total


def unread_count(user_id: int) -> int:
    """How many notices the person has not opened yet (the badge)."""
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def inbox(user_id: int, before_id: int | None = None) -> list[Notification]:
    """The person's notices, newest first, a page at a time."""
    stmt = select(Notification).where(Notification.user_id == user_id).order_by(Notification.id.desc())
    if before_id:
        stmt = stmt.where(Notification.id < before_id)
    return list(db.session.scalars(stmt.limit(INBOX_PAGE)))


def mark_read(user_id: int, notice_id: int | None = None) -> int:
    """Mark one notice (or all) read; the number changed. The caller commits."""
    stmt = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notice_id is not None:
        stmt = stmt.where(Notification.id == notice_id)
    return db.session.execute(stmt.values(read_at=clock.now())).rowcount or 0


def prune() -> int:
    """Remove notices older than KEEP_DAYS (their deliveries go with them); the number removed."""
    cutoff = clock.now() - timedelta(days=KEEP_DAYS)
    return db.session.execute(delete(Notification).where(Notification.created_at < cutoff)).rowcount or 0


def notice_of(user_id: int, notice_id: int) -> Notification | None:
    """One of the person's own notices, or None (someone else's is as good as missing)."""
    notice = db.session.get(Notification, notice_id)
    return notice if notice is not None and notice.user_id == user_id else None


def has_older(user_id: int, notice_id: int) -> bool:
    """Tell whether the person has notices older than this one (the inbox's "older" link)."""
    return db.session.scalar(select(Notification.id).where(
        Notification.user_id == user_id, Notification.id < notice_id).limit(1)) is not None
