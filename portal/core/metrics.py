"""What the portal is doing, for the organisers' monitoring: /healthz's checks and /metrics' figures.

Request counts and durations are counted in each worker process. Under gunicorn with several workers,
PROMETHEUS_MULTIPROC_DIR (a directory per server, emptied when the server starts) makes
prometheus_client keep them in shared memory-mapped files that /metrics adds up, so one scrape of a
server tells the truth about all its workers; Prometheus scrapes each server. Bookings and the job
queue are read from the database at scrape time, the same on every server.
"""
from __future__ import annotations

import hmac
import os
from datetime import timedelta

import redis
from flask import current_app
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select, text

from portal.core import clock
from portal.extensions import db
from portal.jobs.models import JOB_STATUSES, JobRun

disable_created_metrics()  # no *_created series: Prometheus needs none, and they double the output
# Our own registry: the request figures, in this process or (multiprocess mode) in the shared files.
REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter("portal_requests", "HTTP requests answered, by endpoint, method and status",
                   ["endpoint", "method", "status"], registry=REGISTRY)
DURATION = Histogram("portal_request_duration_seconds", "Time to answer a request, by endpoint", ["endpoint"],
                     buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=REGISTRY)
PENDING = ("queued", "retrying")  # waiting for a worker (retrying: waiting out its retry delay)
_redis_clients: dict[str, redis.Redis] = {}


def observe_request(endpoint: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request and its duration."""
    REQUESTS.labels(endpoint, method, str(status)).inc()
    DURATION.labels(endpoint).observe(seconds)


def token_matches(given: str | None) -> bool:
    """True when `given` is METRICS_TOKEN (compared in constant time); False when none is configured."""
    expected = current_app.config.get("METRICS_TOKEN") or ""
    return bool(expected) and hmac.compare_digest(expected.encode(), (given or "").encode())


def exposition() -> tuple[bytes, str]:
    """The Prometheus text: request figures (summed over this server's workers) and the database's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess  # lazy: only in multiprocess mode

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    figures = CollectorRegistry()
    figures.register(_DatabaseFigures())
    return generate_latest(registry) + generate_latest(figures), CONTENT_TYPE_LATEST


class _DatabaseFigures:
    """Bookings by status and the job queue, read at scrape time (shared truth across servers)."""

    def collect(self):
        bookings = db.metadata.tables["bookings"]  # shifts owns the model; core reads one count from its table
        by_status = db.session.execute(select(bookings.c.status, func.count()).group_by(bookings.c.status)).all()
        family = GaugeMetricFamily("portal_bookings", "Bookings in the database, by status", labels=["status"])
        for status, count in sorted(by_status):
            family.add_metric([status], count)
        yield family
        counts = dict(db.session.execute(select(JobRun.status, func.count()).group_by(JobRun.status)).all())
        jobs = GaugeMetricFamily("portal_jobs", "Job runs by status (queued and retrying ones are the queue)",
                                 labels=["status"])
        for status in JOB_STATUSES:
            jobs.add_metric([status], counts.get(status, 0))
        yield jobs
        yield GaugeMetricFamily("portal_job_queue_length", "Jobs waiting for a worker (queued or retrying)",
                                value=sum(counts.get(s, 0) for s in PENDING))
        yield GaugeMetricFamily("portal_job_queue_oldest_seconds", "How long the oldest queued job has waited",
                                value=oldest_queued_seconds())
        db.session.rollback()  # a read: end the transaction the counts opened


def oldest_queued_seconds() -> float:
    """Seconds the oldest job still waiting for a worker has waited (0 when none waits)."""
    oldest = db.session.scalar(select(func.min(JobRun.queued_at)).where(JobRun.status == "queued"))
    return 0.0 if oldest is None else max(0.0, (clock.now() - oldest).total_seconds())


def _check_database() -> dict:
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


def _redis_urls() -> list[str]:
    """The Redis servers this app uses: the rate limits' storage and the job queue, when they are Redis."""
    urls = (current_app.config.get("RATELIMIT_STORAGE_URI", ""), current_app.config.get("JOBS_URL", ""))
    return sorted({u for u in urls if u.startswith(("redis://", "rediss://"))})


def _check_redis() -> dict:
    urls = _redis_urls()
    if not urls:
        return {"status": "not configured"}
    for url in urls:
        client = _redis_clients.get(url)
        if client is None:  # one client (and connection pool) per URL and process, not a connection per check
            client = _redis_clients[url] = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    return {"status": "ok"}


def _check_queue() -> dict:
    limit = timedelta(minutes=current_app.config.get("HEALTH_QUEUE_MAX_MINUTES", 10))
    waited = oldest_queued_seconds()
    ok = waited <= limit.total_seconds()
    return {"status": "ok" if ok else "fail", "oldest_queued_seconds": round(waited)}


CHECKS = {"database": _check_database, "redis": _check_redis, "job_queue": _check_queue}


def health() -> tuple[dict, bool]:
    """Run every check; each answers ok, fail (with the error's class name only) or not configured."""
    results, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # any failure of a dependency is "unhealthy", named by its class only
            results[name] = {"status": "fail", "error": type(error).__name__}
        healthy = healthy and results[name]["status"] != "fail"
        db.session.remove()  # a failed statement leaves the session unusable; a read keeps nothing open
    return {"status": "ok" if healthy else "fail", "checks": results}, healthy
