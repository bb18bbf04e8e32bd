"""Logging in and passwords: checking a password, recording sign-ins and lockouts, resetting and changing.

No request or session imports here: the routes sign the person in once these rules say yes.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from portal.accounts import services as accounts
from portal.accounts import signed_links
from portal.accounts.models import User
from portal.audit import services as audit
from portal.audit.models import AuditEvent
from portal.core import clock
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.mail import services as mail

# Hashes that no password matches, checked when the email is unknown, so that a failed login
# takes as long whether or not the account exists (one per hashing method).
_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash made with the configured method, for timing-safe refusals."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not-a-real-password", method=method)
    return _DUMMY_HASHES[method]


class LoginRefused(Exception):
    """Login failed; `message` is safe to show (it never says whether the email exists)."""

    def __init__(self, message, unverified: bool = False):
        super().__init__(str(message))
        self.message = message
        self.unverified = unverified


def _login_failed(user: User | None, reason: str) -> None:
    """Record a refused sign-in; for an unknown address, no address at all."""
    audit.record(None, "auth.login_failed", "user", user.id if user else None, after={"reason": reason})
    db.session.commit()


def authenticate(email: str, password: str) -> User:
    """Return the user for a correct email and password (not yet signed in), or raise LoginRefused.

    Every refusal is recorded; the caller finishes with complete_login, after the second factor
    when the person has one.
    """
    user = accounts.find_by_email(email or "")
    if user is None or user.password_hash is None:
        check_password_hash(_dummy_hash(), password or "")
        _login_failed(user, "unknown" if user is None else "no_password")
        raise LoginRefused(_l("The email or password is not correct."))
    if not check_password_hash(user.password_hash, password or ""):
        _login_failed(user, "password")
        raise LoginRefused(_l("The email or password is not correct."))
    if not user.is_active_account:
        _login_failed(user, "deactivated")
        raise LoginRefused(_l("This account has been deactivated. Contact the organisers."))
    if not user.is_verified:
        _login_failed(user, "unverified")
        raise LoginRefused(
            _l("Confirm your email address first: open the link we sent you."), unverified=True
        )
    return user


def complete_login(user: User, method: str = "password") -> None:
    """Record a successful sign-in (password, or password and "totp"/"recovery") and commit it
    with whatever the second factor changed (the code's time step, a spent recovery code)."""
    user.last_login_at = clock.now()
    audit.record(user, "auth.login", "user", user.id, after={"method": method})
    db.session.commit()


def record_lockout(email: str, limit: str) -> None:
    """Record that a per-account rate limit tripped (once a minute per account is enough)."""
    user = accounts.find_by_email(email or "")
    target = user.id if user else None
    recent = db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "auth.lockout", AuditEvent.target_id.is_(target) if target is None
        else AuditEvent.target_id == target, AuditEvent.created_at >= clock.now() - timedelta(minutes=1)).limit(1))
    if recent is None:
        audit.record(None, "auth.lockout", "user", target, after={"limit": limit})
        db.session.commit()


def request_password_reset(email: str) -> None:
    """Queue a reset link when an active account has this address; say nothing either way."""
    user = accounts.find_by_email(email or "")
    if user is None or not user.is_active_account:
        return
    mail.queue(
        user.email,
        "reset_password",
        kind="reset-password",
        locale=user.locale,
        user=user,
        link=signed_links.link("accounts.reset_password", "reset", user),
        minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
    )
    db.session.commit()


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset link; the link then stops working."""
    user = signed_links.load_reset(token)
    accounts.set_password(user, password)
    # Following the emailed link proves the address too.
    user.email_verified_at = user.email_verified_at or clock.now()
    audit.record(None, "auth.password_reset", "user", user.id)
    db.session.commit()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change a password, given the current one; other sessions end (the caller re-logs this one)."""
    if not user.password_hash or not check_password_hash(user.password_hash, current or ""):
        raise InvalidInput(_l("Your current password is not correct."), "current_password")
    accounts.set_password(user, new)
    audit.record(user, "auth.password_changed", "user", user.id)
    db.session.commit()
