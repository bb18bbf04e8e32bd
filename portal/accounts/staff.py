"""Organisers' rules for people: inviting staff, roles, deactivation, accounts made from the command line,
and the people list."""
from __future__ import annotations

from sqlalchemy import func, select

from portal.accounts import services as accounts
from portal.accounts import signed_links
from portal.accounts.models import ROLE_VALUES, User, UserRole
from portal.accounts.validation import check_name, check_password, normalise_email
from portal.audit import services as audit
from portal.core import clock
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l

USER_AUDIT_FIELDS = ["email", "full_name", "role_names", "is_active_account"]


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
    accounts.ensure_email_free(email)
    user = User(email=email, full_name=full_name, locale=locale)
    user.roles.extend(UserRole(role=r) for r in sorted(roles))

    def announce(user: User) -> None:
        audit.record(actor, "user.invite", "user", user.id, after=audit.snapshot(user, USER_AUDIT_FIELDS))
        signed_links.queue_invite(user, actor)

    accounts.save_new_account(user, announce)
    return user


def accept_invite(token: str, password: str) -> User:
    """Set the first password of an invited account; the link confirms the email as well."""
    user = signed_links.load_invite(token)
    accounts.set_password(user, password)
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
    accounts.ensure_email_free(email)
    user = User(
        email=email,
        full_name=full_name,
        password_hash=accounts.hash_password(password),
        password_changed_at=clock.now(),
        email_verified_at=clock.now(),
    )
    user.roles.extend(UserRole(role=r) for r in sorted(roles))
    accounts.save_new_account(
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
