"""Committing without throwing away what the request has just read and written.

SQLAlchemy expires every loaded object at commit, so that the next access reads the database again.
A booking's answer renders the shift, its point and the booking right after the commit: every value
it shows was read or written in that same transaction, and reloading them is half the work of a
booking in a rush. `commit_keeping_loaded()` commits without expiring; use it only where the caller
knows what it shows is what it has just written (counters it changed it sets from RETURNING).
"""
from __future__ import annotations

from portal.extensions import db


def commit_keeping_loaded() -> None:
    """Commit the session's transaction, leaving the loaded objects as they are."""
    session = db.session()
    session.expire_on_commit = False
    try:
        db.session.commit()
    finally:
        session.expire_on_commit = True
