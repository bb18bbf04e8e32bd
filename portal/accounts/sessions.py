"""Server-side sessions: every signed-in browser has a row, so that ending the row ends the session.

Flask-Login's user id is the row's random token (User.get_id), carried by the session cookie and
the remember-me cookie alike; only its SHA-256 hash is stored. A session is refused once it has
ended (log out, sign out everywhere, password change, deactivation, role change), has been idle
too long (30 minutes for organisers, 12 hours for others) or has outlived its absolute lifetime
(12 hours; remember-me up to 14 days, never for organisers).

No request imports here: routes_sessions.py connects these rules to Flask-Login and the cookies.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

import click
from flask import current_app
from sqlalchemy import bindparam, delete, event, inspect, or_, select, update
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.models import User, UserRole, UserSession
from portal.audit import labels as audit_labels
from portal.audit import services as audit
from portal.core import clock
from portal.extensions import db

# last_seen_at is written at most this often: a write per request would cost every page a statement.
TOUCH_EVERY = timedelta(minutes=1)
# Why a session ended, as stored in end_reason.
REASONS = ("logout", "everywhere", "rotated", "password", "deactivated", "roles")


def token_hash(token: str) -> str:
    """The stored form of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def device_label(user_agent: str) -> str:
    """A coarse label of the browser ("Firefox on Android"), enough to recognise one's own devices."""
    ua = (user_agent or "").lower()
    browsers = (("edg/", "Edge"), ("opr/", "Opera"), ("coc_coc", "Cốc Cốc"), ("firefox/", "Firefox"),
                ("chrome/", "Chrome"), ("safari/", "Safari"))
    systems = (("android", "Android"), ("iphone", "iPhone"), ("ipad", "iPad"), ("windows", "Windows"),
               ("mac os", "macOS"), ("cros", "ChromeOS"), ("linux", "Linux"))
    browser = next((name for key, name in browsers if key in ua), "")
    system = next((name for key, name in systems if key in ua), "")
    return " · ".join(part for part in (browser, system) if part)[:60]


def may_remember(user: User) -> bool:
    """Organisers never get remember-me: their sessions always end after a short idle time."""
    return not user.has_role("admin")


def idle_limit(user: User, row: UserSession) -> timedelta:
    """How long a session may sit unused. A remember-me session lives to its absolute end
    (that is what the person asked for); the others end after the role's idle timeout."""
    config = current_app.config
    if row.is_remember and may_remember(user):
        return timedelta(days=config["REMEMBER_DAYS"])
    if user.has_role("admin"):
        return timedelta(minutes=config["SESSION_IDLE_MINUTES_ADMIN"])
    return timedelta(minutes=config["SESSION_IDLE_MINUTES"])


def is_alive(row: UserSession, now: datetime) -> bool:
    """Tell whether a session may still be used at `now`."""
    user = row.user
    return (row.ended_at is None and user.is_active_account and now < row.expires_at
            and now - row.last_seen_at < idle_limit(user, row))


def attach(user: User, token: str, row: UserSession) -> None:
    """Bind a user object to the session it was loaded through (User.get_id returns the token)."""
    user.session_token = token
    user.current_session = row


def start(user: User, remember: bool = False, device: str = "", replacing: UserSession | None = None) -> str:
    """Open a session for `user` and return its token (for the cookies); commits.

    `replacing` is the session this one rotates (password change, privilege change): the new one
    keeps its remember-me and absolute end, and the old one ends. The person's finished sessions
    are purged on the way, which keeps the table small without a job runner.
    """
    now = clock.now()
    config = current_app.config
    if replacing is not None:
        remember, expires_at = replacing.is_remember, replacing.expires_at
        device = device or replacing.device
        end(replacing, "rotated", commit=False)
    else:
        expires_at = None
    remember = bool(remember) and may_remember(user)
    if expires_at is None or not remember and expires_at > now + timedelta(hours=config["SESSION_MAX_HOURS"]):
        expires_at = now + (timedelta(days=config["REMEMBER_DAYS"]) if remember
                            else timedelta(hours=config["SESSION_MAX_HOURS"]))
    db.session.execute(delete(UserSession).where(
        UserSession.user_id == user.id, or_(UserSession.ended_at.is_not(None), UserSession.expires_at <= now)))
    token = secrets.token_urlsafe(32)
    row = UserSession(user_id=user.id, token_hash=token_hash(token), created_at=now, last_seen_at=now,
                      expires_at=expires_at, is_remember=remember, device=device_label(device) if device else "")
    db.session.add(row)
    db.session.commit()
    attach(user, token, row)
    return token


