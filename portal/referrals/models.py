"""Nominations for an internship referral or a commendation, their review, and the host organisations."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core import clock
from portal.core.types import UTCDateTime
from portal.extensions import db

KINDS = ("referral", "commendation")
REFERRAL_FLOW = ("proposed", "approved", "sent", "accepted", "declined", "rejected")
COMMENDATION_FLOW = ("proposed", "approved", "awarded", "rejected")
STATUSES = ("proposed", "approved", "sent", "accepted", "declined", "awarded", "rejected")
CONSENTS = ("pending", "given", "refused")


class HostOrganisation(db.Model):
    """Where a referred student may do an internship (e.g. a branch of the service centre). Not a user."""

    __tablename__ = "host_organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    places: Mapped[int] = mapped_column(default=1)
    fields: Mapped[str] = mapped_column(String(500), default="")  # areas of work, e.g. "Hành chính, CNTT"
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    __table_args__ = (CheckConstraint("places BETWEEN 0 AND 1000", name="places"),)

    def __repr__(self) -> str:
        return f"<HostOrganisation {self.name}>"


class Recommendation(db.Model):
    """One student's case for a referral or a commendation in a campaign: the nominations made for
    them, seen together, and the decision that follows."""

    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    host_id: Mapped[int | None] = mapped_column(ForeignKey("host_organisations.id", ondelete="RESTRICT"), index=True)
    decision_note: Mapped[str] = mapped_column(String(1000), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The student's consent to what is shared with the host (referrals only), with what they saw.
    consent: Mapped[str] = mapped_column(String(10), default="pending")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    shared_json: Mapped[str | None] = mapped_column(Text)
    credential_id: Mapped[int | None] = mapped_column(ForeignKey("credentials.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    campaign = relationship("Campaign")
    user = relationship("User", foreign_keys=[user_id])
    host = relationship(HostOrganisation)
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    credential = relationship("Credential")
    nominations: Mapped[list[Nomination]] = relationship(back_populates="case", order_by="Nomination.created_at",
                                                         cascade="all, delete-orphan")
    events: Mapped[list[RecommendationEvent]] = relationship(back_populates="case",
                                                             order_by="RecommendationEvent.id",
                                                             cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("campaign_id", "user_id", "kind"),
        CheckConstraint("kind IN ('referral', 'commendation')", name="kind"),
        CheckConstraint("status IN ('proposed', 'approved', 'sent', 'accepted', 'declined', 'awarded', 'rejected')",
                        name="status"),
        CheckConstraint("consent IN ('pending', 'given', 'refused')", name="consent"),
        # A referral reaches the host only with the student's consent and a named host.
        CheckConstraint("status NOT IN ('sent', 'accepted', 'declined') OR (consent = 'given' AND host_id IS NOT NULL)",
                        name="sent_with_consent"),
        CheckConstraint("kind = 'referral' OR status NOT IN ('sent', 'accepted', 'declined')", name="referral_flow"),
        CheckConstraint("kind = 'commendation' OR status != 'awarded'", name="commendation_flow"),
    )

    def __repr__(self) -> str:
        return f"<Recommendation {self.kind} {self.user_id} {self.status}>"


class Nomination(db.Model):
    """One person's proposal, with their written reason."""

    __tablename__ = "nominations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id", ondelete="CASCADE"), index=True)
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(20))  # the nominator's capacity: leader, trainer or admin
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    case: Mapped[Recommendation] = relationship(back_populates="nominations")
    nominated_by = relationship("User")

    __table_args__ = (
        UniqueConstraint("case_id", "nominated_by_id"),
        CheckConstraint("role IN ('leader', 'trainer', 'admin')", name="role"),
    )

    def __repr__(self) -> str:
        return f"<Nomination case {self.case_id} by {self.nominated_by_id}>"


class RecommendationEvent(db.Model):
    """Every status change of a case: who, when, from what to what, and the note."""

    __tablename__ = "recommendation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(String(1000), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    case: Mapped[Recommendation] = relationship(back_populates="events")
    actor = relationship("User")

    def __repr__(self) -> str:
        return f"<RecommendationEvent {self.case_id} {self.from_status}->{self.to_status}>"
