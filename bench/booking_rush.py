"""Benchmark: a booking rush over HTTP against gunicorn, on SQLite and PostgreSQL.

Run from the project root after `make test` (or any `make` target that built .venv):

    .venv/bin/python bench/booking_rush.py

It creates a fresh database (SQLite in a temporary folder; PostgreSQL next to BENCH_DATABASE_URL,
default postgresql://postgres@127.0.0.1:5432/test, skipped with a note if unreachable), seeds
1,000 enrolled students and 10 shifts of 10 seats, starts gunicorn on loopback with sync workers
and then with threaded workers (2 x 16 threads), logs every student in over HTTP (real session
cookies and CSRF tokens), and fires 1,000 booking requests with 100 in flight. It then checks the
database: no shift over capacity, and every accepted booking stored. The last line reports the
worst run: bookings accepted, overbooked seats, lost bookings, requests per second as a ratio to
the app's bare /livez route measured the same way in the same run, and p50/p99 latency.
"""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from databases import database, postgres_reachable  # noqa: E402

STUDENTS, SHIFTS, SEATS, IN_FLIGHT = 1000, 10, 10, 100
PASSWORD = "bench password 2026"
MODES = {"sync": ["-w", "2"], "gthread": ["-k", "gthread", "-w", "2", "--threads", "16"]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _signing_key_file() -> str:
    """A throw-away Ed25519 key, readable by its owner only, as production insists."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = Path(tempfile.mkdtemp(prefix="bench-key-")) / "key.pem"
    path.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    path.chmod(0o600)
    return str(path)


def env_for(url: str) -> dict:
    """Production settings on loopback: plain HTTP allowed, rate limits off (the rush comes from one address)."""
    key_file = os.environ.get("CERT_SIGNING_KEY_FILE") or _signing_key_file()
    return {**os.environ, "DATABASE_URL": url, "PORTAL_ENV": "production", "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "RATELIMIT_ENABLED": "false", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "BASE_URL": "http://127.0.0.1",
            "ALLOW_HTTP": "1", "CERT_SIGNING_KEY_FILE": key_file}


def prepare(url: str) -> list[int]:
    """Migrate and seed; return the shift ids."""
    os.environ.update(env_for(url))
    from werkzeug.security import generate_password_hash

    from portal import create_app
    from portal.accounts.models import User, UserRole
    from portal.campaigns.models import Branch, Campaign, CampaignEnrolment, ServicePoint
    from portal.core import clock
    from portal.extensions import db
    from portal.shifts.models import Shift

    app = create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1)})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        today = clock.local_today()
        campaign = Campaign(name="Rush", slug="rush", start_date=today, end_date=today + timedelta(days=30),
                            status="open", max_shifts_per_week=5)
        branch = Branch(name="Chi nhánh thử")
        point = ServicePoint(branch=branch, name="Điểm thử", ward="Phường thử", address="1 Phố thử")
        password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        students = []
        for i in range(STUDENTS):
            user = User(email=f"s{i}@example.org", full_name=f"Sinh Viên {i}", password_hash=password_hash,
                        email_verified_at=clock.now())
            user.roles.append(UserRole(role="student"))
            students.append(user)
        db.session.add_all([campaign, point, *students])
        db.session.flush()
        db.session.add_all(CampaignEnrolment(campaign_id=campaign.id, user_id=u.id) for u in students)
        start = clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
        shifts = [Shift(campaign_id=campaign.id, point_id=point.id, starts_at=start + timedelta(hours=5 * i),
                        ends_at=start + timedelta(hours=5 * i + 4), capacity=SEATS) for i in range(SHIFTS)]
        db.session.add_all(shifts)
        db.session.commit()
        ids = [s.id for s in shifts]
        db.engine.dispose()
    return ids


class Client:
    """One student's browser: a keep-alive connection, cookies and the CSRF token."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def login(self, email):
        from urllib.parse import urlencode

        status, page = self.request("GET", "/login")
        self.token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()
        form = urlencode({"csrf_token": self.token, "email": email, "password": PASSWORD})
        status, _ = self.request("POST", "/login", form)
        assert status == 303, status
        status, page = self.request("GET", "/shifts/mine")
        self.token = re.search(rb'"X-CSRFToken": "([^"]+)"', page).group(1).decode()


def wait_for(port: int, process) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("gunicorn did not start")


def timed(calls, workers=IN_FLIGHT):
    """Run the calls with `workers` in flight; return results, latencies (s) and wall time."""
    def one(call):
        started = time.perf_counter()
        result = call()
        return result, time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(one, calls))
    return [o[0] for o in outcomes], [o[1] for o in outcomes], time.perf_counter() - started


