"""Calls for volunteers sent from the staffing view (so a shift is not called twice in a row)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core import clock
from portal.core.types import UTCDateTime
from portal.extensions import db


class StaffingCall(db.Model):
    """One message to free, trained students asking them to book an understaffed shift."""

    __tablename__ = "staffing_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    recipients: Mapped[int] = mapped_column(default=0)

    shift = relationship("Shift")

    def __repr__(self) -> str:
        return f"<StaffingCall shift {self.shift_id}: {self.recipients}>"
