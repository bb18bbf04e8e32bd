"""Row locks that work the same way on PostgreSQL and SQLite."""
from __future__ import annotations

from sqlalchemy import text

from portal.extensions import db

LOCKABLE = {"users", "shifts", "training_sessions", "campaigns", "credentials", "host_organisations", "recommendations",
            "data_requests", "breach_records"}


def lock_row(table: str, row_id: int, skip_locked: bool = False) -> bool:
    """Lock one row until the transaction ends; False when `skip_locked` and someone else holds it.

    PostgreSQL takes a row lock (SELECT … FOR UPDATE). SQLite has no row locks: a write takes the
    database's write lock and holds it until commit, which serialises the same way (and never skips).
    """
    if table not in LOCKABLE:
        raise ValueError(f"not a lockable table: {table}")
    if db.session.get_bind().dialect.name == "postgresql":
        suffix = " SKIP LOCKED" if skip_locked else ""
        found = db.session.execute(text(f"SELECT id FROM {table} WHERE id = :id FOR UPDATE{suffix}"), {"id": row_id})
        return found.first() is not None
    db.session.execute(text(f"UPDATE {table} SET id = id WHERE id = :id"), {"id": row_id})
    return True
