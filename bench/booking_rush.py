"""Benchmark: a booking rush over HTTP against gunicorn, on SQLite and PostgreSQL.

Run from the project root after `make setup`:

    .venv/bin/python bench/booking_rush.py

It creates a fresh database (SQLite in a temporary folder; PostgreSQL next to BENCH_DATABASE_URL,
default postgresql://postgres@127.0.0.1:5432/test, skipped with a note if unreachable), seeds
1,000 enrolled students and 10 shifts of 10 seats, and counts, in process, the SQL statements of an
accepted booking, a refused one (the shift is full) and the shift list. It then starts gunicorn on
loopback with 2 sync workers and then with 2 threaded workers (2 x 16 threads), logs every student in
over HTTP before the timed phase (real session cookies and CSRF tokens), and measures with an asyncio
client on raw sockets (its own CPU time is printed, so it is seen not to be the bottleneck), 100
requests in flight, a new connection per request:

- the app's bare /livez route, 1,000 requests: the baseline;
- the shift list each student opens before booking, 1,000 requests;
- the rush: 1,000 booking requests for 100 seats (9 of 10 are refused: the shift is full).

It then checks the database: no shift over capacity, and every accepted booking stored. Each run
prints a line; the last line gives the PostgreSQL figures against the issue's targets (booking
requests per second at least 0.15 x the bare route with sync workers, threaded no slower than sync,
p99 under 1 s, at most 8 statements accepted and 6 refused) and the worst run's correctness
(overbooked and lost must be 0 on both databases, sync and threaded).
"""
from __future__ import annotations

import asyncio
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
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from databases import database, postgres_reachable  # noqa: E402

STUDENTS, SHIFTS, SEATS, IN_FLIGHT = 1000, 10, 10, 100
PASSWORD = "bench password 2026"
THREADS = os.environ.get("BENCH_THREADS", "16")  # per threaded worker
MODES = {"sync": ["-w", "2"], "gthread": ["-k", "gthread", "-w", "2", "--threads", THREADS]}


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
    return {**os.environ, "DATABASE_URL": url, "PORTAL_ENV": "production", "NOTIFY_CHANNELS": "email",
            "GUNICORN_ACCESSLOG": "off",  # the rush measures the app, not a log line per request
            "JOBS_URL": os.environ.get("BENCH_JOBS_URL", "redis://127.0.0.1:6379/15"),
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "RATELIMIT_ENABLED": "false", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "BASE_URL": "http://127.0.0.1",
            "ALLOW_HTTP": "1", "CERT_SIGNING_KEY_FILE": key_file}


def tomorrows_shifts(campaign, point, count: int, seats: int) -> list:
    """`count` four-hour shifts of `seats` seats at `point` from tomorrow, one every five hours (flushed ids)."""
    from portal.core import clock
    from portal.shifts.models import Shift

    start = clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    return [Shift(campaign_id=campaign.id, point_id=point.id, starts_at=start + timedelta(hours=5 * i),
                  ends_at=start + timedelta(hours=5 * i + 4), capacity=seats) for i in range(count)]


def prepare(url: str) -> list[int]:
    """Migrate and seed; return the shift ids."""
    os.environ.update(env_for(url))
    from werkzeug.security import generate_password_hash

    from portal import create_app
    from portal.accounts.models import User, UserRole
    from portal.campaigns.models import Branch, Campaign, CampaignEnrolment, ServicePoint
    from portal.core import clock
    from portal.extensions import db

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
                        phone=f"09{i:08d}",
                        email_verified_at=clock.now())
            user.roles.append(UserRole(role="student"))
            students.append(user)
        db.session.add_all([campaign, point, *students])
        db.session.flush()
        db.session.add_all(CampaignEnrolment(campaign_id=campaign.id, user_id=u.id) for u in students)
        shifts = tomorrows_shifts(campaign, point, SHIFTS, SEATS)
        db.session.add_all(shifts)
        db.session.commit()
        ids = [s.id for s in shifts]
        db.engine.dispose()
    return ids


