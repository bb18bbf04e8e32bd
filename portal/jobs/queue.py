"""The background job queue: huey, with a SQLite file by default and Redis in production.

A domain declares a job with `@queue.job(label, ...)` (or `@queue.periodic(label, crontab(...), when)`)
in its `tasks.py`; calling the job enqueues it, and huey's signals record each run in `job_runs`. The
worker (`flask --app wsgi worker`, `make worker`; `make run` starts one beside the web server) runs each
job in its own app context. With JOBS_IMMEDIATE (the test default) a job runs at once, in the caller's
app context, and no worker is needed.
"""
from __future__ import annotations

import functools
import logging
from contextlib import nullcontext
from datetime import timedelta

import click
from flask import Flask, has_app_context
from flask.cli import with_appcontext
from huey import Huey
from huey import signals as huey_signals
from huey.storage import RedisStorage, SqliteStorage
from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError

from portal.core import clock, logs
from portal.extensions import db
from portal.jobs.models import JobPeriod, JobRun

# In memory until init_app names the storage: importing a domain's jobs needs no configured app.
huey = Huey("donghanh", results=False, immediate=True, utc=True)  # results unread: none kept in Redis
_app: Flask | None = None  # the app a worker's threads run jobs in (set by init_app in that process)
# Every job by its queue name: its task (to enqueue it again) and its label; and the periodic ones' schedules.
JOBS: dict[str, tuple[object, object]] = {}
SCHEDULES: dict[str, object] = {}
KEEP_RUNS_DAYS = 14


def init_app(app: Flask) -> None:
    """Point the queue at the configured storage and add the worker command."""
    global _app
    _app = app
    immediate = app.config["JOBS_IMMEDIATE"]
    if not immediate:
        url = app.config["JOBS_URL"]
        if url.startswith(("redis://", "rediss://")):
            huey.storage_class, huey.storage_kwargs = RedisStorage, {"url": url}
        elif url.startswith("sqlite:///"):
            huey.storage_class, huey.storage_kwargs = SqliteStorage, {"filename": url[len("sqlite:///"):]}
        else:
            raise ValueError("JOBS_URL must be sqlite:///path or redis://host:port/db")
    huey.immediate = immediate  # switching mode makes new storage (memory for immediate)
    if not immediate:
        huey.storage = huey.create_storage()  # this app's queue, whatever an earlier app in the process used
    app.cli.add_command(worker_command)


def _in_app(fn):
    """Run `fn` in the caller's app context, or in a fresh one of the worker's app (its session removed after)."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        if has_app_context():
            return fn(*args, **kwargs)
        with _app.app_context():
            try:
                return fn(*args, **kwargs)
            finally:
                db.session.remove()
    return run


def _name(task_class) -> str:
    """A job's queue name, as huey's registry spells it: module.function."""
    return f"{task_class.__module__}.{task_class.__name__}"


def name_of(task) -> str:
    """The queue name of a declared job (as `job_runs.name` holds it)."""
    return _name(task.task_class)


def job(label, **options):
    """Declare a background job shown as `label` (huey's task options: retries, retry_delay, retry_backoff…).
    Its arguments are ids or plain values, never personal data: they are kept with its runs."""
    def declare(fn):
        task = huey.task(**options)(_in_app(fn))
        JOBS[_name(task.task_class)] = (task, label)
        return task
    return declare


def periodic(label, schedule, when, **options):
    """Declare a job the worker enqueues on `schedule` (`huey.crontab`, in UTC); `when` says it in words."""
    def declare(fn):
        task = huey.periodic_task(schedule, **options)(_in_app(fn))
        name = _name(task.task_class)
        JOBS[name], SCHEDULES[name] = (task, label), when
        return task
    return declare


def run_again(run: JobRun) -> None:
    """Enqueue a failed run's job again with the same arguments (a new run)."""
    task, _label = JOBS[run.name]
    task(*(run.args or ()))


huey.signal()(logs.job_signal)  # one log line per run: name, id, outcome, duration, retries left


@huey.signal()
def _track(signal, task, exc=None):
    """Record what became of each job in job_runs, on its own connection: the caller's transaction may
    roll back, and in a worker there is none."""
    name = _name(type(task))
    if _app is None or name not in JOBS:
        return
    table, now = JobRun.__table__, clock.now()
    mine = table.c.task_id == task.id
    change = {
        huey_signals.SIGNAL_ENQUEUED: insert(table).values(task_id=task.id, name=name, args=list(task.args or ()),
                                                           status="queued", attempts=0, queued_at=now),
        huey_signals.SIGNAL_EXECUTING: update(table).where(mine).values(status="running", started_at=now,
                                                                        attempts=table.c.attempts + 1),
        huey_signals.SIGNAL_COMPLETE: update(table).where(mine).values(status="done", finished_at=now, error=None),
        huey_signals.SIGNAL_ERROR: update(table).where(mine).values(status="failed", finished_at=now,
                                                                    error=str(exc)[:500]),
        huey_signals.SIGNAL_RETRYING: update(table).where(mine).values(status="retrying", finished_at=None),
    }.get(signal)
    if change is None:
        return
    with nullcontext() if has_app_context() else _app.app_context(), db.engine.begin() as connection:
        connection.execute(change)


def claim_period(name: str, period: str) -> bool:
    """Claim a periodic duty for one period in the caller's transaction (its first write): False when it
    was already done, or another worker holds it now (the unique pair waits for, then refuses, the second)."""
    try:
        with db.session.begin_nested():
            db.session.add(JobPeriod(name=name, period=period))
    except IntegrityError:
        return False
    return True


def prune_runs() -> int:
    """Forget finished runs older than KEEP_RUNS_DAYS (failed ones too: their error was on the page for two weeks)."""
    cutoff = clock.now() - timedelta(days=KEEP_RUNS_DAYS)
    done = db.session.execute(delete(JobRun).where(JobRun.finished_at < cutoff))
    db.session.commit()
    return done.rowcount


@click.command("worker")
@click.option("--threads", default=2, show_default=True, help="Jobs run at the same time by this worker.")
@with_appcontext
def worker_command(threads):
    """Run background jobs, and enqueue the periodic ones, until stopped (Ctrl+C or SIGTERM)."""
    if huey.immediate:
        raise click.ClickException("JOBS_IMMEDIATE is on: jobs run at once and no worker is needed.")
    # Huey logs each job's name and id as it runs (never its arguments) and every retry with its delay,
    # through the app's log handler (core/logs.py: JSON in production), or a plain one without it.
    logging.getLogger("huey").setLevel(logging.INFO)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # An idle worker looks for work at least every 2 s (huey's default backs off to 10 s): a confirmed
    # issuing run or a reminder answer should not wait long; one cheap read per poll.
    huey.create_consumer(workers=threads, worker_type="thread", periodic=True, check_worker_health=True,
                         max_delay=2.0).run()
