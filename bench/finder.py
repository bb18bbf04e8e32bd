"""Benchmark: the students' shift finder and home page on city-sized data, on SQLite and PostgreSQL.

Run from the project root after `make setup`:

    .venv/bin/python bench/finder.py

It builds a fresh database (SQLite in a temporary folder; PostgreSQL next to BENCH_DATABASE_URL,
default postgresql://postgres@127.0.0.1:5432/test, skipped with a note if unreachable), runs
`seed-scale` (126 points, 60 days of 3 shifts a day ≈ 22,700 shifts, 10,000 students, about
100,000 bookings) and takes a typical student: enrolled and trained, with bookings this week, a phone
number and two preferred points. Logged in through the test client, it requests each page RUNS
times and prints, per page, the SQL statements, the HTML size (KB) and the median time; the bare
/livez route, measured the same way in the same run, is the baseline of the ratios. Targets for
the finder: under 20 statements and under 100 KB per page, on both databases.

The last line: for each database, the finder's and the home page's statements, KB and median ms,
and each median as a ratio to /livez.
"""
from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from databases import database, postgres_reachable  # noqa: E402

RUNS = 15
PASSWORD = "donghanh-scale-2025"


def typical_student():
    """A seeded student with bookings in the coming week; given a phone and two preferred points."""
    from sqlalchemy import func, select

    from portal.accounts.models import User
    from portal.campaigns.models import ServicePoint
    from portal.core import clock
    from portal.extensions import db
    from portal.shifts import preferences
    from portal.shifts.models import Booking, Shift

    user_id = db.session.scalar(
        select(Booking.user_id).join(Shift, Shift.id == Booking.shift_id).where(Shift.starts_at > clock.now())
        .group_by(Booking.user_id).order_by(func.count().desc(), Booking.user_id).limit(1))
    user = db.session.get(User, user_id)
    user.phone = "0912345678"
    db.session.commit()
    points = db.session.scalars(select(ServicePoint.id).order_by(ServicePoint.id).limit(2)).all()
    preferences.save(user, points)
    return user.email


def measure(client, counter, path: str) -> tuple[int, float, float]:
    """(statements, KB, median seconds) of RUNS requests of `path`."""
    timings, statements, size = [], [], 0
    for _ in range(RUNS):
        counter["n"] = 0
        started = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - started)
        statements.append(counter["n"])
        assert response.status_code == 200, (path, response.status_code)
        size = len(response.get_data())
    return max(statements), size / 1024, statistics.median(timings)


def run(kind: str) -> dict:
    from sqlalchemy import event

    from portal import create_app
    from portal.extensions import db
    from portal.seed_scale import seed_scale

    with database(kind) as url:
        app = create_app({"ENVIRON": {"PORTAL_ENV": "development"}, "SQLALCHEMY_DATABASE_URI": url,
                          "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            started = time.perf_counter()
            seed_scale(PASSWORD)
            seeding = time.perf_counter() - started
            email = typical_student()
            engine = db.engine
        client = app.test_client()
        assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 303
        counter = {"n": 0}

        def count(*args, **kwargs):
            counter["n"] += 1

        event.listen(engine, "before_cursor_execute", count)
        pages = {"livez": "/livez", "finder": "/shifts/", "finder (next week)": None, "home": "/"}
        results = {}
        for name, path in pages.items():
            if path is None:  # the next week's page, as its link gives it
                body = client.get("/shifts/").get_data(as_text=True)
                path = re.search(r'pager__link--next" href="([^"]+)"', body).group(1).replace("&amp;", "&")
            results[name] = measure(client, counter, path)
            statements, kb, median = results[name]
            print(f"{kind:>10} {name:<20} {statements:>3} statements, {kb:6.1f} KB, median {median * 1000:.1f} ms")
        event.remove(engine, "before_cursor_execute", count)
        with app.app_context():
            db.engine.dispose()
    return {"kind": kind, "seed_seconds": seeding, "pages": results}


def main() -> None:
    kinds = ["sqlite"] + (["postgresql"] if postgres_reachable() else [])
    if "postgresql" not in kinds:
        print("PostgreSQL not reachable: set BENCH_DATABASE_URL to include it")
    runs = [run(kind) for kind in kinds]
    parts = []
    for r in runs:
        base = r["pages"]["livez"][2]
        print(f"{r['kind']:>10} seed-scale {r['seed_seconds']:.1f} s, /livez median {base * 1000:.2f} ms")
        for name, key in (("finder", "finder"), ("finder_next", "finder (next week)"), ("home", "home")):
            statements, kb, median = r["pages"][key]
            parts.append(f"{r['kind']}_{name}={statements}q/{kb:.0f}KB/{median * 1000:.0f}ms/x{median / base:.0f}")
    print("finder " + " ".join(parts) + " (statements/KB/median/ratio to /livez)")


if __name__ == "__main__":
    main()
