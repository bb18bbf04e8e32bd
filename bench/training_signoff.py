"""Benchmark: bulk sign-off of N students in one request vs a baseline of one sign-off per student.

Run: `.venv/bin/python bench/training_signoff.py` (SQLite in a temporary folder) or with
`BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test` (a fresh database is created there).
The last line gives, for 10, 100 and 1,000 students, the SQL statements and the time of the bulk
request, and the ratios against the per-student baseline measured in the same run.
"""
from __future__ import annotations

import os
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from databases import database  # noqa: E402
from sqlalchemy import event  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402

SIZES = (10, 100, 1000)


@contextmanager
def counting(engine):
    """Count SQL statements inside the block."""
    box = {"n": 0}

    def before(*args, **kwargs):
        box["n"] += 1

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield box
    finally:
        event.remove(engine, "before_cursor_execute", before)


def populate(size: int):
    """A campaign with `size` enrolled students, an assigned trainer and two modules."""
    from datetime import date

    from portal.accounts.models import User, UserRole
    from portal.campaigns.models import Campaign, CampaignEnrolment, CampaignStaff
    from portal.training.models import TrainingModule

    tag = uuid.uuid4().hex[:6]
    campaign = Campaign(name=f"Bench {tag}", slug=f"bench-{tag}", start_date=date(2026, 1, 1),
                        end_date=date(2026, 2, 1), status="open")
    trainer = User(email=f"trainer-{tag}@example.org", full_name="Giảng Viên Thử", password_hash="x")
    trainer.roles.append(UserRole(role="trainer"))
    students = [User(email=f"s{i}-{tag}@example.org", full_name=f"Sinh Viên Thử {i}", password_hash="x")
                for i in range(size)]
    db.session.add_all([campaign, trainer, *students])
    db.session.flush()
    db.session.add(CampaignStaff(campaign_id=campaign.id, user_id=trainer.id, role="trainer"))
    db.session.add_all(CampaignEnrolment(campaign_id=campaign.id, user_id=s.id) for s in students)
    bulk = TrainingModule(campaign_id=campaign.id, title="Bulk", position=1)
    baseline = TrainingModule(campaign_id=campaign.id, title="Baseline", position=2)
    db.session.add_all([bulk, baseline])
    db.session.commit()
    return trainer, [s.id for s in students], bulk.id, baseline.id


def main() -> None:
    """Measure each size and print the figures."""
    figures = []
    with database("postgresql" if os.environ.get("BENCH_DATABASE_URL") else "sqlite") as url:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                          "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                          "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            engine = db.engine
        for size in SIZES:
            with app.app_context():  # requests below run in their own contexts, as in production
                trainer, ids, bulk_id, baseline_id = populate(size)
                login_id = trainer.get_id()
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = login_id
                session["_fresh"] = True
            with counting(engine) as queries:
                started = time.perf_counter()
                response = client.post(f"/training/modules/{bulk_id}/complete", data={"scope": "filter"})
                bulk_seconds = time.perf_counter() - started
            assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:3000])
            with counting(engine) as base_queries:
                started = time.perf_counter()
                for user_id in ids:  # the baseline: one request per student
                    client.post(f"/training/modules/{baseline_id}/complete", data={"user_id": user_id})
                base_seconds = time.perf_counter() - started
            figures.append((size, queries["n"], bulk_seconds, base_queries["n"], base_seconds))
            print(f"{size:>5} students: bulk {queries['n']} queries in {bulk_seconds * 1000:.0f} ms; "
                  f"one-by-one {base_queries['n']} queries in {base_seconds * 1000:.0f} ms")
    backend = "postgresql" if os.environ.get("BENCH_DATABASE_URL") else "sqlite"
    print(f"training_signoff [{backend}] " + "; ".join(
        f"n={n}: bulk {q} queries {t * 1000:.0f} ms, time ratio bulk/one-by-one {t / bt:.4f}, query ratio {q / bq:.4f}"
        for n, q, t, bq, bt in figures))


if __name__ == "__main__":
    main()
