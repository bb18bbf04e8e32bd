"""Account rules: sign-up, verification, login, passwords, staff invitations, roles.

No request or session imports here: routes and the CLI call these functions, tests too.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from portal.accounts import consent
from portal.accounts.models import ROLE_VALUES, User, UserRole
from portal.accounts.validation import (
    InvalidInput,
    canonical_email,
    check_name,
    check_password,
    normalise_email,
    normalise_phone,
)
from portal.audit import services as audit
from portal.audit.models import AuditEvent
from portal.core import clock
from portal.core.text import nfc
from portal.core.urls import external_url
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.mail import services as mail

USER_AUDIT_FIELDS = ["email", "full_name", "role_names", "is_active_account"]

# Hashes that no password matches, checked when the email is unknown, so that a failed login
# takes as long whether or not the account exists (one per hashing method).
_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash made with the configured method, for timing-safe refusals."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not-a-real-password", method=method)
    return _DUMMY_HASHES[method]


def hash_password(password: str) -> str:
    """Hash a password with the configured method (scrypt unless told otherwise)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@dataclass
class StudentSignup:
    """What a student types on the sign-up form."""

    full_name: str
    email: str
    phone: str
    school: str
    student_code: str
    chapter: str
    password: str
    consent: bool
    consent_referrals: bool = False  # optional purposes, each granted only when ticked
    consent_news: bool = False
    locale: str = "vi"


def find_by_email(email: str) -> User | None:
    """Find an account by email, in any spelling (case, invisible characters, Unicode forms)."""
    return db.session.scalar(select(User).where(func.lower(User.email) == canonical_email(email or "")))


def person_filter(query: str):
    """A SQL condition matching people by name (every word, in any order, accents and case ignored,
    as Python folds them, so SQLite and PostgreSQL agree), or by email or student ID."""
    from sqlalchemy import and_, or_

    from portal.accounts.models import fold

    words = fold(nfc(query)).split()[:8]
    typed = nfc(query).strip().lower()
    loose = or_(and_(*(User.sort_name.contains(word, autoescape=True) for word in words)) if words else False,
                func.lower(User.email).contains(typed, autoescape=True),
                func.lower(User.student_code).contains(typed, autoescape=True))
    if "@" not in typed:
        return loose
    # An exact email match wins: "an@x.org" must not also list "lan@x.org" for staff to pick from.
    from sqlalchemy.orm import aliased

    other = aliased(User)  # not correlated with the outer query's rows
    address = canonical_email(typed)
    return or_(func.lower(User.email) == address,
               and_(~select(other.id).where(func.lower(other.email) == address).exists(), loose))


def find_student(who: str) -> list[User]:
    """The people a leader means by an email or a student ID typed at the point: an exact email match
    wins (one person); otherwise everyone whose student ID it is (several: the caller asks which one)."""
    who = nfc((who or "").strip())
    if not who:
        return []
    by_email = find_by_email(who) if "@" in who else None
    if by_email is not None:
        return [by_email]
    return list(db.session.scalars(select(User).where(func.lower(User.student_code) == who.lower())
                                   .order_by(User.full_name, User.id).limit(20)))


def find_person(typed: str) -> tuple[User | None, list[User]]:
    """The person staff mean by a name or an email: an exact email wins; otherwise the only account
    whose name or email matches; None when nobody or several match (with up to 11 of them, so a page
    can say which)."""
    typed = (typed or "").strip()
    if not typed:
        return None, []
    exact = find_by_email(typed) if "@" in typed else None
    if exact is not None:
        return exact, [exact]
    matches = list(db.session.scalars(select(User).where(person_filter(typed))
                                      .order_by(User.sort_name, User.id).limit(11)))
    return (matches[0] if len(matches) == 1 else None), matches


def names_of(ids) -> dict[int, str]:
    """The names of these accounts by id, in one query (an erased account shows its pseudonym)."""
    wanted = sorted({i for i in ids if isinstance(i, int)})
    if not wanted:
        return {}
    return dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(wanted))).all())


def names_in_order(ids_query) -> list[tuple[int, str]]:
    """(id, name) of the accounts a select of ids returns, in name order: a filter's choices."""
    return list(db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids_query))
                                   .order_by(User.sort_name)).all())


def _ensure_email_free(email: str) -> None:
    """Refuse an email that another account already uses."""
    if find_by_email(email) is not None:
        raise InvalidInput(
            _l("An account with this email already exists. Log in, or reset your password."),
            "email",
        )