def run(kind: str, mode: str) -> dict:
    with database(kind) as url:
        shift_ids = prepare(url)
        port = free_port()
        process = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), *MODES[mode], "-b", f"127.0.0.1:{port}", "--log-level", "warning",
             "wsgi:app"],
            cwd=ROOT, env=env_for(url), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        try:
            wait_for(port, process)
            clients = [Client(port) for _ in range(STUDENTS)]
            timed([lambda c=c, i=i: c.login(f"s{i}@example.org") for i, c in enumerate(clients)], workers=32)
            for client in clients:  # each request below opens its connection, like the baseline's
                client.conn.close()
            bare = [Client(port) for _ in range(STUDENTS)]
            _, _, bare_seconds = timed([lambda c=c: c.request("GET", "/livez") for c in bare])

            def attempt(i):
                client = clients[i]
                status, _ = client.request("POST", f"/shifts/{shift_ids[i % SHIFTS]}/book", body="",
                                           headers={"X-CSRFToken": client.token, "HX-Request": "true"})
                return i, status

            results, latencies, seconds = timed([lambda i=i: attempt(i) for i in range(STUDENTS)])
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        accepted = {i for i, status in results if status == 200}
        errors = [status for _, status in results if status not in (200, 422)]
        stored, overbooked = stored_bookings(url)
        return {
            "run": f"{kind}/{mode}", "accepted": len(accepted), "overbooked": overbooked,
            "lost": len({f"s{i}@example.org" for i in accepted} - stored), "errors": len(errors),
            "rps_ratio": (STUDENTS / seconds) / (STUDENTS / bare_seconds),
            "p50": statistics.median(latencies) * 1000, "p99": sorted(latencies)[int(len(latencies) * 0.99) - 1] * 1000,
        }


def stored_bookings(url: str) -> tuple[set[str], int]:
    """Emails with a stored booking, and seats booked beyond capacity (from the bookings themselves)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        emails = {row[0] for row in conn.execute(text(
            "SELECT u.email FROM bookings b JOIN users u ON u.id = b.user_id WHERE b.status = 'booked'"))}
        over = conn.execute(text(
            "SELECT COALESCE(SUM(CASE WHEN n > s.capacity THEN n - s.capacity ELSE 0 END), 0) FROM shifts s "
            "JOIN (SELECT shift_id, COUNT(*) AS n FROM bookings WHERE status = 'booked' GROUP BY shift_id) b "
            "ON b.shift_id = s.id")).scalar()
    engine.dispose()
    return emails, int(over)


def main() -> None:
    kinds = ["sqlite"] + (["postgresql"] if postgres_reachable() else [])
    if "postgresql" not in kinds:
        print("PostgreSQL not reachable: set BENCH_DATABASE_URL to include it")
    runs = []
    for kind in kinds:
        for mode in MODES:
            result = run(kind, mode)
            runs.append(result)
            print(f"{result['run']:>20}: accepted {result['accepted']}, overbooked {result['overbooked']}, "
                  f"lost {result['lost']}, other errors {result['errors']}, rps ratio {result['rps_ratio']:.3f}, "
                  f"p50 {result['p50']:.0f} ms, p99 {result['p99']:.0f} ms")
    worst = max(runs, key=lambda r: (r["overbooked"] + r["lost"] + r["errors"], r["p99"]))
    print(f"booking_rush worst={worst['run']} accepted={worst['accepted']} overbooked={worst['overbooked']} "
          f"lost={worst['lost']} errors={worst['errors']} rps_ratio_vs_bare={worst['rps_ratio']:.3f} "
          f"p50_ms={worst['p50']:.0f} p99_ms={worst['p99']:.0f} runs={len(runs)}")


if __name__ == "__main__":
    main()