@cache
def _load_statement():
    """The session with its user and their roles, built once (every request runs it; the hash is bound)."""
    return (select(UserSession).options(joinedload(UserSession.user, innerjoin=True).joinedload(User.roles))
            .where(UserSession.token_hash == bindparam("token_hash")))


def load(token: str) -> User | None:
    """The user of a live session token, or None (one indexed statement joined with the user and their
    roles: every request asks it)."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalars(_load_statement(), {"token_hash": token_hash(token)}).unique().first()
    now = clock.now()
    if row is None or not is_alive(row, now):
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        _touch(row, now)
    attach(row.user, token, row)
    return row.user


def _touch(row: UserSession, now: datetime) -> None:
    """Record activity in a transaction of its own: a GET's session never commits."""
    with db.engine.begin() as connection:
        connection.execute(update(UserSession.__table__).where(UserSession.__table__.c.id == row.id)
                           .values(last_seen_at=now))
    set_committed_value(row, "last_seen_at", now)


def end(row: UserSession, reason: str, commit: bool = True) -> None:
    """End one session (log out); its cookies stop working at once."""
    if row.ended_at is None:
        row.ended_at, row.end_reason = clock.now(), reason
    if commit:
        db.session.commit()


def end_all(user: User, reason: str) -> int:
    """End every open session of `user` (the caller commits); returns how many there were."""
    result = db.session.execute(
        update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=clock.now(), end_reason=reason).execution_options(synchronize_session=False))
    return result.rowcount


def sign_out(user: User, everywhere: bool = False) -> None:
    """End this browser's session, or every session of the person, and log it; commits."""
    if everywhere:
        count = end_all(user, "everywhere")
        audit.record(user, audit_labels.AUTH_SIGNOUT_EVERYWHERE, "user", user.id, after={"sessions": count})
    else:
        current = getattr(user, "current_session", None)
        if current is not None:
            end(current, "logout", commit=False)
        audit.record(user, audit_labels.AUTH_LOGOUT, "user", user.id)
    db.session.commit()


def active(user: User) -> list[UserSession]:
    """The person's sessions that still work, most recently used first."""
    now = clock.now()
    rows = db.session.scalars(select(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None), UserSession.expires_at > now)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())).all()
    return [row for row in rows if is_alive(row, now)]


def purge() -> int:
    """Delete every session that ended or expired; returns how many (see `flask sessions purge`)."""
    now = clock.now()
    result = db.session.execute(delete(UserSession).where(
        or_(UserSession.ended_at.is_not(None), UserSession.expires_at <= now)))
    db.session.commit()
    return result.rowcount


@click.command("purge-sessions")
def purge_command():
    """Delete ended and expired sessions (they are also purged per person at each login)."""
    click.echo(f"{purge()} sessions purged")


# --- changes that end a person's sessions -----------------------------------------------------


def ended_for(session: Session) -> set[int]:
    """Ids of the people whose sessions a change in this database session has ended."""
    return session.info.setdefault("sessions_ended_for", set())


@event.listens_for(Session, "after_flush")
def _end_after_security_change(session: Session, flush_context) -> None:
    """A new password, a deactivation or a change of roles ends the person's sessions, in the same
    transaction, whichever service made the change (privilege changes need a new session id)."""
    reasons: dict[int, str] = {}
    for obj in session.dirty:
        if not isinstance(obj, User) or obj.id is None:
            continue
        state = inspect(obj)
        if state.attrs.password_hash.history.has_changes():
            reasons[obj.id] = "password"
        elif state.attrs.is_active_account.history.has_changes() and not obj.is_active_account:
            reasons[obj.id] = "deactivated"
        elif state.attrs.roles.history.has_changes():
            reasons[obj.id] = "roles"
    for obj in session.deleted:  # a role deleted on its own, not through the person's list
        if isinstance(obj, UserRole) and obj.user_id is not None:
            reasons.setdefault(obj.user_id, "roles")
    if not reasons:
        return
    table = UserSession.__table__
    now = clock.now()
    for reason in set(reasons.values()):
        ids = [user_id for user_id, why in reasons.items() if why == reason]
        session.connection().execute(update(table).where(table.c.user_id.in_(ids), table.c.ended_at.is_(None))
                                     .values(ended_at=now, end_reason=reason))
    ended_for(session).update(reasons)