def _save_new_account(user: User, then=None) -> None:
    """Insert the account, run `then(user)` (emails, audit) and commit, as one transaction.

    A concurrent sign-up with the same email fails on the unique index at the flush or the
    commit; either way the person gets the same message as the pre-check, not an error page.
    """
    try:
        db.session.add(user)
        db.session.flush()
        if then is not None:
            then(user)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise InvalidInput(
            _l("An account with this email already exists. Log in, or reset your password."),
            "email",
        ) from None


def register_student(data: StudentSignup) -> User:
    """Create a student account, record consent and queue the verification email."""
    if not data.consent:
        raise InvalidInput(_l("You must agree to the privacy notice to sign up."), "consent")
    email = normalise_email(data.email)
    full_name = check_name(data.full_name)
    phone = normalise_phone(data.phone) if (data.phone or "").strip() else None  # optional until a booking
    check_password(data.password, email, full_name)
    _ensure_email_free(email)
    user = User(
        email=email,
        full_name=full_name,
        phone=phone,
        school=nfc(data.school.strip()),
        student_code=nfc(data.student_code.strip()),
        chapter=nfc(data.chapter.strip()),
        locale=data.locale if data.locale in ("vi", "en") else "vi",
        password_hash=hash_password(data.password),
        password_changed_at=clock.now(),
    )
    user.roles.append(UserRole(role="student"))
    version = current_app.config["PRIVACY_NOTICE_VERSION"]
    consent.grant(user, consent.PROGRAMME, version)
    for purpose, ticked in ((consent.REFERRALS, data.consent_referrals), (consent.NEWS, data.consent_news)):
        if ticked:
            consent.grant(user, purpose, version)
    _save_new_account(user, queue_verification)
    return user


# --- signed links -------------------------------------------------------------------------


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


def _link(endpoint: str, token: str) -> str:
    """An absolute link for an email, built from BASE_URL (not from the request's Host header)."""
    return external_url(endpoint, token=token)


def queue_verification(user: User) -> None:
    """Queue the email that confirms the address."""
    mail.queue(
        user.email,
        "verify_email",
        kind="verify-email",
        locale=user.locale,
        user=user,
        link=_link("accounts.verify_email", make_token("verify", user)),
        hours=current_app.config["EMAIL_VERIFY_MAX_AGE"] // 3600,
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
    user = find_by_email(email)
    if user is not None and user.is_active_account and not user.is_verified:
        queue_verification(user)
        db.session.commit()


# --- login and passwords ------------------------------------------------------------------


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
    user = find_by_email(email or "")
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
    user = find_by_email(email or "")
    target = user.id if user else None
    recent = db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "auth.lockout", AuditEvent.target_id.is_(target) if target is None
        else AuditEvent.target_id == target, AuditEvent.created_at >= clock.now() - timedelta(minutes=1)).limit(1))
    if recent is None:
        audit.record(None, "auth.lockout", "user", target, after={"limit": limit})
        db.session.commit()


def request_password_reset(email: str) -> None:
    """Queue a reset link when an active account has this address; say nothing either way."""
    user = find_by_email(email or "")
    if user is None or not user.is_active_account:
        return
    mail.queue(
        user.email,
        "reset_password",
        kind="reset-password",
        locale=user.locale,
        user=user,
        link=_link("accounts.reset_password", make_token("reset", user)),
        minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
    )
    db.session.commit()


def _set_password(user: User, password: str) -> None:
    """Hash and store a new password after checking its strength."""
    check_password(password, user.email, user.full_name)
    user.password_hash = hash_password(password)
    user.password_changed_at = clock.now()


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset link; the link then stops working."""
    user = load_token("reset", token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    _set_password(user, password)
    # Following the emailed link proves the address too.
    user.email_verified_at = user.email_verified_at or clock.now()
    audit.record(None, "auth.password_reset", "user", user.id)
    db.session.commit()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change a password, given the current one; other sessions end (the caller re-logs this one)."""
    if not user.password_hash or not check_password_hash(user.password_hash, current or ""):
        raise InvalidInput(_l("Your current password is not correct."), "current_password")
    _set_password(user, new)
    audit.record(user, "auth.password_changed", "user", user.id)
    db.session.commit()


PROFILE_FIELDS = ("full_name", "phone", "school", "student_code", "chapter", "locale")


def update_profile(user: User, **values) -> None:
    """Update a person's own details; the email stays as it was verified."""
    full_name = check_name(values["full_name"])
    phone = normalise_phone(values["phone"]) if values.get("phone") else None
    if user.has_role("student") and not phone:
        raise InvalidInput(_l("Enter your phone number."), "phone")
    user.full_name = full_name
    user.phone = phone
    for field in ("school", "student_code", "chapter"):
        setattr(user, field, nfc((values.get(field) or "").strip()) or None)
    if values.get("locale") in ("vi", "en"):
        user.locale = values["locale"]
    db.session.commit()


