"""A point's team board: short posts by its leaders and the organisers, who read them, and shift messages."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core import clock
from portal.core.types import UTCDateTime
from portal.extensions import db

BODY_MAX = 1000
LINK_MAX = 500
MESSAGE_MAX = 500
OUTCOMES = ("notified", "inbox_opted_out", "inbox_capped")


class TeamPost(db.Model):
    """One post, shown on the board of every point it is linked to (one point, several, or a branch's).
    With `shift_id` and `need_count` it is a call: "need N more for <shift>"."""

    __tablename__ = "team_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(LINK_MAX))
    pinned: Mapped[bool] = mapped_column(default=False)
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id", ondelete="SET NULL"), index=True)
    need_count: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, index=True)

    author = relationship("User")
    shift = relationship("Shift")
    points = relationship("ServicePoint", secondary="team_post_points", order_by="ServicePoint.name")
    image: Mapped[TeamPostImage | None] = relationship(
        back_populates="post", cascade="all, delete-orphan", uselist=False, lazy="selectin")

    __table_args__ = (
        CheckConstraint("need_count IS NULL OR need_count BETWEEN 1 AND 100", name="need_count"),
    )

    def __repr__(self) -> str:
        return f"<TeamPost {self.id}>"


class TeamPostPoint(db.Model):
    """A post shown on one point's board."""

    __tablename__ = "team_post_points"

    post_id: Mapped[int] = mapped_column(ForeignKey("team_posts.id", ondelete="CASCADE"), primary_key=True)
    point_id: Mapped[int] = mapped_column(
        ForeignKey("service_points.id", ondelete="CASCADE"), primary_key=True, index=True)


class TeamPostImage(db.Model):
    """A post's picture, re-encoded by the portal and kept in the database (the app servers share no disk)."""

    __tablename__ = "team_post_images"

    post_id: Mapped[int] = mapped_column(ForeignKey("team_posts.id", ondelete="CASCADE"), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # loaded only when the picture is served
    width: Mapped[int]
    height: Mapped[int]

    post: Mapped[TeamPost] = relationship(back_populates="image")


class TeamPostSeen(db.Model):
    """A volunteer marked a post "seen"."""

    __tablename__ = "team_post_seen"

    post_id: Mapped[int] = mapped_column(ForeignKey("team_posts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class ShiftMessage(db.Model):
    """A leader's message to the volunteers booked on one shift ("the point opens at 7:00 tomorrow")."""

    __tablename__ = "shift_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(String(MESSAGE_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    author = relationship("User")
    recipients: Mapped[list[ShiftMessageRecipient]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="ShiftMessageRecipient.user_id")


class ShiftMessageRecipient(db.Model):
    """One volunteer a shift message went to, how (notified on their channels, or inbox only), and its notice."""

    __tablename__ = "shift_message_recipients"

    message_id: Mapped[int] = mapped_column(ForeignKey("shift_messages.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, index=True)

    message: Mapped[ShiftMessage] = relationship(back_populates="recipients")
    user = relationship("User")
    notification = relationship("Notification")

    __table_args__ = (CheckConstraint(f"outcome IN {OUTCOMES}", name="outcome"),)
