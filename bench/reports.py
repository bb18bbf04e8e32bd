"""Benchmark: the dashboard and report pages on city-sized data, on SQLite and PostgreSQL.

Run from the project root after `make setup`:

    .venv/bin/python bench/reports.py

It builds a fresh database (SQLite in a temporary folder; PostgreSQL next to BENCH_DATABASE_URL,
default postgresql://postgres@127.0.0.1:5432/test, skipped with a note if unreachable), runs
`seed-scale` (126 points, 10,000 students, about 100,000 bookings; its time is printed: target
under 2 minutes on SQLite), logs an organiser in, and requests each page five times. It prints, per
database and page, the SQL statements, the median time and that median as a ratio to the bare
/livez route measured the same way in the same run (the baseline).

The last line: the worst page's median on each database (and its ratio to /livez) and the worst
statement count, with the targets: under 1 s per page on both databases, at most 20 statements.
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
TARGET_MS = 1000
TARGET_STATEMENTS = 20


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
                          "WTF_CSRF_ENABLED": False,
                          "REQUIRE_ADMIN_2FA": False})  # an organiser without two-factor may open the pages
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
            "livez": "/livez",  # the baseline
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
            median = statistics.median(timings)
            results[name] = (max(statements), median)
            print(f"{kind:>10} {name:<24} {max(statements):>3} statements, median {median * 1000:7.1f} ms "
                  f"= x{median / results['livez'][1]:.0f} /livez", flush=True)
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
    parts, worst_statements = [], 0
    for r in runs:
        pages = {name: figures for name, figures in r["pages"].items() if name != "livez"}
        worst = max(pages, key=lambda name: pages[name][1])
        worst_ms, base = pages[worst][1] * 1000, r["pages"]["livez"][1] * 1000
        parts.append(f"worst_{r['kind']}_ms={worst_ms:.0f} worst_{r['kind']}_x_livez={worst_ms / base:.0f}")
        worst_statements = max([worst_statements] + [statements for statements, _ in pages.values()])
    print(f"reports {' '.join(parts)} worst_statements={worst_statements} target_ms={TARGET_MS} "
          f"target_statements={TARGET_STATEMENTS} seed_scale_sqlite_s={runs[0]['seed_seconds']:.1f}")


if __name__ == "__main__":
    main()
