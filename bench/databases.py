"""Fresh databases for the benchmarks: SQLite in a temporary folder, or PostgreSQL next to
BENCH_DATABASE_URL (default the local server), dropped afterwards."""
from __future__ import annotations

import os
from contextlib import contextmanager

from portal import throwaway

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


@contextmanager
def database(kind: str):
    """Yield the SQLAlchemy URL of a new, empty database of the given kind."""
    with throwaway.database(kind, os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES), prefix="bench") as url:
        yield url


def postgres_reachable() -> bool:
    """Tell whether the PostgreSQL server of BENCH_DATABASE_URL answers."""
    try:
        import psycopg

        psycopg.connect(os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES), connect_timeout=2).close()
        return True
    except Exception:
        return False
