"""Erasure: a person's personal data goes, the campaign's facts stay.

Driven by the processing register (register.py), never by a list of its own: for every declared
table, the rows about the person (its owner path) are deleted (DELETE_ROWS) or have each personal
column treated as declared: NULL, BLANK (''), PSEUDONYM (name, sort name, address) or REDACT
(text and JSON: the person's name, address, phone and student ID are replaced by the pseudonym,
and in JSON the personal keys are emptied). Every other row of a REDACT, BLANK or NULL text column
is searched for mentions of the person (an email to someone else about them, an audit snapshot, a
note) and those are replaced too (mentions.py). So a newly declared column is erased without new code.

What stays: bookings, attendance, hours, ratings' scores, activity counts, enrolments, training
completions, consents (as records), and every link between rows, which now points at the
pseudonymised account, so every report and total is unchanged. Issued certificates are revoked
with the category "holder_withdrew"; referral cases in progress are withdrawn (no host is told).

The pseudonym ("Tình nguyện viên #8F3K") is random, unique and stable (erasing again keeps it):
nothing leads back from it to the person. The address becomes `erased-8f3k@invalid` (unique,
non-routable). One transaction per batch; audited with no personal data.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    LargeBinary,
    String,
    Text,
    and_,
    bindparam,
    case,
    delete,
    or_,
    select,
    tuple_,
    update,
)

from portal.accounts.models import User, sort_key
from portal.audit import services as audit
from portal.certificates import status_lists
from portal.certificates.models import Credential
from portal.core import clock
from portal.extensions import db
from portal.privacy import register
from portal.privacy.closing import release_future
from portal.privacy.mentions import Matcher, Person, personal_keys, redact_value
from portal.privacy.register_terms import BLANK, DELETE_ROWS, KEEP, NULL, PSEUDONYM, REDACT
from portal.referrals.services import withdraw_for_erasure

PSEUDONYM_PREFIX = "Tình nguyện viên #"
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
BATCH = 500
REASONS = ("request", "closed", "retention", "campaign_archived")
REVOKE_REASON = "withdrawn at the holder's request (their data was erased)"
# Groups whose rows a person writes as their author: their free text goes with them ("the counts
# stay; notes you wrote are removed at erasure").
WRITTEN_GROUPS = ("activity_logs",)
# Text someone typed, which may mention anyone: searched in every row at erasure (as are REDACT
# columns); a field such as a phone number or a student ID is only ever about its own row.
_WRITTEN_KINDS = ("free_text", "evaluation")


# --- the register, applied ---------------------------------------------------------------------


def _is_text(column) -> bool:
    return isinstance(column.type, (String, Text, JSON)) and not isinstance(column.type, LargeBinary)


def _blank(column):
    """What BLANK (or NULL on a column that cannot be null) writes."""
    if isinstance(column.type, JSON):
        return None if column.nullable else {}
    if isinstance(column.type, LargeBinary):
        return None if column.nullable else b""
    return ""


def _null_guarded(table, column) -> bool:
    """True when a CHECK ties the column's NULL to another column's (a revocation needs its
    reason): NULL would break it, so a value that is set is blanked instead."""
    return any(isinstance(c, CheckConstraint) and f"{column.name} IS NULL" in str(c.sqltext)
               for c in table.constraints)


def _owned(name: str, owner, people: list[Person]):
    """A select of the primary keys of the rows of `name` about any of `people` (the owner path)."""
    meta = db.metadata.tables
    first = current = meta[name]
    query = select(*first.primary_key.columns).select_from(first)
    for fk_column, next_table in owner.hops:
        target = meta[next_table]
        query = query.join(target, current.c[fk_column] == target.c.id)
        current = target
    values = [p.email if owner.match == "email" else p.id for p in people]
    conditions = [current.c[owner.column].in_(values)] + [first.c[c] == v for c, v in owner.where]
    return query.where(and_(*conditions))


def _pk_in(table, ids_select):
    pk = list(table.primary_key.columns)
    if len(pk) == 1:
        return pk[0].in_(ids_select)
    return tuple_(*pk).in_(ids_select)


def _rewrite(table, column, rows, compute) -> int:
    """Write compute(value) back where it changed; one executemany per column."""
    pk = list(table.primary_key.columns)[0]
    limit = getattr(column.type, "length", None)
    changes = [{"_pk": row[0], "_v": new[:limit] if limit and isinstance(new, str) else new}
               for row in rows if (new := compute(row[1])) != row[1]]
    if changes:
        db.session.execute(update(table).where(pk == bindparam("_pk"))
                           .values({column.name: bindparam("_v", type_=column.type)})
                           .execution_options(synchronize_session=False), changes)
    return len(changes)


def _apply_table(name: str, people: list[Person], matcher: Matcher, keys: frozenset[str]) -> None:
    """Apply the register's declaration of one table to the rows about `people`, their writing,
    and every mention of them."""
    decl = register.table(name)
    table = db.metadata.tables[name]
    ids = {p.id for p in people}
    if decl.owner is not None:
        owned = _owned(name, decl.owner, people)
        if decl.on_erase == DELETE_ROWS:
            db.session.execute(delete(table).where(_pk_in(table, owned)).execution_options(synchronize_session=False))
        else:
            _apply_columns(name, table, decl, owned, people, matcher, keys, ids)
    if decl.authors:
        _apply_authored(table, decl, people)
    if decl.owner is None or decl.on_erase != DELETE_ROWS:
        for col_name, col in decl.personal().items():
            column = table.c[col_name]
            written = col.erase in (BLANK, NULL) and col.data in _WRITTEN_KINDS
            if _is_text(column) and (col.erase == REDACT or written):
                pk = list(table.primary_key.columns)[0]
                rows = db.session.execute(select(pk, column).where(column.is_not(None))).all()
                drop = ids if col.data == "participation" else frozenset()
                _rewrite(table, column, rows,
                         lambda v, c=column, d=drop: redact_value(v, c, matcher, frozenset(), d))


def _apply_columns(name, table, decl, owned, people, matcher, keys, ids) -> None:
    """Each personal column of the rows about the people, as the register says."""
    simple = {}
    for col_name, col in decl.personal().items():
        column = table.c[col_name]
        if col.erase in (NULL, BLANK):
            if col.erase == NULL and column.nullable and not _null_guarded(table, column):
                simple[col_name] = None
            elif col.erase == NULL and _null_guarded(table, column):
                simple[col_name] = case((column.is_(None), None), else_=_blank(column))
            else:
                simple[col_name] = _blank(column)
        elif col.erase == REDACT:
            pk = list(table.primary_key.columns)[0]
            rows = db.session.execute(select(pk, column).where(pk.in_(owned), column.is_not(None))).all()
            drop = ids if col.data == "participation" else frozenset()
            _rewrite(table, column, rows, lambda v, c=column, d=drop: redact_value(v, c, matcher, keys, d))
    if simple:
        db.session.execute(update(table).where(_pk_in(table, owned)).values(simple)
                           .execution_options(synchronize_session=False))
    # Last, since the owner path may match on the very value it replaces (an outbox's address).
    for col_name, col in decl.personal().items():
        if col.erase == PSEUDONYM and decl.owner.match == "email":
            db.session.execute(update(table).where(table.c[decl.owner.column] == bindparam("_old"))
                               .values({col_name: bindparam("_new", type_=table.c[col_name].type)})
                               .execution_options(synchronize_session=False),
                               [{"_old": p.email, "_new": _pseudonym_email(p.pseudonym)} for p in people])


def _apply_authored(table, decl, people) -> None:
    """Rows naming the people as authors: the link stays (it points at the pseudonym). Where the
    register's group is the person's own writing, the text they wrote (as its first author) goes;
    technical traces of any of their rows (IP addresses) go."""
    ids = [p.id for p in people]
    if decl.group in WRITTEN_GROUPS:
        written = {name: (None if table.c[name].nullable else _blank(table.c[name]))
                   for name, col in decl.personal().items() if col.data == "free_text" and col.erase != KEEP}
        if written:
            db.session.execute(update(table).where(table.c[decl.authors[0]].in_(ids)).values(written)
                               .execution_options(synchronize_session=False))
    traces = {name: None for name, col in decl.personal().items()
              if col.data == "technical" and col.erase == NULL and table.c[name].nullable}
    if traces:
        db.session.execute(update(table).where(or_(*(table.c[a].in_(ids) for a in decl.authors))).values(traces)
                           .execution_options(synchronize_session=False))


# --- pseudonyms ----------------------------------------------------------------------------------


def _pseudonym_email(pseudonym: str) -> str:
    return f"erased-{pseudonym.rsplit('#', 1)[-1].lower()}@invalid"


def _new_pseudonyms(count: int) -> list[str]:
    """`count` fresh pseudonyms, unique among every erased account (random: nothing leads back)."""
    taken = set(db.session.scalars(select(User.full_name).where(User.full_name.like(PSEUDONYM_PREFIX + "%"))))
    length = 4 if len(taken) + count < 32 ** 4 // 8 else 6
    fresh: list[str] = []
    while len(fresh) < count:
        name = PSEUDONYM_PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if name not in taken:
            taken.add(name)
            fresh.append(name)
    return fresh


# --- the service -------------------------------------------------------------------------------------


def erase(user: User, actor: User | None = None, reason: str = "request") -> str:
    """Erase one person (one transaction) and return their pseudonym."""
    erase_many([user.id], actor, reason)
    db.session.refresh(user)
    return user.full_name


def erase_many(user_ids, actor: User | None = None, reason: str = "request", batch: int = BATCH) -> int:
    """Erase many people, `batch` at a time (one transaction each); already erased ones are skipped.
    Returns how many were erased."""
    if reason not in REASONS:
        raise ValueError(f"unknown erasure reason {reason!r}")
    ids = sorted(set(user_ids))
    done = 0
    for start in range(0, len(ids), batch):
        done += _erase_batch(ids[start:start + batch], actor, reason)
    return done


def _erase_batch(user_ids: list[int], actor, reason: str) -> int:
    now = clock.now()
    users = db.session.scalars(select(User).where(User.id.in_(user_ids), User.erased_at.is_(None))).all()
    if not users:
        return 0
    pseudonyms = _new_pseudonyms(len(users))
    people = [Person(u.id, u.email, name, {"name": u.full_name or "", "email": u.email, "phone": u.phone,
                                            "code": u.student_code})
              for u, name in zip(users, pseudonyms, strict=True)]
    # Erased straight from a request (not closed first): their seats go to the waitlists.
    release_future([u.id for u in users if u.closed_at is None], actor, now)
    withdraw_for_erasure([p.id for p in people], actor)
    _revoke_certificates([p.id for p in people], actor, now)
    db.session.flush()
    matcher, keys = Matcher(people), personal_keys()
    for name in register.TABLES:
        if name != "users":
            _apply_table(name, people, matcher, keys)
    _apply_table("users", people, matcher, keys)  # last: the owner paths above match the old addresses
    users_table = db.metadata.tables["users"]
    db.session.execute(update(users_table).where(users_table.c.id == bindparam("_id")).values(
        full_name=bindparam("_name", type_=users_table.c.full_name.type),
        sort_name=bindparam("_sort", type_=users_table.c.sort_name.type),
        email=bindparam("_email", type_=users_table.c.email.type),
        erased_at=bindparam("_now", type_=users_table.c.erased_at.type), is_active_account=False)
        .execution_options(synchronize_session=False),
        [{"_id": p.id, "_name": p.pseudonym, "_sort": sort_key(p.pseudonym), "_email": _pseudonym_email(p.pseudonym),
          "_now": now} for p in people])
    for p in people:
        audit.record(actor, "privacy.erased", "user", p.id, after={"reason": reason})
    db.session.commit()
    db.session.expire_all()
    return len(people)


def _revoke_certificates(user_ids: list[int], actor, now: datetime) -> int:
    """Revoke the people's certificates still valid, with the category the public page shows, and publish it
    in the status lists (the same transaction)."""
    ids = list(db.session.scalars(update(Credential).where(
        Credential.user_id.in_(user_ids), Credential.revoked_at.is_(None)
    ).values(revoked_at=now, revoked_by_id=getattr(actor, "id", None), revoke_reason=REVOKE_REASON,
             revoke_category="holder_withdrew").returning(Credential.id).execution_options(synchronize_session=False)))
    status_lists.mark(ids, "revoked", now)
    return len(ids)
