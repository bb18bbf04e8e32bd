"""Reminder settings per campaign, the answers to "still coming?", and what a student said after a missed shift."""
from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core import clock
from portal.core.types import UTCDateTime
from portal.extensions import db


class CampaignReminderSettings(db.Model):
    """When a campaign's volunteers are reminded; no row means the defaults (services.DEFAULTS)."""

    __tablename__ = "campaign_reminder_settings"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    evening_on: Mapped[bool] = mapped_column(default=True)
    evening_at: Mapped[time] = mapped_column(Time(), default=time(19, 0))  # Hanoi time, the day before
    soon_on: Mapped[bool] = mapped_column(default=True)
    soon_hours: Mapped[int] = mapped_column(default=2)
    what_to_bring: Mapped[str] = mapped_column(Text, default="")  # empty: the fixed list (services.BRING)
    no_show_limit: Mapped[int] = mapped_column(default=3)  # 0: never pause
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        CheckConstraint("soon_hours BETWEEN 1 AND 12", name="soon_hours"),
        CheckConstraint("no_show_limit BETWEEN 0 AND 20", name="no_show_limit"),
    )

    def __repr__(self) -> str:
        return f"<CampaignReminderSettings campaign {self.campaign_id}>"


class ShiftConfirmation(db.Model):
    """A student's answer to the evening reminder: coming, or released (the seat was given up)."""

    __tablename__ = "shift_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), unique=True)
    answer: Mapped[str] = mapped_column(String(10))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    booking = relationship("Booking")

    __table_args__ = (CheckConstraint("answer IN ('coming', 'released')", name="answer"),)

    def __repr__(self) -> str:
        return f"<ShiftConfirmation booking {self.booking_id} {self.answer}>"


class MissedShift(db.Model):
    """A booked shift the student did not come to: asked the next day whether something went wrong."""

    __tablename__ = "missed_shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), unique=True)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    reason: Mapped[str | None] = mapped_column(String(500))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    booking = relationship("Booking")

    def __repr__(self) -> str:
        return f"<MissedShift booking {self.booking_id}>"
