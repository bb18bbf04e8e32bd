"""Throw-away databases for the test suites and the benchmarks: a SQLite file in a temporary folder,
or a new database on the PostgreSQL server of a given URL, dropped afterwards (even if in use)."""
from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import make_url


@contextmanager
def database(kind: str, server_url: str | None = None, prefix: str = "portal") -> Iterator[str]:
    """Yield the SQLAlchemy URL of a new, empty database: kind "sqlite", or "postgresql" next to server_url."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/{prefix}.sqlite3"
        return
    import psycopg  # lazy: needed only for PostgreSQL, and SQLite machines may lack it

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(server_url).set(drivername="postgresql+psycopg", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
