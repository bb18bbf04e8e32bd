"""Guides, their pictures, the guides a point uses most, and the anonymous daily count of QR scans per point."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core import clock
from portal.core.types import UTCDateTime
from portal.extensions import db

SLUG_MAX = 60
TITLE_MAX = 120
SUMMARY_MAX = 300
CALL_MAX = 90  # the poster's call to action, in large type
BODY_MAX = 20_000
# draft -> in_review (submitted) -> published (another organiser approved it) -> retired. Editing a published
# guide's text puts it back in review (off the public pages until approved again); a retired guide comes back as a
# draft (portal/guides/services.py).
STATUSES = ("draft", "in_review", "published", "retired")
LANGS = ("vi", "en")


class Guide(db.Model):
    """A step-by-step guide to one online public service, in Vietnamese and optionally English.

    The body is Markdown with numbered steps; pictures are referenced as `![text](image:<id>)` (GuideImage ids of
    this guide) and links to the official services as ordinary Markdown links."""

    __tablename__ = "guides"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_MAX), unique=True)  # the short URL: /g/<slug>/<point code>
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    title_vi: Mapped[str] = mapped_column(String(TITLE_MAX))
    summary_vi: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    call_vi: Mapped[str] = mapped_column(String(CALL_MAX), default="")
    body_vi: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(String(TITLE_MAX), default="")  # empty: no English version
    summary_en: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    call_en: Mapped[str] = mapped_column(String(CALL_MAX), default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    author = relationship("User", foreign_keys=[author_id])
    reviewer = relationship("User", foreign_keys=[reviewer_id])
    images: Mapped[list[GuideImage]] = relationship(
        back_populates="guide", cascade="all, delete-orphan", order_by="GuideImage.id")

    __table_args__ = (CheckConstraint(f"status IN {STATUSES}", name="status"),)

    @property
    def has_english(self) -> bool:
        return bool(self.title_en.strip() and self.body_en.strip())

    def text(self, field: str, lang: str) -> str:
        """`title`, `summary`, `call` or `body` in `lang`, falling back to Vietnamese when there is no English."""
        if lang == "en" and self.has_english:
            return getattr(self, f"{field}_en") or getattr(self, f"{field}_vi")
        return getattr(self, f"{field}_vi")

    def __repr__(self) -> str:
        return f"<Guide {self.slug}>"


class GuideImage(db.Model):
    """A screenshot in a guide, re-encoded by the portal (no metadata) and kept in the database."""

    __tablename__ = "guide_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"), index=True)
    alt: Mapped[str] = mapped_column(String(200), default="")
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # loaded only when the picture is served
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    guide: Mapped[Guide] = relationship(back_populates="images")


class PointGuide(db.Model):
    """A guide a point uses most, chosen by its leaders; `position` orders the point's "tờ rơi" sheet."""

    __tablename__ = "point_guides"

    point_id: Mapped[int] = mapped_column(ForeignKey("service_points.id", ondelete="CASCADE"), primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)

    guide: Mapped[Guide] = relationship()


class GuideScan(db.Model):
    """How many times a guide's QR code for a point was opened on one Hanoi day. Nothing about who: no IP, no
    cookie, no device; one row per guide, point and day, incremented in place."""

    __tablename__ = "guide_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"))
    point_id: Mapped[int] = mapped_column(ForeignKey("service_points.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    count: Mapped[int] = mapped_column(default=0)

    __table_args__ = (UniqueConstraint("guide_id", "point_id", "day"),)


def point_code(point) -> str:
    """The short code a point has in guide URLs (`/g/<guide>/<code>`): `p` and its number, stable and public."""
    return f"p{point.id}"


def point_id_from_code(code: str) -> int | None:
    """The point number in a code made by point_code, or None for anything else."""
    if len(code) > 1 and code[0] == "p" and code[1:].isdigit() and len(code) <= 10:
        return int(code[1:])
    return None