async def http(port: int, method: str, path: str, cookies: dict | None = None, body: str = "",
               headers: dict | None = None) -> tuple[int, dict, bytes]:
    """One request on a new connection (raw HTTP/1.1, Connection: close); (status, cookies set, body)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    payload = body.encode()
    if method == "POST":
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(payload)}"]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, content = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    set_cookies = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        if name.lower() == "set-cookie":
            key, _, rest = value.strip().partition("=")
            set_cookies[key] = rest.split(";", 1)[0]
    return int(status_line.split()[1]), set_cookies, content


class Student:
    """One student's browser: cookies and the CSRF token."""

    def __init__(self, email: str):
        self.email, self.cookies, self.token = email, {}, ""

    async def request(self, port, method, path, body="", headers=None):
        status, cookies, content = await http(port, method, path, self.cookies, body, headers)
        self.cookies.update(cookies)
        return status, content

    async def login(self, port):
        _, page = await self.request(port, "GET", "/login")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()
        form = urlencode({"csrf_token": token, "email": self.email, "password": PASSWORD})
        status, _ = await self.request(port, "POST", "/login", form)
        assert status == 303, status
        _, page = await self.request(port, "GET", "/shifts/mine")
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


def timed(calls, in_flight=IN_FLIGHT) -> tuple[list, list[float], float, float]:
    """Run the coroutine factories, `in_flight` at a time; (results, latencies s, wall s, client CPU s)."""
    async def all_of_them():
        gate = asyncio.Semaphore(in_flight)

        async def one(call):
            async with gate:
                started = time.perf_counter()
                result = await call()
                return result, time.perf_counter() - started

        return await asyncio.gather(*(one(c) for c in calls))

    cpu, started = time.process_time(), time.perf_counter()
    outcomes = asyncio.run(all_of_them())
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return [o[0] for o in outcomes], [o[1] for o in outcomes], wall, cpu


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * share) - 1, 0)]


