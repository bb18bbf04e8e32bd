"""Two app servers and two job workers sharing one fresh PostgreSQL database and one Redis database.

The servers run as in production (bench/booking_rush.py's settings: PORTAL_ENV=production, a signing
key file, a cheap password hash, plain HTTP on loopback), with rate limits on, counted in Redis, and
one proxy trusted (PROXY_COUNT=1), so that each simulated student comes from an address of its own.
"""
from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.booking_rush import PASSWORD, Student, env_for, free_port, tomorrows_shifts, wait_for  # noqa: E402

SERVER_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("SERVERS_REDIS_URL", "redis://127.0.0.1:6379/13")
STUDENTS, SHIFTS, SEATS = 200, 4, 5  # 20 seats for 200 students
ORGANISERS = 2
LOGIN_LIMIT = "5 per minute"
CSRF_FIELD = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')
CSRF_HEADER = re.compile(rb'"X-CSRFToken": "([^"]+)"')


def unreachable() -> list[str]:
    """What of PostgreSQL and Redis does not answer, a line each."""
    import psycopg
    import redis

    missing = []
    try:
        psycopg.connect(SERVER_DATABASE_URL, connect_timeout=2).close()
    except Exception as error:  # any failure means the same: no server to test against
        missing.append(f"PostgreSQL at {SERVER_DATABASE_URL.split('@')[-1]} ({type(error).__name__})")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:
        missing.append(f"Redis at {REDIS_URL} ({type(error).__name__})")
    return missing


def student_email(i: int) -> str:
    return f"s{i}@example.org"


def address(i: int) -> str:
    """A student's own address, as the trusted proxy reports it."""
    return f"10.21.{i // 250}.{i % 250 + 1}"


@dataclass
class Cluster:
    """The running processes, their ports and settings, and what was seeded."""

    url: str
    env: dict
    logs: Path
    ports: list[int] = field(default_factory=list)
    processes: dict = field(default_factory=dict)
    shift_ids: list[int] = field(default_factory=list)

    def tail(self, lines: int = 15) -> str:
        """The end of every process's log, for a failure's message."""
        parts = []
        for log in sorted(self.logs.glob("*.log")):
            parts.append(f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-lines:]))
        return "\n".join(parts)

    def start(self) -> None:
        """Two gunicorn servers (2 sync workers each) and two job workers (2 threads each); wait for all four."""
        for name in ("a", "b"):
            port = free_port()
            self.ports.append(port)
            self._spawn(f"server-{name}", [str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
                                           "--log-level", "warning", "wsgi:app"])
        for name in ("1", "2"):
            self._spawn(f"worker-{name}", [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "worker", "--threads", "2"])
        for name, port in zip(("a", "b"), self.ports, strict=True):
            wait_for(port, self.processes[f"server-{name}"])
        deadline = time.monotonic() + 30
        for name in ("worker-1", "worker-2"):
            log = self.logs / f"{name}.log"
            while "consumer started" not in log.read_text(errors="replace"):
                assert self.processes[name].poll() is None and time.monotonic() < deadline, self.tail()
                time.sleep(0.1)

    def _spawn(self, name: str, command: list[str]) -> None:
        with open(self.logs / f"{name}.log", "wb") as log:
            self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log,
                                                    stderr=subprocess.STDOUT)

    def stop(self) -> None:
        """SIGTERM to each process this cluster started, then wait; kill what does not stop."""
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def settings(url: str) -> dict:
    """Production settings shared by both servers and both workers."""
    return {**env_for(url), "RATELIMIT_ENABLED": "true", "RATELIMIT_STORAGE_URI": REDIS_URL, "JOBS_URL": REDIS_URL,
            "RATELIMIT_LOGIN": LOGIN_LIMIT, "PROXY_COUNT": "1", "MAIL_SERVER": "", "WEB_CONCURRENCY": "2"}


def seed(url: str, env: dict) -> list[int]:
    """Migrate; add the students, two organisers, an open campaign that ran last week too, and its
    shifts tomorrow; return the shift ids."""
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from portal import create_app
    from portal.accounts.models import User, UserRole
    from portal.campaigns.models import Branch, Campaign, CampaignEnrolment, ServicePoint
    from portal.core import clock
    from portal.extensions import db

    app = create_app({"ENVIRON": env, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        today = clock.local_today()
        campaign = Campaign(name="Hai máy chủ", slug="two-servers", start_date=today - timedelta(days=30),
                            end_date=today + timedelta(days=30), status="open")
        point = ServicePoint(branch=Branch(name="Chi nhánh thử"), name="Điểm thử", ward="Phường thử",
                             address="1 Phố thử")
        password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        people = []
        for role, prefix, count in (("student", "s", STUDENTS + 10), ("admin", "organiser", ORGANISERS)):
            for i in range(count):
                user = User(email=f"{prefix}{i}@example.org", full_name=f"Người Thử {prefix} {i}",
                            password_hash=password_hash, phone=f"09{len(people):08d}", email_verified_at=clock.now())
                user.roles.append(UserRole(role=role))
                people.append(user)
        db.session.add_all([campaign, point, *people])
        db.session.flush()
        db.session.add_all(CampaignEnrolment(campaign_id=campaign.id, user_id=u.id) for u in people
                           if u.email.startswith("s"))
        shifts = tomorrows_shifts(campaign, point, SHIFTS, SEATS)
        db.session.add_all(shifts)
        db.session.commit()
        ids = [s.id for s in shifts]
        db.engine.dispose()
    return ids


@contextlib.contextmanager
def running_cluster():
    """A fresh database, Redis db flushed, both servers and both workers running; all stopped and dropped after."""
    import redis

    from portal import throwaway

    with throwaway.database("postgresql", SERVER_DATABASE_URL, prefix="servers") as url, \
            tempfile.TemporaryDirectory(prefix="servers-logs-") as logs:
        env = settings(url)
        shift_ids = seed(url, env)
        redis.Redis.from_url(REDIS_URL).flushdb()
        cluster = Cluster(url=url, env=env, logs=Path(logs), shift_ids=shift_ids)
        try:
            cluster.start()
            yield cluster
        finally:
            cluster.stop()
            redis.Redis.from_url(REDIS_URL).flushdb()


async def login(student: Student, port: int, ip: str) -> None:
    """Sign `student` in on the server at `port`, from `ip`, and keep the page's CSRF token."""
    headers = {"X-Forwarded-For": ip}
    _, page = await student.request(port, "GET", "/login", headers=headers)
    form = urlencode({"csrf_token": CSRF_FIELD.search(page).group(1).decode(), "email": student.email,
                      "password": PASSWORD})
    status, _ = await student.request(port, "POST", "/login", form, headers)
    assert status == 303, status
    _, page = await student.request(port, "GET", "/shifts/mine", headers=headers)
    student.token = CSRF_HEADER.search(page).group(1).decode()
