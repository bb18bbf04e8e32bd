"""Who issues a campaign's documents, as a Vietnamese organisation's paper carries it: up to two co-issuers
with their header lines and signatory, the campaign's place and right-hand header, the signature images
(kept by SHA-256, never deleted while a credential refers to one) and the document number counters."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from portal.certificates.models import Credential
from portal.core import clock
from portal.core.types import UTCDateTime
from portal.extensions import db

MOTTOS = ("state", "union")  # the national motto (Nghị định 30/2020/NĐ-CP) or the union's title (Đoàn's guide)
# The number series of each kind: Nghị định 30/2020/NĐ-CP, Phụ lục III, abbreviates "Giấy chứng nhận" GCN
# and "Giấy giới thiệu" GGT; a commendation ("Giấy khen") is not in that list: the Đoàn's usual GK.
SERIES = {"participation": "GCN", "referral": "GGT", "commendation": "GK"}


class SignatureImage(db.Model):
    """A signature-and-seal PNG (transparent), as the portal re-encoded it; named by its SHA-256."""

    __tablename__ = "signature_images"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    def __repr__(self) -> str:
        return f"<SignatureImage {self.sha256[:12]}>"


class CertificatePaper(db.Model):
    """A campaign's paper settings: the place on the date line and the right-hand header."""

    __tablename__ = "certificate_paper"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), unique=True)
    place: Mapped[str] = mapped_column(String(60), default="Hà Nội")
    motto: Mapped[str] = mapped_column(String(10), default="state")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (CheckConstraint("motto IN ('state', 'union')", name="motto"),)

    def __repr__(self) -> str:
        return f"<CertificatePaper campaign {self.campaign_id}>"


class CertificateIssuer(db.Model):
    """One co-issuer (position 1 leads: its signature stands on the right, its short name first in the number)."""

    __tablename__ = "certificate_issuers"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    position: Mapped[int]
    parent_body: Mapped[str] = mapped_column(String(120), default="")  # "THÀNH ĐOÀN HÀ NỘI" (may be empty)
    issuing_body: Mapped[str] = mapped_column(String(120))  # "BAN THƯỜNG VỤ"
    short_name: Mapped[str] = mapped_column(String(20))  # "TĐTN", in the number: 0125/GCN-TĐTN
    on_behalf: Mapped[str] = mapped_column(String(120), default="")  # "TM. BAN THƯỜNG VỤ"
    signatory_title: Mapped[str] = mapped_column(String(80))  # "PHÓ BÍ THƯ"
    signatory_name: Mapped[str] = mapped_column(String(80))
    signature_sha256: Mapped[str | None] = mapped_column(
        ForeignKey("signature_images.sha256", ondelete="RESTRICT"))

    __table_args__ = (
        CheckConstraint("position IN (1, 2)", name="position"),
        UniqueConstraint("campaign_id", "position"),
    )

    def __repr__(self) -> str:
        return f"<CertificateIssuer {self.position} of campaign {self.campaign_id}>"


class DocumentCounter(db.Model):
    """The last number handed out in a campaign's series (GCN, GGT, GK); only ever goes up."""

    __tablename__ = "document_counters"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)

    __table_args__ = (CheckConstraint("last_number >= 0", name="last_number"),)

    def __repr__(self) -> str:
        return f"<DocumentCounter {self.campaign_id} {self.series} {self.last_number}>"


class CredentialSignature(db.Model):
    """A credential printed with a signature image: the image cannot be deleted while this row exists."""

    __tablename__ = "credential_signatures"

    credential_id: Mapped[int] = mapped_column(ForeignKey("credentials.id", ondelete="CASCADE"), primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("signature_images.sha256", ondelete="RESTRICT"),
                                        primary_key=True, index=True)

    credential = relationship(Credential)

    def __repr__(self) -> str:
        return f"<CredentialSignature {self.credential_id} {self.sha256[:12]}>"


# A number is printed once in its campaign's series: never two credentials with the same one (NULLs are old ones).
Index("uq_credentials_campaign_id_kind_number", Credential.campaign_id, Credential.kind, Credential.number,
      unique=True)
