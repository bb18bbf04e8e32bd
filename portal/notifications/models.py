"""A notice to one person (their inbox row), its deliveries per channel, their choices and their devices."""
from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core import clock
from portal.core.types import UTCDateTime
from portal.extensions import db

DELIVERY_STATUSES = ("pending", "sent", "failed", "skipped")


class Notification(db.Model):
    """One notice to one person, rendered in their language; `key` says why it was sent, so the same
    reason never produces a second notice (a retried job, a second worker, a double click)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User")
    deliveries: Mapped[list[NotificationDelivery]] = relationship(
        back_populates="notification", cascade="all, delete-orphan", order_by="NotificationDelivery.id")

    __table_args__ = (UniqueConstraint("user_id", "key"),)

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} user={self.user_id}>"


class NotificationDelivery(db.Model):
    """A notice on one outward channel (email, push): due now, or after the person's quiet hours."""

    __tablename__ = "notification_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    detail: Mapped[str | None] = mapped_column(String(300))  # why it failed or was skipped; never personal data
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"))

    notification: Mapped[Notification] = relationship(back_populates="deliveries")

    __table_args__ = (
        UniqueConstraint("notification_id", "channel"),
        CheckConstraint(f"status IN {DELIVERY_STATUSES}", name="status"),
        db.Index("ix_notification_deliveries_pending", "status", "due_at"),
    )

    def __repr__(self) -> str:
        return f"<NotificationDelivery {self.id} {self.channel} {self.status}>"


class NotificationPreference(db.Model):
    """How one person wants to hear from the portal; no row means the defaults (email on, push on,
    quiet from 22:00 to 07:00, shift messages from leaders allowed)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email_on: Mapped[bool] = mapped_column(default=True)
    push_on: Mapped[bool] = mapped_column(default=True)
    quiet_from: Mapped[time | None] = mapped_column(Time(), default=time(22, 0))
    quiet_until: Mapped[time | None] = mapped_column(Time(), default=time(7, 0))
    leader_messages_on: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    def __repr__(self) -> str:
        return f"<NotificationPreference user={self.user_id}>"


class PushSubscription(db.Model):
    """One device's Web Push subscription (the browser gives the endpoint and the keys)."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(Text)
    endpoint_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256: Text cannot be unique everywhere
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    device_label: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failures: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<PushSubscription {self.id} user={self.user_id}>"
