"""What happens at the point on the day: attendance of each booked volunteer."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core import clock
from portal.core.types import UTCDateTime
from portal.extensions import db

STATUSES = ("expected", "present", "no_show")


class Attendance(db.Model):
    """One booked volunteer's day: check-in, check-out, task; the hours come from these."""

    __tablename__ = "attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="expected")
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    check_in_method: Mapped[str | None] = mapped_column(String(10))
    task: Mapped[str] = mapped_column(String(200), default="")
    # Set by a leader's correction (with a reason, in the audit log); overrides the computed minutes.
    adjusted_minutes: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    booking = relationship("Booking")

    __table_args__ = (
        CheckConstraint("status IN ('expected', 'present', 'no_show')", name="status"),
        CheckConstraint("check_in_method IS NULL OR check_in_method IN ('leader', 'self')", name="method"),
        CheckConstraint("checked_out_at IS NULL OR (checked_in_at IS NOT NULL AND checked_out_at >= checked_in_at)",
                        name="order"),
        CheckConstraint("adjusted_minutes IS NULL OR adjusted_minutes BETWEEN 0 AND 1440", name="minutes"),
    )

    def __repr__(self) -> str:
        return f"<Attendance booking {self.booking_id} {self.status}>"


CHANGE_ACTIONS = ("check_in", "check_out", "no_show", "task", "walk_in")


class AttendanceChange(db.Model):
    """One change made on Today, kept with the row before and after so the leader can undo it exactly
    for a short while (services.UNDO_WINDOW); `undone_at` is set when it is undone."""

    __tablename__ = "attendance_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(12))
    # Attendance snapshots (services.SNAPSHOT_FIELDS); `before` is None when there was no row yet.
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint("action IN ('check_in', 'check_out', 'no_show', 'task', 'walk_in')", name="action"),
        Index("ix_attendance_changes_booking_id_created_at", "booking_id", "created_at"),
    )

    def __repr__(self) -> str:
        return f"<AttendanceChange {self.id} booking {self.booking_id} {self.action}>"


class ActivityCategory(db.Model):
    """A kind of help counted in the activity log; data, editable by organisers per campaign."""

    __tablename__ = "activity_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    label_vi: Mapped[str] = mapped_column(String(160))
    label_en: Mapped[str] = mapped_column(String(160))
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (UniqueConstraint("campaign_id", "key"),)

    def label(self, locale: str) -> str:
        """The name in the reader's language."""
        return self.label_en if locale == "en" and self.label_en else self.label_vi

    def __repr__(self) -> str:
        return f"<ActivityCategory {self.campaign_id} {self.key}>"


class ActivityLog(db.Model):
    """The diary of one shift (nhật ký hoạt động): counts per category, the elderly helped, notes."""

    __tablename__ = "activity_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    elderly_helped: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    incidents: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    counts: Mapped[list[ActivityCount]] = relationship(back_populates="log", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'confirmed')", name="status"),
        CheckConstraint("elderly_helped >= 0", name="elderly"),
    )

    def __repr__(self) -> str:
        return f"<ActivityLog shift {self.shift_id} {self.status}>"


class ActivityCount(db.Model):
    """How many people were helped in one category during one shift."""

    __tablename__ = "activity_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    log_id: Mapped[int] = mapped_column(ForeignKey("activity_logs.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("activity_categories.id", ondelete="CASCADE"), index=True)
    count: Mapped[int] = mapped_column(default=0)

    log: Mapped[ActivityLog] = relationship(back_populates="counts")

    __table_args__ = (
        UniqueConstraint("log_id", "category_id"),
        CheckConstraint("count BETWEEN 0 AND 100000", name="count"),
    )

    def __repr__(self) -> str:
        return f"<ActivityCount log {self.log_id} category {self.category_id}: {self.count}>"


FEEDBACK_CATEGORIES = ("procedure", "waiting", "conduct", "online", "facilities", "other")
FEEDBACK_STATUSES = ("new", "forwarded", "resolved")


class CitizenFeedback(db.Model):
    """A citizen's feedback or petition (phản ánh, kiến nghị), recorded without personal data."""

    __tablename__ = "citizen_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("service_points.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="new")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    point = relationship("ServicePoint")
    handled_by = relationship("User", foreign_keys=[handled_by_id])

    __table_args__ = (
        CheckConstraint("category IN ('procedure', 'waiting', 'conduct', 'online', 'facilities', 'other')",
                        name="category"),
        CheckConstraint("status IN ('new', 'forwarded', 'resolved')", name="status"),
    )

    def __repr__(self) -> str:
        return f"<CitizenFeedback {self.id} point {self.point_id} {self.status}>"


class VolunteerRating(db.Model):
    """A leader's rating (1–5) of a volunteer's shift, with a short comment the volunteer sees."""

    __tablename__ = "volunteer_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), unique=True)
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(String(300), default="")
    rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),)

    def __repr__(self) -> str:
        return f"<VolunteerRating booking {self.booking_id}: {self.rating}>"
