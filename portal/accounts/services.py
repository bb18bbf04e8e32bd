"""Finding people, and what every account rule shares: hashing, the free-email check, saving a new account.

The rules themselves sit beside this module: registration (sign-up and profile), signed_links (the
emailed links), credentials (login and passwords) and staff (invitations, roles, the people list).
No request or session imports here: routes and the CLI call these functions, tests too.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from werkzeug.security import generate_password_hash

from portal.accounts.models import User, fold
from portal.accounts.validation import canonical_email, check_password
from portal.core import clock
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l

EMAIL_TAKEN = _l("An account with this email already exists. Log in, or reset your password.")


def hash_password(password: str) -> str:
    """Hash a password with the configured method (scrypt unless told otherwise)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def set_password(user: User, password: str) -> None:
    """Hash and store a new password after checking its strength."""
    check_password(password, user.email, user.full_name)
    user.password_hash = hash_password(password)
    user.password_changed_at = clock.now()


def find_by_email(email: str) -> User | None:
    """Find an account by email, in any spelling (case, invisible characters, Unicode forms)."""
    return db.session.scalar(select(User).where(func.lower(User.email) == canonical_email(email or "")))


def person_filter(query: str):
    """A SQL condition matching people by name (every word, in any order, accents and case ignored,
    as Python folds them, so SQLite and PostgreSQL agree), or by email or student ID."""
    words = fold(nfc(query)).split()[:8]
    typed = nfc(query).strip().lower()
    loose = or_(and_(*(User.sort_name.contains(word, autoescape=True) for word in words)) if words else False,
                func.lower(User.email).contains(typed, autoescape=True),
                func.lower(User.student_code).contains(typed, autoescape=True))
    if "@" not in typed:
        return loose
    # An exact email match wins: "an@x.org" must not also list "lan@x.org" for staff to pick from.
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


def ensure_email_free(email: str) -> None:
    """Refuse an email that another account already uses."""
    if find_by_email(email) is not None:
        raise InvalidInput(EMAIL_TAKEN, "email")


def save_new_account(user: User, then=None) -> None:
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
        raise InvalidInput(EMAIL_TAKEN, "email") from None
