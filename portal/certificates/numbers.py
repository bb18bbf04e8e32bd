"""Document numbers: "0125/GCN-TĐTN", numbered per campaign and kind at issue and never reused.

A counter row per campaign and series goes up in its own short transaction, committed at once, like a
database sequence: a revoked credential keeps its number, and numbers taken by an issue whose transaction
later fails are skipped, never handed out again. A batch of N takes N numbers in one statement.
"""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from portal.certificates.issuers import SERIES, DocumentCounter
from portal.extensions import db

_COUNTERS = DocumentCounter.__table__


def _take(connection, campaign_id: int, series: str, count: int) -> int:
    """Raise the counter by `count` (creating it at 0 first) and return its new value."""
    bump = (update(_COUNTERS).where(_COUNTERS.c.campaign_id == campaign_id, _COUNTERS.c.series == series)
            .values(last_number=_COUNTERS.c.last_number + count).returning(_COUNTERS.c.last_number))
    last = connection.execute(bump).scalar()
    if last is None:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        connection.execute(dialect.insert(_COUNTERS).values(campaign_id=campaign_id, series=series, last_number=0)
                           .on_conflict_do_nothing())
        last = connection.execute(bump).scalar()
    return last


def _session_is_writing() -> bool:
    """On SQLite, whether the session already holds the database's write lock (a second connection would wait
    for it forever): then the numbers are taken in the session's own transaction, which serialises anyway."""
    if db.engine.dialect.name != "sqlite" or not db.session().in_transaction():
        return False
    return bool(db.session.connection().connection.dbapi_connection.in_transaction)


def prepare(campaign_id: int, kind: str) -> None:
    """Make sure the series' counter row exists, before the caller locks the campaign: on PostgreSQL a first
    INSERT (its foreign key) would wait for that lock from the other connection, and never get it."""
    if _session_is_writing():
        return
    with db.engine.begin() as connection:
        _take(connection, campaign_id, SERIES[kind], 0)


def allocate(campaign_id: int, kind: str, count: int) -> list[int]:
    """`count` new numbers of the campaign's series for `kind`, in order, committed at once (see above)."""
    if count <= 0:
        return []
    series = SERIES[kind]
    if _session_is_writing():
        last = _take(db.session.connection(), campaign_id, series, count)
    else:
        with db.engine.begin() as connection:
            last = _take(connection, campaign_id, series, count)
    return list(range(last - count + 1, last + 1))


def printed(number: int, kind: str, short_names: list[str]) -> str:
    """The number as printed after "Số:": 0125/GCN-TĐTN (both short names for two co-issuers)."""
    suffix = "-".join([SERIES[kind], *[name for name in short_names if name]])
    return f"{number:04d}/{suffix}"
