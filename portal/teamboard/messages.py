"""A leader's message to the volunteers of one shift, and what became of it for each of them.

Each volunteer booked on the shift gets it through notify() (key `shift-message:<id>:<user>`): in their
inbox and on their channels. Two things keep it in the inbox only: the volunteer turned leader messages
off (NotificationPreference.leader_messages_on), or they already had DAILY_CAP leader messages on their
channels that day (Hanoi time). Nobody is skipped entirely: the message concerns a shift they booked.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.audit import services as audit
from portal.core import clock
from portal.core.locks import lock_row
from portal.core.text import nfc
from portal.core.urls import external_url
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.mail.models import OutboxMessage
from portal.notifications import services as notifications
from portal.notifications.models import Notification
from portal.shifts.models import Booking, Shift
from portal.teamboard.models import MESSAGE_MAX, ShiftMessage, ShiftMessageRecipient

DAILY_CAP = 3  # leader messages a volunteer gets on email and phone per day; beyond, inbox only
URGENT_WITHIN = timedelta(hours=3)  # a message about a shift this close ignores quiet hours
KIND = "shift-message"
TEMPLATE = "board_shift_message"


@dataclass
class Delivery:
    """One recipient's row on the status page: the outcome, and each channel's status (email with the outbox's)."""

    recipient: ShiftMessageRecipient
    channels: list[tuple[str, str, str | None]]  # (channel, delivery status, outbox status or None)


def _day_start() -> datetime:
    """Midnight today in Hanoi, as a UTC moment."""
    return datetime.combine(clock.local_today(), time(0), clock.LOCAL_TZ)


def notified_today(user_id: int) -> int:
    """How many leader messages reached the person on their channels since midnight (Hanoi)."""
    return db.session.scalar(select(func.count()).select_from(ShiftMessageRecipient).where(
        ShiftMessageRecipient.user_id == user_id, ShiftMessageRecipient.outcome == "notified",
        ShiftMessageRecipient.created_at >= _day_start())) or 0


def recipients(shift: Shift) -> list[User]:
    """The volunteers booked on the shift."""
    return list(db.session.scalars(select(User).join(Booking, Booking.user_id == User.id).where(
        Booking.shift_id == shift.id, Booking.status == "booked").order_by(User.id)))


def send(actor, shift: Shift, body: str) -> ShiftMessage:
    """Message the shift's volunteers, in one transaction; refused for a past or cancelled shift."""
    body = nfc(body or "").strip()
    if not body or len(body) > MESSAGE_MAX:
        raise InvalidInput(_l("Write the message (at most %(max)d characters).", max=MESSAGE_MAX), "body")
    if shift.status != "open" or shift.ends_at <= clock.now():
        raise InvalidInput(_l("This shift is over or cancelled: its volunteers can no longer be messaged."), "body")
    people = recipients(shift)
    if not people:
        raise InvalidInput(_l("Nobody is booked on this shift yet."), "body")
    message = ShiftMessage(shift_id=shift.id, author_id=actor.id, body=body)
    db.session.add(message)
    db.session.flush()
    link = external_url("shifts.show", shift_id=shift.id)
    urgent = shift.starts_at - clock.now() <= URGENT_WITHIN
    for user in people:  # ordered by id: two leaders sending at once lock the same rows in the same order
        lock_row("users", user.id)
        key, context = f"shift-message:{message.id}:{user.id}", {"message": message, "shift": shift, "sender": actor}
        if not notifications.preference(user.id).leader_messages_on:
            outcome = "inbox_opted_out"
        elif notified_today(user.id) >= DAILY_CAP:
            outcome = "inbox_capped"
        else:
            outcome = "notified"
        notice = notifications.notify(user, KIND, key, TEMPLATE, link=link, urgent=urgent,
                                      inbox_only=outcome != "notified", **context)
        message.recipients.append(ShiftMessageRecipient(user_id=user.id, outcome=outcome, notification=notice))
        db.session.flush()  # the next person's count sees this row
    audit.record(actor, "board.message", "shift_message", message.id, None,
                 {"shift_id": shift.id, "recipients": len(people)})
    db.session.commit()
    return message


def deliveries(message: ShiftMessage) -> list[Delivery]:
    """Each recipient with the status of the notice on each channel (and of the email in the outbox)."""
    rows = db.session.scalars(select(ShiftMessageRecipient).where(ShiftMessageRecipient.message_id == message.id)
                              .options(selectinload(ShiftMessageRecipient.user),
                                       selectinload(ShiftMessageRecipient.notification)
                                       .selectinload(Notification.deliveries)))
    rows = sorted(rows, key=lambda r: r.user.sort_name or "")
    outbox_ids = [d.outbox_id for r in rows if r.notification for d in r.notification.deliveries if d.outbox_id]
    outbox = dict(db.session.execute(select(OutboxMessage.id, OutboxMessage.status)
                                     .where(OutboxMessage.id.in_(outbox_ids or [-1]))).all())
    return [Delivery(r, [(d.channel, d.status, outbox.get(d.outbox_id)) for d in
                         (r.notification.deliveries if r.notification else [])]) for r in rows]


def sent_for(shift: Shift) -> list[ShiftMessage]:
    """The messages already sent about the shift, newest first."""
    return list(db.session.scalars(select(ShiftMessage).where(ShiftMessage.shift_id == shift.id)
                                   .order_by(ShiftMessage.id.desc())))
