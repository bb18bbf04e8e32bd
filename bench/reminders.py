"""Benchmark: one evening's reminders on city-sized data, on SQLite with one worker (the immediate queue).

Run from the project root after `make setup`:

    .venv/bin/python bench/reminders.py

It builds a fresh SQLite database, runs `seed-scale` (126 points, 10,000 students, about 100,000
bookings), then, as if it were 19:05 in Hanoi today, plans and sends the evening-before reminders of
tomorrow's shifts (about 1,700 bookings), and runs the job a second time at the same moment. The
baseline, measured in the same run, is the bare cost of the notices themselves: notify() called in a loop
for as many bookings of the day after (students loaded beforehand, the tiny test template). The last
line gives the reminders sent, the seconds (target under 60), the SQL statements (all, and the planner's
own, without notify()'s per-notice work), the ratios against the baseline, and the duplicates the
second run made (must be 0).
"""
from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from databases import database  # noqa: E402

NOTIFY_TABLES = ("notification", "outbox_messages", "push_subscriptions", "SAVEPOINT", "RELEASE")


class Counter:
    """SQL statements seen on the engine while counting."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, *args, **kwargs):
        self.statements.append(statement)

    def planner_only(self) -> int:
        """Statements that are not notify()'s own work for one notice."""
        return sum(1 for s in self.statements if not any(word in s for word in NOTIFY_TABLES))


def counted(engine, work):
    """Run `work()`; return its result, seconds and statements."""
    from sqlalchemy import event

    counter = Counter()
    event.listen(engine, "before_cursor_execute", counter)
    started = time.perf_counter()
    try:
        result = work()
    finally:
        seconds = time.perf_counter() - started
        event.remove(engine, "before_cursor_execute", counter)
    return result, seconds, counter


def baseline(at: datetime) -> int:
    """notify() alone for the bookings of the day after tomorrow: the irreducible cost of as many notices."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from portal.extensions import db
    from portal.notifications import services as notifications
    from portal.shifts.models import Booking, Shift

    start = at + timedelta(days=1, hours=5)
    bookings = db.session.scalars(select(Booking).options(selectinload(Booking.user)).join(Shift).where(
        Shift.starts_at >= start, Shift.starts_at < start + timedelta(days=1), Booking.status == "booked")).all()
    for booking in bookings:
        notifications.notify(booking.user, "bench", f"bench:booking:{booking.id}", "test_notice", message="Nhắc ca")
    db.session.commit()
    return len(bookings)


def main() -> None:
    from sqlalchemy import func, select

    from portal import create_app
    from portal.core import clock
    from portal.core.clock import LOCAL_TZ
    from portal.extensions import db
    from portal.notifications.models import Notification
    from portal.reminders import planner
    from portal.seed_scale import seed_scale

    with tempfile.TemporaryDirectory(), database("sqlite") as url:
        app = create_app({"ENVIRON": {"PORTAL_ENV": "development"}, "SQLALCHEMY_DATABASE_URI": url,
                          "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                          "JOBS_IMMEDIATE": True, "BASE_URL": "http://portal.bench"})
        with app.app_context(), app.test_request_context():
            from flask_migrate import upgrade

            upgrade()
            started = time.perf_counter()
            seed_scale()
            seeding = time.perf_counter() - started
            print(f"seed-scale {seeding:.1f} s")
            at = datetime.combine(clock.local_today(), datetime.min.time().replace(hour=19, minute=5), LOCAL_TZ)
            engine = db.engine
            base_count, base_seconds, base_counter = counted(engine, lambda: baseline(at))
            print(f"baseline: {base_count} notices in {base_seconds:.1f} s, {len(base_counter.statements)} statements")
            run, seconds, counter = counted(engine, lambda: planner.send_due(at))
            print(f"reminders: {run.total} sent in {seconds:.1f} s, {len(counter.statements)} statements, "
                  f"{counter.planner_only()} of them the planner's own")
            again, again_seconds, again_counter = counted(engine, lambda: planner.send_due(at))
            rows = db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == "reminder-evening"))
            duplicates = again.total + (rows - run.total)
            print(f"second run: {again.total} sent, {again.already} already sent, {again_seconds:.1f} s, "
                  f"{len(again_counter.statements)} statements")
        with app.app_context():
            db.engine.dispose()
    per_reminder = len(counter.statements) / max(run.total, 1)
    per_notice = len(base_counter.statements) / max(base_count, 1)
    seconds_ratio = (seconds / max(run.total, 1)) / (base_seconds / max(base_count, 1))
    print(f"reminders sent={run.total} seconds={seconds:.1f} target_s=60 statements={len(counter.statements)} "
          f"planner_statements={counter.planner_only()} statements_per_reminder={per_reminder:.2f} "
          f"baseline_statements_per_notice={per_notice:.2f} statements_ratio_vs_notify={per_reminder / per_notice:.3f} "
          f"seconds_per_reminder_ratio_vs_notify={seconds_ratio:.3f} second_run_duplicates={duplicates} "
          f"second_run_seconds={again_seconds:.1f} second_run_statements={len(again_counter.statements)} "
          f"seed_scale_sqlite_s={seeding:.1f}")


if __name__ == "__main__":
    main()
