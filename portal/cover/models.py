"""Cover requests (a booked student who cannot come offers the seat) and swap proposals (two exchange seats)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core import clock
from portal.core.types import UTCDateTime
from portal.extensions import db


class CoverRequest(db.Model):
    """A booked student asks a colleague to take their seat; they stay booked until someone does.

    open → taken (a colleague accepted: `new_booking_id` is theirs), withdrawn (by the asker) or
    closed (the shift started, or the booking ended another way). One open request per booking.
    """

    __tablename__ = "cover_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"), index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    note: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), default="open")
    offered_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    new_booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"))

    booking = relationship("Booking", foreign_keys=[booking_id])
    shift = relationship("Shift")
    requester = relationship("User", foreign_keys=[requester_id])
    taken_by = relationship("User", foreign_keys=[taken_by_id])

    __table_args__ = (
        CheckConstraint("status IN ('open', 'taken', 'withdrawn', 'closed')", name="status"),
        Index("uq_cover_requests_open", "booking_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
    )

    def __repr__(self) -> str:
        return f"<CoverRequest {self.id} booking {self.booking_id} {self.status}>"


class SwapProposal(db.Model):
    """A proposes to B: A takes B's seat, B takes A's; B accepts or declines.

    proposed → accepted (the two new bookings are recorded), declined, withdrawn (by A) or closed
    (a booking ended or a shift started first).
    """

    __tablename__ = "swap_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    from_booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    to_booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    proposer = relationship("User", foreign_keys=[proposer_id])
    recipient = relationship("User", foreign_keys=[recipient_id])
    from_booking = relationship("Booking", foreign_keys=[from_booking_id])
    to_booking = relationship("Booking", foreign_keys=[to_booking_id])

    __table_args__ = (
        CheckConstraint("status IN ('proposed', 'accepted', 'declined', 'withdrawn', 'closed')", name="status"),
        CheckConstraint("from_booking_id <> to_booking_id", name="two_bookings"),
        Index("uq_swap_proposals_open", "from_booking_id", "to_booking_id", unique=True,
              sqlite_where=text("status = 'proposed'"), postgresql_where=text("status = 'proposed'")),
    )

    def __repr__(self) -> str:
        return f"<SwapProposal {self.id} {self.from_booking_id}->{self.to_booking_id} {self.status}>"
