"""Logs: one line per request and per job run, JSON in production and readable text elsewhere.

Everything goes through the standard logging module under the `portal` logger. A line names the
request id, the signed-in person's numeric id, the endpoint and its URL rule (never the path or the
query string, which may carry a token), the status, the duration and the SQL statements run. No form
data, email or name is ever logged.
"""
from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar

from flask import Flask, current_app, g, has_request_context, request
from huey import signals as huey_signals
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import event
from sqlalchemy.engine import Engine

from portal.core.errors_report import scrub_text

REQUEST_ID_HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
JSON_FIELDS = ["asctime", "levelname", "name", "message"]

request_log = logging.getLogger("portal.request")
job_log = logging.getLogger("portal.jobs")
# The statements run in the current request: a one-item list, so the cursor hook adds without a lookup.
_statements: ContextVar[list[int] | None] = ContextVar("portal_statements", default=None)


class RequestIdFilter(logging.Filter):
    """Give every record the current request's id (or "-"), so an error line names its request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class _StderrHandler(logging.StreamHandler):
    """Write to whatever sys.stderr is at the time (test runners and click swap it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


class _ScrubbedTraceback:
    """A traceback's text with emails, tokens, phone numbers and database row values taken out (an exception's
    message may quote them), as in error reports."""

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        return scrub_text(super().formatException(ei))


class _JsonFormatter(_ScrubbedTraceback, JsonFormatter):
    """One JSON object per line."""


class _TextFormatter(_ScrubbedTraceback, logging.Formatter):
    """Readable lines."""


def formatter(kind: str) -> logging.Formatter:
    """The formatter for LOG_FORMAT `kind`: "json" (one object per line) or "text"."""
    if kind == "json":
        return _JsonFormatter(JSON_FIELDS, rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                              datefmt="%Y-%m-%dT%H:%M:%S%z")
    return _TextFormatter(TEXT_FORMAT)


def log_format(app: Flask) -> str:
    """json in production, text in development and tests, unless LOG_FORMAT says otherwise."""
    return app.config.get("LOG_FORMAT") or ("json" if app.config["PORTAL_ENV"] == "production" else "text")


def configure(app: Flask) -> None:
    """Send the portal's (and libraries') records to stderr in this app's format; one handler per process.
    Under pytest (PORTAL_ENV=test, no LOG_FORMAT) pytest's own capture shows them instead."""
    from flask.logging import default_handler  # lazy: only the factory calls this, once per app

    logging.getLogger("portal").setLevel(logging.INFO)
    logging.getLogger("portal").removeHandler(default_handler)  # the root handler below speaks for it
    for logger in (logging.getLogger("portal"), request_log, job_log):
        logger.disabled = False  # Alembic's fileConfig (migrations run in this process) disables existing loggers
    root = logging.getLogger()
    handler = next((h for h in root.handlers if isinstance(h, _StderrHandler)), None)
    if app.config["PORTAL_ENV"] == "test" and not app.config.get("LOG_FORMAT"):
        return
    if handler is None:
        handler = _StderrHandler()
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    handler.setFormatter(formatter(log_format(app)))
    if app.config["PORTAL_ENV"] == "development":  # the dev server's "Running on http://..." (and its access lines)
        logging.getLogger("werkzeug").setLevel(logging.INFO)


def init_app(app: Flask) -> None:
    """Configure the output and time every request: first in, last out."""
    configure(app)
    app.log_exception = log_exception  # Flask's own names the path, which may carry a token
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)
    app.after_request_funcs.setdefault(None, []).insert(0, finish_request)


@event.listens_for(Engine, "before_cursor_execute")
def _count_statement(conn, cursor, statement, parameters, context, executemany):
    """Count each statement run in a request (any engine, any thread: the context variable knows which)."""
    box = _statements.get()
    if box is not None:
        box[0] += 1


def log_exception(exc_info) -> None:
    """An unhandled exception, named by its endpoint (not its path) with its scrubbed traceback."""
    current_app.logger.error("Exception on %s [%s]", request.endpoint or "none", request.method, exc_info=exc_info)


def request_id_of(incoming: str | None) -> str:
    """The proxy's X-Request-ID when it looks sane (at most 64 of A-Z a-z 0-9 . _ -), else a new one."""
    if incoming and SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def start_request() -> None:
    """before_request hook: note the start, the request id and a fresh statement count."""
    g.request_started = time.perf_counter()
    g.request_id = request_id_of(request.headers.get(REQUEST_ID_HEADER))
    g.statements = [0]
    _statements.set(g.statements)


def finish_request(response):
    """after_request hook: send the request id back, record the metrics and log the request's line."""
    from portal.core import metrics  # lazy: metrics reads the app's queue and database models

    started = g.get("request_started")
    if started is None:  # a response made before our hook ran (another hook answered first)
        return response
    seconds = time.perf_counter() - started
    response.headers[REQUEST_ID_HEADER] = g.request_id
    endpoint = request.endpoint or "none"
    metrics.observe_request(endpoint, request.method, response.status_code, seconds)
    if request_log.isEnabledFor(logging.INFO):
        user = g.get("_login_user")  # only if this request loaded it: reading current_user would load it
        fields = {"request_id": g.request_id, "user_id": getattr(user, "id", None), "endpoint": endpoint,
                  "rule": request.url_rule.rule if request.url_rule else None, "method": request.method,
                  "status": response.status_code, "duration_ms": round(seconds * 1000, 2),
                  "statements": g.statements[0]}
        request_log.info("%s %s %s %.1f ms, %d statements, user %s", request.method, endpoint,
                         response.status_code, fields["duration_ms"], fields["statements"], fields["user_id"],
                         extra=fields)
    return response


# The outcome a job run's last signal means, for its log line.
JOB_OUTCOMES = {
    huey_signals.SIGNAL_COMPLETE: "done",
    huey_signals.SIGNAL_ERROR: "failed",
    huey_signals.SIGNAL_TIMEOUT: "timed out",
    huey_signals.SIGNAL_CANCELED: "cancelled",
    huey_signals.SIGNAL_INTERRUPTED: "interrupted",
    huey_signals.SIGNAL_LOCKED: "locked",
    huey_signals.SIGNAL_RATE_LIMITED: "rate limited",
}
_job_started: dict[str, float] = {}


def job_signal(signal, task, exc=None) -> None:
    """huey signal handler: one line per job run (name, task id, outcome, duration, retries left);
    never the arguments (ids, but kept out of logs all the same) nor the error's text."""
    if signal == huey_signals.SIGNAL_EXECUTING:
        _job_started[task.id] = time.perf_counter()
        return
    outcome = JOB_OUTCOMES.get(signal)
    if outcome is None:
        return
    started = _job_started.pop(task.id, None)
    name = f"{type(task).__module__}.{type(task).__name__}"
    retries_left = task.retries
    if outcome == "failed" and task.retries:  # huey takes the retry off after this signal
        outcome, retries_left = "failed, will retry", task.retries - 1
    fields = {"task": name, "task_id": task.id, "status": outcome, "retries_left": retries_left,
              "duration_ms": None if started is None else round((time.perf_counter() - started) * 1000, 2),
              "error": type(exc).__name__ if exc is not None else None}
    level = logging.WARNING if exc is not None else logging.INFO
    job_log.log(level, "job %s %s %s in %s ms, %d retries left", name, task.id, outcome, fields["duration_ms"],
                retries_left, extra=fields)
