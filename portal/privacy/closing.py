"""Closing an account: the person leaves now, their data goes after a grace period.

Closing (one transaction): every future booking is cancelled through the shifts booking service,
so each freed seat goes to its waitlist; the person's waiting places are closed; the account is
deactivated, which ends every session (accounts/sessions.py does it on deactivation); erase_after
is set to now + PRIVACY_ERASURE_GRACE_DAYS; an email says when the data will be erased and carries
a signed link to come back; the audit log records it without personal data.

Coming back: a deactivated account cannot sign in, so the email carries a signed "reopen" link
that works until erase_after (and only for this closing: it names the closing's time). Following
it reactivates the account; the person signs in again with their password, and may download their
certificates. Cancelled bookings stay cancelled. An organiser can reopen on a person's behalf
with `reopen(user, actor)` (the same service) until the erasure has happened.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, select, update
from werkzeug.security import check_password_hash

from portal.accounts.models import User
from portal.audit import services as audit
from portal.core import clock
from portal.core.urls import external_url
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.mail import services as mail
from portal.shifts import booking
from portal.shifts.models import Booking, Shift, WaitlistEntry

CLOSED_NOTE = "account closed"


@dataclass(frozen=True)
class ClosingPreview:
    """What closing would do now, for the confirmation the person reads first."""

    future_bookings: int
    waiting: int
    erase_after: datetime


def grace_days() -> int:
    """Days between closing and erasure (PRIVACY_ERASURE_GRACE_DAYS, 30 by default)."""
    return int(current_app.config.get("PRIVACY_ERASURE_GRACE_DAYS", 30))


def _future_bookings(user_id: int, now: datetime):
    return select(Booking).join(Shift, Shift.id == Booking.shift_id).where(
        Booking.user_id == user_id, Booking.status == "booked", Shift.starts_at > now)


def preview(user: User) -> ClosingPreview:
    """Count what closing would cancel, and say when the data would be erased."""
    now = clock.now()
    bookings = len(db.session.scalars(_future_bookings(user.id, now)).all())
    waiting = len(db.session.scalars(select(WaitlistEntry.id).where(
        WaitlistEntry.user_id == user.id, WaitlistEntry.status == "waiting")).all())
    return ClosingPreview(bookings, waiting, now + timedelta(days=grace_days()))


def may_close(user: User) -> bool:
    """Organisers' accounts are closed by another organiser (no campaign loses its last organiser
    by a click); everyone else may close their own."""
    return not user.has_role("admin")


def close(user: User, actor: User | None = None, password: str | None = None) -> ClosingPreview:
    """Close `user`'s account: by themselves (their password confirms it), or by `actor`, an
    organiser answering a request. One transaction."""
    if user.erased_at is not None or user.closed_at is not None:
        raise InvalidInput(_l("This account is already closed."), "confirm")
    if actor is None and not may_close(user):
        raise InvalidInput(_l("An organiser's account is closed by another organiser."), "confirm")
    if actor is None and not (user.password_hash and check_password_hash(user.password_hash, password or "")):
        raise InvalidInput(_l("Your password is not correct."), "password")
    actor = actor or user
    now = clock.now()
    cancelled, waiting_closed = release_future([user.id], actor, now)
    user.is_active_account = False  # ends every session in this transaction (accounts/sessions.py)
    user.closed_at = now
    user.erase_after = now + timedelta(days=grace_days())
    _tell(user)
    audit.record(actor, "privacy.account_closed", "user", user.id,
                 after={"bookings_cancelled": cancelled, "waitlists_closed": waiting_closed,
                        "erase_after": user.erase_after, "by": "self" if actor is user else "organiser"})
    db.session.commit()
    return ClosingPreview(cancelled, waiting_closed, user.erase_after)


def release_future(user_ids: list[int], actor: User | None, now: datetime) -> tuple[int, int]:
    """Cancel these people's future bookings (each freed seat goes to its waitlist) and close their
    waiting places, in the caller's transaction; returns (bookings cancelled, waitlists closed).
    Works for one person (closing) or a batch (erasure) in a fixed number of statements, plus one
    promotion per shift that has someone waiting."""
    _lock_people(user_ids)  # no booking of theirs may start while they leave
    waiting_closed = db.session.execute(update(WaitlistEntry).where(
        WaitlistEntry.user_id.in_(user_ids), WaitlistEntry.status == "waiting"
    ).values(status="closed", resolved_at=now).execution_options(synchronize_session=False)).rowcount
    seats = db.session.execute(select(Booking.id, Booking.shift_id).join(Shift, Shift.id == Booking.shift_id).where(
        Booking.user_id.in_(user_ids), Booking.status == "booked", Shift.starts_at > now)).all()
    if not seats:
        return 0, waiting_closed
    # Cancelled even inside the cut-off: the person will not come, and a seat freed now reaches
    # the waitlist, where a no-show would not.
    db.session.execute(update(Booking).where(Booking.id.in_([b for b, _ in seats])).values(
        status="cancelled", cancelled_at=now, cancelled_by_id=getattr(actor, "id", None), cancel_note=CLOSED_NOTE
    ).execution_options(synchronize_session=False))
    freed: dict[int, int] = {}
    for _, shift_id in seats:
        freed[shift_id] = freed.get(shift_id, 0) + 1
    # The booking service's seat counter, given back n seats at once (booking._free_seat gives one).
    shifts = Shift.__table__  # Core: an executemany, one row per shift
    db.session.execute(update(shifts)
                       .where(shifts.c.id == bindparam("_shift"), shifts.c.booked_count >= bindparam("_n"))
                       .values(booked_count=shifts.c.booked_count - bindparam("_n"))
                       .execution_options(synchronize_session=False),
                       [{"_shift": shift_id, "_n": n} for shift_id, n in freed.items()])
    waited = db.session.scalars(select(WaitlistEntry.shift_id).where(
        WaitlistEntry.shift_id.in_(list(freed)), WaitlistEntry.status == "waiting").distinct()).all()
    for shift_id in waited:
        for _ in range(freed[shift_id]):
            if booking.promote_waitlist(shift_id) is None:
                break
    db.session.flush()
    db.session.expire_all()  # the bulk updates above changed rows the session may hold
    return len(seats), waiting_closed


def _lock_people(user_ids: list[int]) -> None:
    """Lock the people's rows as the booking service does. SQLite's lock is the whole database's,
    taken by the first write, so one is enough there (each costs a scan of the tables that refer
    to users); PostgreSQL locks each row."""
    if db.session.get_bind().dialect.name == "postgresql":
        for user_id in sorted(user_ids):
            booking.lock_student(user_id)
    elif user_ids:
        booking.lock_student(user_ids[0])


def _tell(user: User) -> None:
    """The email: what happened, when the data goes, how to come back and fetch the certificates."""
    mail.queue(user.email, "account_closed", kind="account-closed", locale=user.locale, user=user,
               erase_after=user.erase_after, days=grace_days(),
               reopen_link=external_url("privacy.reopen_account", token=reopen_token(user)),
               certificates_link=external_url("certificates.mine"))


# --- coming back -----------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="privacy.reopen")


def _closing_fingerprint(user: User) -> str:
    """Ties a link to one closing: reopening (or closing again) makes older links useless."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    stamp = user.closed_at.isoformat() if user.closed_at else "open"
    return hmac.new(key, f"privacy.reopen:{user.id}:{stamp}".encode(), hashlib.sha256).hexdigest()[:16]


