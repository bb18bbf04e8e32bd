"""Records of the privacy work: people's requests, prepared exports, suspected breaches."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from portal.core import clock
from portal.core.types import UTCDateTime
from portal.extensions import db

REQUEST_KINDS = ("access", "correction", "erasure", "restriction", "objection", "withdrawal", "other")
REQUEST_STATUSES = ("new", "in_progress", "done", "refused")
REQUEST_CHANNELS = ("portal", "letter", "phone", "email", "in_person")
EXPORT_STATUSES = ("pending", "ready", "failed")
BREACH_STATUSES = ("open", "notified", "closed")


class DataRequest(db.Model):
    """A person's request about their data, made in the portal or recorded by an organiser."""

    __tablename__ = "data_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # How the person was identified when the request came by letter or call (erased with them).
    subject: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    channel: Mapped[str] = mapped_column(String(20), default="portal")
    details: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    acknowledge_by: Mapped[datetime] = mapped_column(UTCDateTime())  # an answer within 2 working days
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # the legal deadline to complete
    is_extended: Mapped[bool] = mapped_column(default=False)  # extended once, by at most 15 days
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(Text)

    user = relationship("User", foreign_keys=[user_id])
    handled_by = relationship("User", foreign_keys=[handled_by_id])

    __table_args__ = (
        CheckConstraint("kind IN " + str(REQUEST_KINDS), name="kind"),
        CheckConstraint("status IN " + str(REQUEST_STATUSES), name="status"),
        CheckConstraint("channel IN " + str(REQUEST_CHANNELS), name="channel"),
        CheckConstraint("user_id IS NOT NULL OR subject IS NOT NULL", name="who"),
    )

    def __repr__(self) -> str:
        return f"<DataRequest {self.id} {self.kind} {self.status}>"


class DataExport(db.Model):
    """A ZIP of everything the portal holds about one person, kept in the database (every app
    server sees it) and downloadable by that person for 24 hours."""

    __tablename__ = "data_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("data_requests.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    size_bytes: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    __table_args__ = (CheckConstraint("status IN " + str(EXPORT_STATUSES), name="status"),)

    def __repr__(self) -> str:
        return f"<DataExport {self.id} user {self.user_id} {self.status}>"


class BreachRecord(db.Model):
    """A suspected personal-data breach: what happened, whom it may touch, the 72-hour notice."""

    __tablename__ = "breach_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    summary: Mapped[str] = mapped_column(Text)
    data_kinds: Mapped[str | None] = mapped_column(Text)
    # The window whose audit entries name the people who may be affected.
    affected_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    affected_to: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10), default="open")
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    actions: Mapped[str | None] = mapped_column(Text)

    recorded_by = relationship("User", foreign_keys=[recorded_by_id])

    __table_args__ = (CheckConstraint("status IN " + str(BREACH_STATUSES), name="status"),)

    def __repr__(self) -> str:
        return f"<BreachRecord {self.id} {self.status}>"
