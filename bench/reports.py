"""Benchmark: the dashboard and report pages on city-sized data, on SQLite and PostgreSQL.

Run from the project root after `make setup`:

    .venv/bin/python bench/reports.py

It builds a fresh database (SQLite in a temporary folder; PostgreSQL next to BENCH_DATABASE_URL,
default postgresql://postgres@127.0.0.1:5432/test, skipped with a note if unreachable), runs
`seed-scale` (126 points, 10,000 students, about 100,000 bookings; its time is printed: target
under 2 minutes on SQLite), logs an organiser in, and requests each page five times. It prints
each page's SQL statement count and median time; the last line gives the worst of each (targets:
at most 20 statements and under 1 s per page on SQLite).
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from databases import database, postgres_reachable  # noqa: E402

RUNS = 5


def run(kind: str) -> dict:
    from sqlalchemy import event, select

    from portal import create_app
    from portal.accounts.models import User, UserRole
    from portal.campaigns.models import Campaign
    from portal.extensions import db
    from portal.seed_scale import SLUG, seed_scale

    with database(kind) as url:
        app = create_app({"ENVIRON": {"PORTAL_ENV": "development"}, "SQLALCHEMY_DATABASE_URI": url,
                          "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                          "WTF_CSRF_ENABLED": False, "REQUIRE_ADMIN_2FA": False})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            started = time.perf_counter()
            seed_scale()
            seeding = time.perf_counter() - started
            from werkzeug.security import generate_password_hash

            from portal.core import clock

            admin = User(email="bench-admin@example.org", full_name="Quản Trị Viên", email_verified_at=clock.now(),
                         password_hash=generate_password_hash("bench password", method="pbkdf2:sha256:1000"))
            admin.roles.append(UserRole(role="admin"))
            db.session.add(admin)
            db.session.commit()
            campaign = db.session.scalar(select(Campaign).where(Campaign.slug == SLUG))
            campaign_id = campaign.id
            whole = f"start={campaign.start_date:%d/%m/%Y}&end={campaign.end_date:%d/%m/%Y}"
            engine = db.engine
        client = app.test_client()
        login = {"email": "bench-admin@example.org", "password": "bench password"}
        assert client.post("/login", data=login).status_code == 303
        pages = {
            "dashboard (30 days)": f"/reports/?campaign={campaign_id}",
            "dashboard (60 days)": f"/reports/?campaign={campaign_id}&{whole}",
            "weekly report": f"/reports/week?campaign={campaign_id}",
            "monthly report": f"/reports/month?campaign={campaign_id}",
            "monthly report (XLSX)": f"/reports/month.xlsx?campaign={campaign_id}",
            "staffing": "/reports/staffing",
        }
        results = {}
        counter = {"n": 0}

        def count(*args, **kwargs):
            counter["n"] += 1

        event.listen(engine, "before_cursor_execute", count)
        for name, path in pages.items():
            timings, statements = [], []
            for _ in range(RUNS):
                counter["n"] = 0
                started = time.perf_counter()
                response = client.get(path)
                timings.append(time.perf_counter() - started)
                statements.append(counter["n"])
                assert response.status_code == 200, (name, response.status_code)
            results[name] = (max(statements), statistics.median(timings))
            print(f"{kind:>10} {name:<24} {max(statements):>3} statements, "
                  f"median {statistics.median(timings) * 1000:.0f} ms")
        event.remove(engine, "before_cursor_execute", count)
        with app.app_context():
            db.engine.dispose()
    return {"kind": kind, "seed_seconds": seeding, "pages": results}


def main() -> None:
    kinds = ["sqlite"] + (["postgresql"] if postgres_reachable() else [])
    if "postgresql" not in kinds:
        print("PostgreSQL not reachable: set BENCH_DATABASE_URL to include it")
    runs = [run(kind) for kind in kinds]
    for r in runs:
        print(f"{r['kind']:>10} seed-scale {r['seed_seconds']:.1f} s")
    sqlite = runs[0]
    worst_queries = max(q for r in runs for q, _ in r["pages"].values())
    worst_sqlite = max(t for _, t in sqlite["pages"].values())
    pg = f" postgresql_worst_ms={max(t for _, t in runs[1]['pages'].values()) * 1000:.0f}" if len(runs) > 1 else ""
    print(f"reports pages={len(sqlite['pages'])} max_statements={worst_queries} sqlite_worst_median_ms="
          f"{worst_sqlite * 1000:.0f}{pg} seed_scale_sqlite_s={sqlite['seed_seconds']:.1f}")


if __name__ == "__main__":
    main()
