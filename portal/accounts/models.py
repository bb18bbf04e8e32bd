"""People and their roles. One account per person, across every campaign."""
from __future__ import annotations

import unicodedata
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.core import clock
from portal.core.types import UTCDateTime
from portal.extensions import db

ROLE_VALUES = ("student", "trainer", "leader", "admin")
LOCALES = ("vi", "en")

# Column sizes, shared with the forms so a too-long value is caught before the database.
NAME_MAX = 120
EMAIL_MAX = 254
PHONE_MAX = 20
SCHOOL_MAX = 200
STUDENT_ID_MAX = 40
CHAPTER_MAX = 200


def fold(text: str) -> str:
    """Lower case without accents (đ → d), for sorting and searching Vietnamese names."""
    decomposed = unicodedata.normalize("NFD", (text or "").lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def sort_key(full_name: str) -> str:
    """Key that orders Vietnamese names by given name, then family and middle names."""
    words = fold(full_name).split()
    return " ".join(words[-1:] + words[:-1])


class User(UserMixin, db.Model):
    """A person with an account: student, trainer, leader or admin, or several of these."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)  # stored lower-cased
    full_name: Mapped[str] = mapped_column(String(NAME_MAX))
    # Given name first, then the rest: Vietnamese lists sort by the last word of the name.
    sort_name: Mapped[str] = mapped_column(String(NAME_MAX + 1), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(PHONE_MAX))
    school: Mapped[str | None] = mapped_column(String(SCHOOL_MAX))
    student_code: Mapped[str | None] = mapped_column(String(STUDENT_ID_MAX), index=True)
    chapter: Mapped[str | None] = mapped_column(String(CHAPTER_MAX))
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    is_active_account: Mapped[bool] = mapped_column(default=True)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Two-factor sign-in (accounts/two_factor.py): the TOTP secret, encrypted; set but not yet
    # enabled while the person is enrolling. The last accepted time step refuses a replayed code.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(db.BigInteger)
    # Closing an account (privacy): deactivated at once, erased after a grace period unless the
    # person comes back; erased_at marks the pseudonymised record that keeps the campaign's counts.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    erase_after: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    consents: Mapped[list[Consent]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Consent.accepted_at"
    )
    # The points whose shifts the finder lists first (read-only here; shifts.preferences writes them).
    preferred_points = relationship("ServicePoint", secondary="user_preferred_points", viewonly=True,
                                    order_by="ServicePoint.name")

    __table_args__ = (CheckConstraint("locale IN ('vi', 'en')", name="locale"),)

    @validates("full_name")
    def _keep_sort_name(self, key, value):
        """Keep sort_name in step with the full name."""
        self.sort_name = sort_key(value)
        return value

    def get_id(self) -> str:
        """Flask-Login's session id: the token of this browser's server-side session
        (accounts/sessions.py), so that ending the row ends the cookie and the remember-me cookie."""
        return self.__dict__.get("session_token") or "pending"

    def __eq__(self, other) -> bool:
        """The same account (UserMixin would compare session tokens)."""
        if not isinstance(other, User):
            return NotImplemented
        return self is other or (self.id is not None and self.id == other.id)

    __hash__ = object.__hash__

    @property
    def is_active(self) -> bool:
        """Flask-Login: a deactivated account can neither log in nor keep its session."""
        return self.is_active_account

    @property
    def role_names(self) -> set[str]:
        """The names of the roles this person holds."""
        return {r.role for r in self.roles}

    def has_role(self, role: str) -> bool:
        """Tell whether this person holds `role`."""
        return role in self.role_names

    @property
    def is_verified(self) -> bool:
        """Tell whether the email address was confirmed."""
        return self.email_verified_at is not None

    @property
    def account_status(self) -> str:
        """The people list's status: "deactivated", else "unconfirmed" until the email is confirmed, else "active"."""
        if not self.is_active_account:
            return "deactivated"
        return "active" if self.is_verified else "unconfirmed"

    @property
    def given_name(self) -> str:
        """The last word of a Vietnamese full name, by which lists are sorted."""
        return self.full_name.split()[-1] if self.full_name.split() else ""

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(db.Model):
    """One role held by one person."""

    __tablename__ = "user_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    user: Mapped[User] = relationship(back_populates="roles")

    __table_args__ = (
        UniqueConstraint("user_id", "role"),
        CheckConstraint("role IN ('student', 'trainer', 'leader', 'admin')", name="role"),
    )

    def __repr__(self) -> str:
        return f"<UserRole {self.user_id} {self.role}>"


class Consent(db.Model):
    """A person's acceptance of a version of the privacy notice, for a stated purpose."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    notice_version: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(40))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    # A withdrawal ends the consent for its purpose; the row stays as the record of both.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="consents")

    def __repr__(self) -> str:
        return f"<Consent {self.user_id} {self.notice_version} {self.purpose}>"


class RecoveryCode(db.Model):
    """One single-use recovery code for two-factor sign-in, stored hashed."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.user_id} {'used' if self.used_at else 'unused'}>"


class UserSession(db.Model):
    """One signed-in browser. The token lives in its cookies; only its SHA-256 hash is stored here."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    is_remember: Mapped[bool] = mapped_column(default=False)
    device: Mapped[str] = mapped_column(String(60), default="")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id} {'ended' if self.ended_at else 'open'}>"


PREFERRED_POINTS_MAX = 12  # a whole branch (11 points at city size) fits


class UserPreferredPoint(db.Model):
    """A service point a student prefers: the shift finder lists its shifts first."""

    __tablename__ = "user_preferred_points"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("service_points.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    # The point is named by string: accounts sits below campaigns and imports nothing from it.
    point = relationship("ServicePoint")

    def __repr__(self) -> str:
        return f"<UserPreferredPoint {self.user_id} {self.point_id}>"
