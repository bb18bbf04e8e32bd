"""Fresh databases for the benchmarks: SQLite in a temporary folder, or PostgreSQL next to
BENCH_DATABASE_URL (default the local server), dropped afterwards."""
from __future__ import annotations

import os
import tempfile
import uuid
from contextlib import contextmanager

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


@contextmanager
def database(kind: str):
    """Yield the SQLAlchemy URL of a new, empty database of the given kind."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.sqlite3"
        return
    import psycopg
    from sqlalchemy.engine import make_url

    base = os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES)
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_url(base).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_reachable() -> bool:
    """Tell whether the PostgreSQL server of BENCH_DATABASE_URL answers."""
    try:
        import psycopg

        psycopg.connect(os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES), connect_timeout=2).close()
        return True
    except Exception:
        return False