# --- staff --------------------------------------------------------------------------------


def _check_roles(roles) -> set[str]:
    """Refuse an empty or unknown set of roles."""
    roles = set(roles)
    if not roles:
        raise InvalidInput(_l("Choose at least one role."), "roles")
    if roles - set(ROLE_VALUES):
        raise InvalidInput(_l("Choose roles from the list."), "roles")
    return roles


def invite_staff(actor: User | None, email: str, full_name: str, roles, locale="vi") -> User:
    """Create a staff account without a password and email a link that sets it."""
    email = normalise_email(email)
    full_name = check_name(full_name)
    roles = _check_roles(roles)
    _ensure_email_free(email)
    user = User(email=email, full_name=full_name, locale=locale)
    user.roles.extend(UserRole(role=r) for r in sorted(roles))

    def announce(user: User) -> None:
        audit.record(actor, "user.invite", "user", user.id, after=audit.snapshot(user, USER_AUDIT_FIELDS))
        mail.queue(
            email, "invite", kind="invite", locale=locale, user=user, inviter=actor, roles=sorted(roles),
            link=_link("accounts.accept_invite", make_token("invite", user)),
            days=current_app.config["INVITE_MAX_AGE"] // 86400,
        )

    _save_new_account(user, announce)
    return user


def accept_invite(token: str, password: str) -> User:
    """Set the first password of an invited account; the link confirms the email as well."""
    user = load_token("invite", token, current_app.config["INVITE_MAX_AGE"])
    _set_password(user, password)
    user.email_verified_at = user.email_verified_at or clock.now()
    db.session.commit()
    return user


def set_roles(actor: User, user: User, roles) -> None:
    """Replace a person's roles. An admin cannot remove their own admin role (no lock-out)."""
    roles = _check_roles(roles)
    if user.id == actor.id and "admin" not in roles:
        raise InvalidInput(_l("You cannot remove your own admin role."), "roles")
    before = audit.snapshot(user, USER_AUDIT_FIELDS)
    current = user.role_names
    for link in [r for r in user.roles if r.role not in roles]:
        user.roles.remove(link)
    user.roles.extend(UserRole(role=r) for r in sorted(roles - current))
    db.session.flush()
    audit.record(actor, "user.roles", "user", user.id, before, audit.snapshot(user, USER_AUDIT_FIELDS))
    db.session.commit()


def set_active(actor: User, user: User, active: bool) -> None:
    """Deactivate or reactivate an account. Nobody can deactivate themselves."""
    if user.id == actor.id and not active:
        raise InvalidInput(_l("You cannot deactivate your own account."), "active")
    before = audit.snapshot(user, USER_AUDIT_FIELDS)
    user.is_active_account = active
    audit.record(
        actor,
        "user.activate" if active else "user.deactivate",
        "user",
        user.id,
        before,
        audit.snapshot(user, USER_AUDIT_FIELDS),
    )
    db.session.commit()


def create_user(email: str, full_name: str, roles, password: str) -> User:
    """Create an active, verified account from the command line."""
    email = normalise_email(email)
    full_name = check_name(full_name)
    roles = _check_roles(roles)
    check_password(password, email, full_name)
    _ensure_email_free(email)
    user = User(
        email=email,
        full_name=full_name,
        password_hash=hash_password(password),
        password_changed_at=clock.now(),
        email_verified_at=clock.now(),
    )
    user.roles.extend(UserRole(role=r) for r in sorted(roles))
    _save_new_account(
        user, lambda u: audit.record(None, "user.create", "user", u.id, after=audit.snapshot(u, USER_AUDIT_FIELDS))
    )
    return user


def staff_query(search: str = "", role: str = "", active: str = ""):
    """The people list for admins, filtered, sorted by given name as Vietnamese lists are."""
    stmt = select(User)
    if search:
        like = f"%{nfc(search.strip()).lower()}%"
        stmt = stmt.where(
            func.lower(User.full_name).like(like)
            | func.lower(User.email).like(like)
            | func.lower(User.student_code).like(like)
        )
    if role in ROLE_VALUES:
        stmt = stmt.where(User.roles.any(UserRole.role == role))
    if active in ("yes", "no"):
        stmt = stmt.where(User.is_active_account.is_(active == "yes"))
    return stmt.order_by(User.sort_name, User.id)
