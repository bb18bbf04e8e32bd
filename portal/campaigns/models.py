"""Campaigns: one per season of the programme, many over the years."""
from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote_plus

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core import clock
from portal.core.types import UTCDateTime
from portal.extensions import db

STATUSES = ("draft", "open", "closed")
NAME_MAX = 200
SLUG_MAX = 80
ORGANISER_MAX = 200

MAPS_SEARCH = "https://www.google.com/maps/search/?api=1&query="


class Campaign(db.Model):
    """A campaign with its dates, optional peak period and status."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    slug: Mapped[str] = mapped_column(String(SLUG_MAX), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date]
    end_date: Mapped[date]
    peak_start: Mapped[date | None]
    peak_end: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    # Booking rules (the shifts domain enforces them).
    booking_window_days: Mapped[int] = mapped_column(default=14, server_default="14")
    cancel_cutoff_hours: Mapped[int] = mapped_column(default=12, server_default="12")
    max_shifts_per_week: Mapped[int] = mapped_column(default=5, server_default="5")
    max_hours_per_day: Mapped[int] = mapped_column(default=8, server_default="8")
    peak_extra_seats: Mapped[int] = mapped_column(default=2, server_default="2")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    organisers: Mapped[list[CampaignOrganiser]] = relationship(
        back_populates="campaign",
        cascade="all, delete-orphan",
        order_by="CampaignOrganiser.position",
    )  # read where a document names them (certificates, reports), not with every campaign loaded

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="status"),
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("booking_window_days BETWEEN 1 AND 365 AND cancel_cutoff_hours BETWEEN 0 AND 168 "
                        "AND max_shifts_per_week BETWEEN 1 AND 21 AND max_hours_per_day BETWEEN 1 AND 24 "
                        "AND peak_extra_seats BETWEEN 0 AND 100", name="booking_rules"),
        CheckConstraint(
            "(peak_start IS NULL AND peak_end IS NULL) OR "
            "(peak_start IS NOT NULL AND peak_end IS NOT NULL AND peak_end >= peak_start)",
            name="peak",
        ),
    )

    @property
    def organiser_names(self) -> list[str]:
        """The organisers' names in their order."""
        return [o.name for o in self.organisers]

    def __repr__(self) -> str:
        return f"<Campaign {self.slug} {self.status}>"


class CampaignOrganiser(db.Model):
    """An organisation that organises a campaign (Thành đoàn, the centre, a branch, a chapter)."""

    __tablename__ = "campaign_organisers"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(ORGANISER_MAX))

    campaign: Mapped[Campaign] = relationship(back_populates="organisers")

    __table_args__ = (UniqueConstraint("campaign_id", "name"),)

    def __repr__(self) -> str:
        return f"<CampaignOrganiser {self.campaign_id} {self.name}>"


class Branch(db.Model):
    """A branch (Chi nhánh) of the city's Public Administrative Service Centre."""

    __tablename__ = "branches"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    address: Mapped[str] = mapped_column(String(255), default="")

    points: Mapped[list[ServicePoint]] = relationship(
        back_populates="branch", order_by="ServicePoint.name"
    )

    def __repr__(self) -> str:
        return f"<Branch {self.name}>"


class ServicePoint(db.Model):
    """A commune or ward service point (Điểm Hỗ trợ dịch vụ công số) under a branch."""

    __tablename__ = "service_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    ward: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(255))
    map_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    opening_hours: Mapped[str] = mapped_column(String(255), default="", server_default="")
    volunteer_notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    branch: Mapped[Branch] = relationship(back_populates="points")
    leaders = relationship("User", secondary="point_leaders", order_by="User.sort_name")

    __table_args__ = (UniqueConstraint("branch_id", "name"),)

    @property
    def map_link(self) -> str:
        """The point's own map link when it is a web address, else a Google Maps search for its address."""
        if (self.map_url or "").startswith(("https://", "http://")):
            return self.map_url
        return MAPS_SEARCH + quote_plus(", ".join(part for part in (self.address, self.ward) if part))

    def __repr__(self) -> str:
        return f"<ServicePoint {self.name}>"


STAFF_ROLES = ("trainer", "leader")


class CampaignEnrolment(db.Model):
    """A student taking part in a campaign (one account, many campaigns over the years)."""

    __tablename__ = "campaign_enrolments"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    campaign: Mapped[Campaign] = relationship()
    user = relationship("User")

    __table_args__ = (UniqueConstraint("campaign_id", "user_id"),)

    def __repr__(self) -> str:
        return f"<CampaignEnrolment {self.campaign_id} {self.user_id}>"


class CampaignStaff(db.Model):
    """A trainer or leader assigned by the organisers to work on a campaign."""

    __tablename__ = "campaign_staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    campaign: Mapped[Campaign] = relationship()
    user = relationship("User")

    __table_args__ = (
        UniqueConstraint("campaign_id", "user_id", "role"),
        CheckConstraint("role IN ('trainer', 'leader')", name="role"),
    )

    def __repr__(self) -> str:
        return f"<CampaignStaff {self.campaign_id} {self.user_id} {self.role}>"


class PointLeader(db.Model):
    """A team leader (tổ trưởng) assigned to a service point."""

    __tablename__ = "point_leaders"

    point_id: Mapped[int] = mapped_column(ForeignKey("service_points.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)

    def __repr__(self) -> str:
        return f"<PointLeader {self.point_id} {self.user_id}>"
