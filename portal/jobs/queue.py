"""The background job queue: huey, with a SQLite file by default and Redis in production.

A domain declares a job with `@queue.job(...)` (or `@queue.periodic(crontab(...))`) in its `tasks.py`;
calling the job enqueues it. The worker (`flask --app wsgi worker`, `make worker`; `make run` starts one
beside the web server) runs each job in its own app context. With JOBS_IMMEDIATE (the test default)
a job runs at once, in the caller's app context, and no worker is needed.
"""
from __future__ import annotations

import functools
import logging

import click
from flask import Flask, has_app_context
from flask.cli import with_appcontext
from huey import Huey
from huey.storage import RedisStorage, SqliteStorage

from portal.extensions import db

# In memory until init_app names the storage: importing a domain's jobs needs no configured app.
huey = Huey("donghanh", immediate=True, utc=True)
_app: Flask | None = None  # the app a worker's threads run jobs in (set by init_app in that process)


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


def job(**options):
    """Declare a background job (huey's task options: retries, retry_delay, retry_backoff, priority…)."""
    return lambda fn: huey.task(**options)(_in_app(fn))


def periodic(schedule, **options):
    """Declare a job the worker enqueues on a schedule (`huey.crontab`, read in UTC)."""
    return lambda fn: huey.periodic_task(schedule, **options)(_in_app(fn))


@click.command("worker")
@click.option("--threads", default=2, show_default=True, help="Jobs run at the same time by this worker.")
@with_appcontext
def worker_command(threads):
    """Run background jobs, and enqueue the periodic ones, until stopped (Ctrl+C or SIGTERM)."""
    if huey.immediate:
        raise click.ClickException("JOBS_IMMEDIATE is on: jobs run at once and no worker is needed.")
    # Huey logs each job's name and id as it runs (never its arguments) and every retry with its delay.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    huey.create_consumer(workers=threads, worker_type="thread", periodic=True, check_worker_health=True).run()
