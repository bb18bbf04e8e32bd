"""What happens at the point on the day: attendance of each booked volunteer."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.types import UTCDateTime, utcnow
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
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
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
