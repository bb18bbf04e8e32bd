"""Credentials (participation certificates now; referrals and commendations reuse them) and the rules."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from portal.core import clock
from portal.core.types import UTCDateTime
from portal.extensions import db

KINDS = ("participation", "referral", "commendation")


# Why a credential was revoked, as the public page may say it (never the organiser's free text).
REVOKE_CATEGORIES = ("issued_in_error", "not_eligible", "misconduct", "holder_request", "holder_withdrew", "other")

class CertificateRule(db.Model):
    """Who earns a campaign's participation certificate: training, attended hours, no-shows."""

    __tablename__ = "certificate_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), unique=True)
    require_training: Mapped[bool] = mapped_column(default=True)
    min_minutes: Mapped[int] = mapped_column(default=0)
    max_no_shows: Mapped[int | None]  # None: no limit
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        CheckConstraint("min_minutes BETWEEN 0 AND 100000", name="minutes"),
        CheckConstraint("max_no_shows IS NULL OR max_no_shows BETWEEN 0 AND 1000", name="no_shows"),
    )

    def __repr__(self) -> str:
        return f"<CertificateRule campaign {self.campaign_id}>"


class Credential(db.Model):
    """One issued document with a public code and a signature over its printed fields.

    Never edited in place: a correction issues a new credential and marks this one superseded;
    a revocation adds the date, reason and who revoked it.
    """

    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="participation")
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    # The printed fields exactly as signed (canonical JSON, NFC), and the detached compact JWS over them.
    claims_json: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(400))
    kid: Mapped[str] = mapped_column(String(100))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    early_reason: Mapped[str | None] = mapped_column(String(500))
    is_current: Mapped[bool] = mapped_column(default=True)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("credentials.id", ondelete="SET NULL"), index=True)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    correction_reason: Mapped[str | None] = mapped_column(String(500))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str | None] = mapped_column(String(500))  # the organiser's words: staff and holder only
    # What the public page says instead of the free text (one of REVOKE_CATEGORIES).
    revoke_category: Mapped[str | None] = mapped_column(String(20))
    # The PDF, rendered on first download and cached; its SHA-256 is kept with the record.
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    # The Open Badges 3.0 credential with its Data Integrity proof (badges.py), signed at issue, kept as signed.
    ob_json: Mapped[str | None] = deferred(mapped_column(Text))
    # The document number in the campaign's series of its kind (certificates/issuers.py), allocated at issue and
    # never reused; the printed form, e.g. "0125/GCN-TĐTN". Empty on credentials issued before numbering.
    number: Mapped[int | None]
    number_text: Mapped[str | None] = mapped_column(String(64))  # 0001/GGT- and two short names of 20

    campaign = relationship("Campaign")
    user = relationship("User", foreign_keys=[user_id])
    supersedes = relationship("Credential", remote_side=[id], foreign_keys=[supersedes_id])

    __table_args__ = (
        CheckConstraint("kind IN ('participation', 'referral', 'commendation')", name="kind"),
        CheckConstraint("(revoked_at IS NULL) = (revoke_reason IS NULL)", name="revocation"),
        CheckConstraint("(revoked_at IS NULL) = (revoke_category IS NULL)", name="revocation_category_set"),
        CheckConstraint("revoke_category IN " + str(REVOKE_CATEGORIES), name="revocation_category"),
        # One current credential of a kind per student and campaign.
        Index("uq_credentials_current", "kind", "campaign_id", "user_id", unique=True,
              sqlite_where=text("is_current"), postgresql_where=text("is_current")),
    )

    @property
    def claims(self) -> dict:
        """The signed printed fields."""
        return json.loads(self.claims_json)

    @property
    def status(self) -> str:
        """valid, revoked or superseded."""
        if self.revoked_at is not None:
            return "revoked"
        if not self.is_current:
            return "superseded"
        return "valid"

    def __repr__(self) -> str:
        return f"<Credential {self.code} {self.kind} {self.status}>"
