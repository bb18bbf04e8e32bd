"""Signed links sent by email: confirming an address, resetting a password, accepting an invitation.

A token carries the user id and fingerprints only (never a readable address); reset and invitation
links stop working once the password changes.
"""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from portal.accounts import services as accounts
from portal.accounts.models import User
from portal.core import clock
from portal.core.urls import external_url
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.mail import services as mail


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    """A signer whose tokens are valid only for one purpose."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"accounts.{purpose}")


def _password_fingerprint(user: User) -> str:
    """Changes whenever the password does, which makes reset and invite links single-use."""
    return hashlib.sha256((user.password_hash or "unset").encode()).hexdigest()[:16]


def _email_fingerprint(purpose: str, email: str) -> str:
    """A keyed fingerprint of the address: a link dies when the email changes, yet the token
    (readable base64) never shows the address itself."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, f"accounts.{purpose}.email:{email}".encode(), hashlib.sha256).hexdigest()[:16]


def make_token(purpose: str, user: User) -> str:
    """Sign a link token for `purpose` (verify, reset or invite): the user id and fingerprints only."""
    payload = {"uid": user.id, "em": _email_fingerprint(purpose, user.email)}
    if purpose in ("reset", "invite"):
        payload["fp"] = _password_fingerprint(user)
    return _serializer(purpose).dumps(payload)


class TokenError(Exception):
    """A link that is expired, tampered with, or already used; `message` says which."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def load_token(purpose: str, token: str, max_age: int) -> User:
    """Return the user a token was made for, or raise TokenError with a clear message."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenError(_l("This link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise TokenError(_l("This link is not valid. Check that you copied all of it.")) from None
    user = db.session.get(User, payload.get("uid"))
    if user is None or not user.is_active_account or not hmac.compare_digest(
        str(payload.get("em", "")), _email_fingerprint(purpose, user.email)
    ):
        raise TokenError(_l("This link is not valid. Check that you copied all of it."))
    if "fp" in payload and payload["fp"] != _password_fingerprint(user):
        raise TokenError(_l("This link has already been used. Ask for a new one."))
    return user


def load_reset(token: str) -> User:
    """The person of a password reset link, or TokenError."""
    return load_token("reset", token, current_app.config["PASSWORD_RESET_MAX_AGE"])


def load_invite(token: str) -> User:
    """The person of an invitation link, or TokenError."""
    return load_token("invite", token, current_app.config["INVITE_MAX_AGE"])


def link(endpoint: str, purpose: str, user: User) -> str:
    """An absolute link for an email, built from BASE_URL (not from the request's Host header)."""
    return external_url(endpoint, token=make_token(purpose, user))


def queue_verification(user: User) -> None:
    """Queue the email that confirms the address."""
    mail.queue(
        user.email,
        "verify_email",
        kind="verify-email",
        locale=user.locale,
        user=user,
        link=link("accounts.verify_email", "verify", user),
        hours=current_app.config["EMAIL_VERIFY_MAX_AGE"] // 3600,
    )


def queue_invite(user: User, inviter: User | None) -> None:
    """Queue the invitation email, whose link sets the first password."""
    mail.queue(
        user.email, "invite", kind="invite", locale=user.locale, user=user, inviter=inviter,
        roles=sorted(user.role_names), link=link("accounts.accept_invite", "invite", user),
        days=current_app.config["INVITE_MAX_AGE"] // 86400,
    )


def verify_email(token: str) -> User:
    """Mark the address of the token's user as confirmed (idempotent)."""
    user = load_token("verify", token, current_app.config["EMAIL_VERIFY_MAX_AGE"])
    if user.email_verified_at is None:
        user.email_verified_at = clock.now()
        db.session.commit()
    return user


def resend_verification(email: str) -> None:
    """Queue a new verification email if an unverified account has this address; say nothing else."""
    user = accounts.find_by_email(email)
    if user is not None and user.is_active_account and not user.is_verified:
        queue_verification(user)
        db.session.commit()
