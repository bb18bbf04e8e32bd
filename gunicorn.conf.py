"""gunicorn's settings for the portal: `gunicorn -c gunicorn.conf.py wsgi:app`.

gunicorn also reads this file by itself when started from the project root, so the benchmarks and the
browser journeys run with it too; their command-line flags (-w, -k, --threads, -b) win over it.
Every value can be changed from the environment (GUNICORN_*, WEB_CONCURRENCY, PROXY_COUNT).
"""
from __future__ import annotations

import os
import re

from gunicorn.glogging import Logger


def _cores() -> int:
    """The cores this process may run on (a container's cpuset included)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _int(name: str, default: int) -> int:
    """An integer from the environment."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Sync workers, one per core (at least two): bench/booking_rush.py found threaded and gevent workers
# book at 0.7-1.0 x the sync workers' rate on two cores, whose CPU two sync workers already fill.
# WEB_CONCURRENCY is also what production_problems() reads to allow in-memory rate limits for one worker.
workers = _int("WEB_CONCURRENCY", max(2, _cores()))
worker_class = "sync"
# GUNICORN_THREADS above 1 turns the sync workers into gthread ones; keep DATABASE_POOL_SIZE >= threads.
threads = _int("GUNICORN_THREADS", 1)
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
backlog = _int("GUNICORN_BACKLOG", 2048)

# A request slower than this is killed (its worker restarted): the slowest pages (a report's PDF) take ~2 s.
timeout = _int("GUNICORN_TIMEOUT", 60)
# On SIGTERM or SIGHUP (a deploy), workers finish the requests they hold for up to this long.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Behind nginx's keep-alive upstream (threaded workers only: sync workers close each connection).
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Each worker is replaced after about this many requests (a slow leak never grows for long); the
# jitter keeps the workers from restarting at the same moment.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)
# Heartbeat files in memory: a container's /tmp may sit on a slow overlay disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# No control socket (gunicornc): several servers on one machine would share its default path.
control_socket_disable = True
proc_name = "donghanh"

# Forwarded headers: the app's ProxyFix trusts PROXY_COUNT proxies (portal/config.py); gunicorn then
# takes the scheme (X-Forwarded-Proto) from any peer, because only the proxy can reach it. With
# PROXY_COUNT=0 it trusts no one, like the app. FORWARDED_ALLOW_IPS narrows it to the proxies' addresses.
_proxies = _int("PROXY_COUNT", 0)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or ("*" if _proxies else "")

# Logs on stdout/stderr, for journald or the container runtime. GUNICORN_ACCESSLOG=off turns the
# access log off (the app's own request log may be enough), or names a file.
_access = os.environ.get("GUNICORN_ACCESSLOG", "-")
accesslog = None if _access.lower() in {"", "off", "0", "false", "no"} else _access
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-")
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Client (after ProxyFix), method, path without its query, status, bytes, duration in ms, the request id
# the app sends back (X-Request-ID), user agent. %(h)s is the visitor's address once ProxyFix ran.
access_log_format = ('%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s "%(a)s"')

# A path segment that is a secret: an itsdangerous token (payload.time.signature) or a random one
# (secrets.token_urlsafe: 32 characters or more mixing capitals, small letters and digits).
_TOKEN = re.compile(r"^(?:[\w-]+\.[\w-]+\.[\w.-]+|(?=[^.]*[A-Z])(?=[^.]*[a-z])(?=[^.]*[0-9])[\w-]{32,}(?:\.\w+)?)$")


def redact(path: str) -> str:
    """The path with its token segments (password reset, invitation, calendar feed…) replaced by '…'."""
    if not path or path.startswith("/static/"):
        return path or ""
    return "/".join("…" if len(part) >= 20 and _TOKEN.match(part) else part for part in path.split("/"))


class PortalLogger(Logger):
    """gunicorn's logger, with the secrets in addresses kept out of the access log."""

    def atoms(self, resp, req, environ, request_time):
        """The usual atoms, with the path redacted (the query string is never logged)."""
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact(atoms["U"])
        atoms["r"] = f"{atoms['m']} {atoms['U']} {atoms['H']}"
        return atoms


logger_class = PortalLogger


# /metrics with several workers (portal/core/metrics.py): prometheus_client keeps each worker's figures
# in files under PROMETHEUS_MULTIPROC_DIR. A server starts from an empty folder (figures of an earlier
# run would be added in), and a worker that exits has its live gauges dropped.
_METRICS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def on_starting(server):
    """Empty the metrics folder before the first worker starts."""
    if _METRICS_DIR:
        os.makedirs(_METRICS_DIR, exist_ok=True)
        for name in os.listdir(_METRICS_DIR):
            if name.endswith(".db"):
                os.remove(os.path.join(_METRICS_DIR, name))


def child_exit(server, worker):
    """Forget an exited worker's live figures."""
    if _METRICS_DIR:
        from prometheus_client import multiprocess  # lazy: only in multiprocess mode

        multiprocess.mark_process_dead(worker.pid)