def reopen_token(user: User) -> str:
    """The signed token of the email's "reopen my account" link (the user id and a fingerprint)."""
    return _serializer().dumps({"uid": user.id, "cl": _closing_fingerprint(user)})


class ReopenRefused(Exception):
    """The reopen link is expired, altered or already used; `message` says which."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def user_for_token(token: str) -> User:
    """The closed, not yet erased account a reopen link was made for, or ReopenRefused."""
    try:
        payload = _serializer().loads(token, max_age=grace_days() * 24 * 3600)
    except SignatureExpired:
        raise ReopenRefused(_l("This link has expired: the account has been or is being erased.")) from None
    except BadSignature:
        raise ReopenRefused(_l("This link is not valid. Check that you copied all of it.")) from None
    user = db.session.get(User, payload.get("uid")) if isinstance(payload, dict) else None
    if (user is None or user.closed_at is None or user.erased_at is not None
            or not hmac.compare_digest(str(payload.get("cl", "")), _closing_fingerprint(user))):
        raise ReopenRefused(_l("This link no longer works: the account was reopened or erased."))
    if user.erase_after is not None and user.erase_after <= clock.now():
        raise ReopenRefused(_l("This link has expired: the account has been or is being erased."))
    return user


def reopen(user: User, actor: User | None = None) -> None:
    """Bring a closed account back before its erasure: active again, nothing scheduled."""
    if user.closed_at is None or user.erased_at is not None:
        raise InvalidInput(_l("Only a closed account that is not erased yet can be reopened."), "confirm")
    user.is_active_account, user.closed_at, user.erase_after = True, None, None
    audit.record(actor or user, "privacy.account_reopened", "user", user.id,
                 after={"by": "self" if actor is None or actor is user else "organiser"})
    db.session.commit()
