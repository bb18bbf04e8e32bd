"""Benchmark: personal data rights on city-sized data (SQLite).

Run from the project root after `make setup`:

    .venv/bin/python bench/privacy.py

It builds a fresh SQLite database, runs `seed-scale` (126 points, 10,000 students, about 100,000
bookings), then measures:

- export: `privacy.export.build` for the largest account (the student with the most bookings),
  the ZIP stored in data_exports (target under 10 s);
- erase: erasing 1,000 students at once (the erasure engineer's part, `measure_erase` below).

The last line gives both figures in seconds.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from databases import database  # noqa: E402


def largest_account():
    """The student with the most bookings in the seeded city."""
    from sqlalchemy import func, select

    from portal.accounts.models import User
    from portal.extensions import db
    from portal.shifts.models import Booking

    user_id = db.session.scalar(select(Booking.user_id).group_by(Booking.user_id)
                                .order_by(func.count().desc(), Booking.user_id).limit(1))
    return db.session.get(User, user_id)


def measure_export() -> tuple[float, dict]:
    """Seconds to build and store the largest account's export, and what it held."""
    from portal.privacy import export

    user = largest_account()
    started = time.perf_counter()
    record = export.build(user)
    seconds = time.perf_counter() - started
    rows = sum(n for _, n in export.counts(user))
    return seconds, {"user_id": user.id, "records": rows, "zip_bytes": record.size_bytes}


# --- erasure: the erasure engineer's measurement ----------------------------------------------
def erase_candidates(count: int = 1000) -> list[int]:
    """`count` seeded students with bookings, the busiest first (the most rows to keep and redact)."""
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.shifts.models import Booking

    return list(db.session.scalars(select(Booking.user_id).group_by(Booking.user_id)
                                   .order_by(func.count().desc(), Booking.user_id).limit(count)))


def measure_erase() -> float | None:
    """Seconds to erase 1,000 seeded students at once (`erasure.erase_many`, one transaction per
    batch of 500), checking afterwards that the bookings are all still there."""
    from sqlalchemy import func, select

    from portal.accounts.models import User
    from portal.extensions import db
    from portal.privacy import erasure
    from portal.shifts.models import Booking

    ids = erase_candidates(1000)
    bookings = db.session.scalar(select(func.count()).select_from(Booking))
    started = time.perf_counter()
    erased = erasure.erase_many(ids, reason="request")
    seconds = time.perf_counter() - started
    assert erased == len(ids) == 1000, erased
    assert db.session.scalar(select(func.count()).select_from(Booking)) == bookings
    assert db.session.scalar(select(func.count()).select_from(User).where(User.erased_at.is_not(None))) >= 1000
    print(f"erase 1,000 students ({bookings:,} bookings kept): {seconds:.2f} s")
    return seconds


def main() -> None:
    from portal import create_app
    from portal.seed_scale import seed_scale

    with database("sqlite") as url:
        app = create_app({"ENVIRON": {"PORTAL_ENV": "development"}, "SQLALCHEMY_DATABASE_URI": url,
                          "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        with app.app_context(), app.test_request_context():
            from flask_migrate import upgrade

            upgrade()
            started = time.perf_counter()
            seed_scale()
            print(f"seed-scale: {time.perf_counter() - started:.1f} s")
            export_seconds, held = measure_export()
            print(f"export of the largest account (user {held['user_id']}, {held['records']} records, "
                  f"{held['zip_bytes']:,} bytes zipped): {export_seconds:.2f} s")
            erase_seconds = measure_erase()
            erase_text = f"{erase_seconds:.2f} s" if erase_seconds is not None else "not measured yet"
            print(f"export largest account: {export_seconds:.2f} s (target < 10 s); "
                  f"erase 1,000 students: {erase_text} (target < 10 s)")


if __name__ == "__main__":
    main()
