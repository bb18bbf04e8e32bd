"""Shifts at service points, bookings, waitlists and calendar feeds."""
from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core import clock
from portal.core.types import UTCDateTime
from portal.extensions import db


class ShiftTemplate(db.Model):
    """A weekly pattern at a point, e.g. Monday–Friday 07:30–11:30 for 4 volunteers."""

    __tablename__ = "shift_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("service_points.id", ondelete="CASCADE"), index=True)
    weekdays: Mapped[str] = mapped_column(String(20))  # ISO weekday numbers, "1,2,3,4,5"
    start_time: Mapped[time]
    end_time: Mapped[time]
    capacity: Mapped[int]
    task_focus: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    point = relationship("ServicePoint")
    campaign = relationship("Campaign")

    __table_args__ = (
        CheckConstraint("capacity BETWEEN 1 AND 500", name="capacity"),
        CheckConstraint("end_time > start_time", name="times"),
    )

    @property
    def weekday_numbers(self) -> list[int]:
        """The ISO weekdays (1 = Monday) of the pattern."""
        return [int(d) for d in self.weekdays.split(",") if d]

    def __repr__(self) -> str:
        return f"<ShiftTemplate {self.id} point {self.point_id}>"


class Shift(db.Model):
    """One shift at one point; `booked_count` is the seat counter the database guards."""

    __tablename__ = "shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("service_points.id", ondelete="CASCADE"))
    template_id: Mapped[int | None] = mapped_column(ForeignKey("shift_templates.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int]
    booked_count: Mapped[int] = mapped_column(default=0)
    task_focus: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    point = relationship("ServicePoint")
    campaign = relationship("Campaign")

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="times"),
        CheckConstraint("capacity BETWEEN 0 AND 500", name="capacity"),
        # The last line of defence against overbooking, whatever the code above it does.
        CheckConstraint("booked_count >= 0 AND booked_count <= capacity", name="seats"),
        CheckConstraint("status IN ('open', 'cancelled')", name="status"),
        UniqueConstraint("point_id", "starts_at", "ends_at"),  # also the index for a point's schedule
        Index("ix_shifts_campaign_id_starts_at", "campaign_id", "starts_at"),
        Index("ix_shifts_starts_at_point_id", "starts_at", "point_id"),  # reports and staffing, all campaigns
    )

    @property
    def seats_left(self) -> int:
        """Seats still free."""
        return max(self.capacity - self.booked_count, 0)

    @property
    def hours(self) -> float:
        """The shift's length in hours."""
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    def __repr__(self) -> str:
        return f"<Shift {self.id} point {self.point_id} {self.starts_at:%Y-%m-%d %H:%M}>"


class Booking(db.Model):
    """A student's seat on a shift. Only one 'booked' row per student and shift (partial index)."""

    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="booked")
    source: Mapped[str] = mapped_column(String(12), default="self")
    is_override: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancel_note: Mapped[str | None] = mapped_column(String(500))

    shift: Mapped[Shift] = relationship()
    user = relationship("User", foreign_keys=[user_id])

    __table_args__ = (
        CheckConstraint("status IN ('booked', 'cancelled', 'released', 'shift_cancelled')", name="status"),
        CheckConstraint("source IN ('self', 'waitlist', 'staff')", name="source"),
        Index("uq_bookings_active", "shift_id", "user_id", unique=True,
              sqlite_where=text("status = 'booked'"), postgresql_where=text("status = 'booked'")),
    )

    def __repr__(self) -> str:
        return f"<Booking {self.id} shift {self.shift_id} user {self.user_id} {self.status}>"


class WaitlistEntry(db.Model):
    """A student waiting for a seat on a full shift, first come first served."""

    __tablename__ = "waitlist_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="waiting")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    shift: Mapped[Shift] = relationship()
    user = relationship("User")

    __table_args__ = (
        CheckConstraint("status IN ('waiting', 'promoted', 'left', 'closed')", name="status"),
        Index("uq_waitlist_entries_waiting", "shift_id", "user_id", unique=True,
              sqlite_where=text("status = 'waiting'"), postgresql_where=text("status = 'waiting'")),
    )

    def __repr__(self) -> str:
        return f"<WaitlistEntry {self.id} shift {self.shift_id} user {self.user_id} {self.status}>"


class CalendarFeed(db.Model):
    """The secret token of a student's subscribable calendar; regenerating replaces it."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    def __repr__(self) -> str:
        return f"<CalendarFeed user {self.user_id}>"


class BookingPause(db.Model):
    """Self-booking paused for a student in one campaign after repeated no-shows (written by the reminders'
    no-show job, lifted by an organiser); active while `lifted_at` is empty. The rules read it here."""

    __tablename__ = "booking_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    no_shows: Mapped[int] = mapped_column(default=0)  # the count when it was (last) paused
    paused_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("user_id", "campaign_id"),)

    def __repr__(self) -> str:
        return f"<BookingPause user {self.user_id} campaign {self.campaign_id}>"