def run(kind: str, mode: str) -> dict:
    with database(kind) as url:
        shift_ids = prepare(url)
        statements = count_statements(url, shift_ids)
        port = free_port()
        process = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), *MODES[mode], "-b", f"127.0.0.1:{port}", "--log-level", "warning",
             "--backlog", "2048", "wsgi:app"],
            cwd=ROOT, env=env_for(url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(port, process)
            students = [Student(f"s{i}@example.org") for i in range(STUDENTS)]
            timed([lambda s=s: s.login(port) for s in students], in_flight=32)
            _, _, bare_seconds, bare_cpu = timed([lambda: http(port, "GET", "/livez") for _ in range(STUDENTS)])
            _, list_latencies, list_seconds, _ = timed(
                [lambda s=s: s.request(port, "GET", "/shifts/") for s in students])

            async def attempt(i):
                student = students[i]
                status, _ = await student.request(port, "POST", f"/shifts/{shift_ids[i % SHIFTS]}/book",
                                                  headers={"X-CSRFToken": student.token, "HX-Request": "true"})
                return i, status

            results, latencies, seconds, cpu = timed([lambda i=i: attempt(i) for i in range(STUDENTS)])
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        accepted = {i for i, status in results if status == 200}
        errors = [status for _, status in results if status not in (200, 422)]
        stored, overbooked = stored_bookings(url)
        return {
            "run": f"{kind}/{mode}", "kind": kind, "mode": mode, "accepted": len(accepted),
            "overbooked": overbooked, "lost": len({f"s{i}@example.org" for i in accepted} - stored),
            "errors": len(errors), "rps": STUDENTS / seconds, "bare_rps": STUDENTS / bare_seconds,
            "rps_ratio": bare_seconds / seconds, "p50": statistics.median(latencies) * 1000,
            "p99": percentile(latencies, 0.99) * 1000, "client_cpu": cpu / seconds,
            "bare_client_cpu": bare_cpu / bare_seconds, "list_ratio": bare_seconds / list_seconds,
            "list_p50": statistics.median(list_latencies) * 1000, "list_p99": percentile(list_latencies, 0.99) * 1000,
            **statements,
        }


def _signed_in(app, email: str):
    """A test client signed in as `email`, and its CSRF token."""
    client = app.test_client()
    answer = client.get("/login")
    page = answer.get_data()
    assert answer.status_code == 200, (answer.status_code, page[:300])
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()
    assert client.post("/login", data={"csrf_token": token, "email": email, "password": PASSWORD}).status_code == 303
    page = client.get("/shifts/mine").get_data()
    return client, re.search(rb'"X-CSRFToken": "([^"]+)"', page).group(1).decode()


def count_statements(url: str, shift_ids: list[int]) -> dict:
    """The SQL statements of one shift list, one accepted booking and one refused (the shift is full),
    counted in process with the test client (the same code as under gunicorn) on warm sessions, on a
    spare one-seat shift that is removed again before the rush."""
    from sqlalchemy import event, text

    from portal import create_app
    from portal.extensions import db
    from portal.shifts.models import Shift

    app = create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1)})
    with app.app_context():  # left before the requests: each request has its own context, as under gunicorn
        first = db.session.get(Shift, shift_ids[0])
        spare = Shift(campaign_id=first.campaign_id, point_id=first.point_id, capacity=1,
                      starts_at=first.starts_at + timedelta(days=3), ends_at=first.ends_at + timedelta(days=3))
        db.session.add(spare)
        db.session.commit()
        spare_id, engine = spare.id, db.engine
    counted, figures = [], {}
    event.listen(engine, "before_cursor_execute", lambda *args, **kwargs: counted.append(1))
    for email, outcome, status in (("s998@example.org", "accepted", 200), ("s999@example.org", "refused", 422)):
        client, token = _signed_in(app, email)
        client.get("/shifts/")
        counted.clear()
        client.get("/shifts/")
        figures["list_statements"] = len(counted)
        counted.clear()
        answer = client.post(f"/shifts/{spare_id}/book", headers={"X-CSRFToken": token, "HX-Request": "true"})
        assert answer.status_code == status, answer.status_code
        figures[f"{outcome}_statements"] = len(counted)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM bookings WHERE shift_id = :id"), {"id": spare_id})
        connection.execute(text("DELETE FROM shifts WHERE id = :id"), {"id": spare_id})
        connection.execute(text("DELETE FROM outbox_messages"))
    engine.dispose()
    return figures


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
    kinds = [k for k in kinds if k in os.environ.get("BENCH_KINDS", "sqlite,postgresql").split(",")]
    if "postgresql" not in kinds:
        print("PostgreSQL not reachable: set BENCH_DATABASE_URL to include it")
    runs = []
    for kind in kinds:
        for mode in MODES:
            r = run(kind, mode)
            runs.append(r)
            print(f"{r['run']:>18}: accepted {r['accepted']}, overbooked {r['overbooked']}, lost {r['lost']}, "
                  f"other errors {r['errors']}; booking {r['rps']:.0f} req/s = {r['rps_ratio']:.3f} x bare "
                  f"({r['bare_rps']:.0f} req/s), p50 {r['p50']:.0f} ms, p99 {r['p99']:.0f} ms; shift list "
                  f"{r['list_ratio']:.3f} x bare, p50 {r['list_p50']:.0f} ms, p99 {r['list_p99']:.0f} ms; "
                  f"statements: accepted {r['accepted_statements']}, refused {r['refused_statements']}, "
                  f"list {r['list_statements']}; client CPU {r['client_cpu']:.0%} of a core in the rush, "
                  f"{r['bare_client_cpu']:.0%} in the baseline", flush=True)
    worst = max(runs, key=lambda r: (r["overbooked"] + r["lost"] + r["errors"], r["p99"]))
    target = [r for r in runs if r["kind"] == "postgresql"] or runs
    sync = next(r for r in target if r["mode"] == "sync")
    threaded = next(r for r in target if r["mode"] == "gthread")
    print(f"booking_rush db={sync['kind']} sync_rps_ratio_vs_bare={sync['rps_ratio']:.3f} (target 0.15) "
          f"threaded_vs_sync={threaded['rps'] / sync['rps']:.2f} (target 1.00) "
          f"threaded_bare_vs_sync_bare={threaded['bare_rps'] / sync['bare_rps']:.2f} "
          f"p99_ms={max(sync['p99'], threaded['p99']):.0f} (target 1000) "
          f"statements_accepted={sync['accepted_statements']} (target 8) "
          f"refused={sync['refused_statements']} (target 6) list_statements={sync['list_statements']} "
          f"list_ratio_vs_bare={sync['list_ratio']:.3f} list_p99_ms={max(sync['list_p99'], threaded['list_p99']):.0f} "
          f"worst={worst['run']} overbooked={worst['overbooked']} lost={worst['lost']} errors={worst['errors']} "
          f"runs={len(runs)}")


if __name__ == "__main__":
    main()
