"""Fixtures: one database per test session, built by the migrations; clean tables per test.

PORTAL_TEST_DB chooses the database: "sqlite" (default) or "postgresql", which creates a fresh
database next to TEST_DATABASE_URL and drops it at the end.

The clock (time-machine): a test that depends on the hour or the day pins it, with
`@pytest.mark.hanoi_time("2026-03-10 09:00")` or by taking a `hanoi_time` parameter
(`@pytest.mark.parametrize("hanoi_time", ["2026-03-10 23:30", "2026-03-11 00:30"])`); the clock then
runs on from that Hanoi wall time, for the fixtures and the test alike. `at_hanoi("...")` moves it
within a test. PORTAL_TEST_NOW="2026-03-15 23:30" starts every other test at that Hanoi time too:
a check that the suite does not depend on the hour (`make test` leaves it unset, so the real clock runs).
"""
from __future__ import annotations

import contextvars
import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from portal import create_app, throwaway
from portal.extensions import db as _db
from tests import factories

BACKEND = os.environ.get("PORTAL_TEST_DB", "sqlite")
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
# The day-boundary instants, Hanoi wall time: half an hour before and after midnight, a Sunday night
# into Monday (the end of one booking week and the start of the next).
BEFORE_MIDNIGHT, AFTER_MIDNIGHT = "2026-03-10 23:30", "2026-03-11 00:30"     # a Tuesday night
SUNDAY_NIGHT, MONDAY_MORNING = "2026-03-15 23:30", "2026-03-16 00:30"
DAY_BOUNDARIES = [BEFORE_MIDNIGHT, AFTER_MIDNIGHT, SUNDAY_NIGHT, MONDAY_MORNING]


def hanoi(when: str) -> datetime:
    """An aware instant from a Hanoi wall time written "YYYY-MM-DD HH:MM"."""
    return datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=HANOI)


def pytest_configure(config):
    """Deprecations fail the suite, so an upgrade never surprises us."""
    config.addinivalue_line("filterwarnings", "error::DeprecationWarning")
    config.addinivalue_line("markers", "hanoi_time(when): run the test from this Hanoi wall time, \"YYYY-MM-DD HH:MM\"")


def _pinned_time(request) -> str | None:
    """The Hanoi wall time this test asks for: its hanoi_time parameter or mark, else PORTAL_TEST_NOW."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and "hanoi_time" in callspec.params:
        return callspec.params["hanoi_time"]
    mark = request.node.get_closest_marker("hanoi_time")
    if mark is not None:
        return mark.args[0]
    return os.environ.get("PORTAL_TEST_NOW") or None


@pytest.fixture(autouse=True)
def _clock(request):
    """Start the clock at the test's pinned time, before any other fixture builds data; else leave it alone."""
    when = _pinned_time(request)
    if when is None:
        yield None
        return
    with time_machine.travel(hanoi(when), tick=True) as traveller:
        yield traveller


@pytest.fixture
def at_hanoi(_clock):
    """Move the clock within a test: at_hanoi("2026-03-11 00:30") -> that instant; it runs on from there."""
    own = time_machine.travel(datetime.now(HANOI), tick=True) if _clock is None else None  # no jump until a move
    traveller = _clock if own is None else own.start()

    def move(when: str) -> datetime:
        traveller.move_to(hanoi(when))
        return hanoi(when)

    yield move
    if own is not None:
        own.stop()


def pytest_report_header(config):
    """Name the database of this run at the top of the report."""
    if BACKEND == "postgresql":
        url = make_url(os.environ.get("TEST_DATABASE_URL", "(TEST_DATABASE_URL not set)"))
        return f"database: PostgreSQL at {url.host}:{url.port} (a fresh database per run)"
    return "database: SQLite (a fresh file per run)"


@pytest.fixture(scope="session")
def database_url():
    """The URL of this session's database, already migrated to the newest revision."""
    if BACKEND == "postgresql" and not os.environ.get("TEST_DATABASE_URL"):
        pytest.exit("PORTAL_TEST_DB=postgresql needs TEST_DATABASE_URL", returncode=3)
    with throwaway.database(BACKEND, os.environ.get("TEST_DATABASE_URL"), prefix="portal_test") as url:
        app = create_app(_test_config(url))
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            _db.engine.dispose()
        yield url


class IsolatedClient(FlaskClient):
    """Each request runs in its own application context, as in production.

    Tests keep an app context pushed for database checks; without this, requests would reuse it
    and share `g` (and so the logged-in user) with each other.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():  # a redirect followed (follow_redirects) opens again inside the empty context
            _db.session.expire_all()  # the test's session sees what the request committed
        return response


def _test_config(url: str, **extra) -> dict:
    """Configuration for a test app."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "BASE_URL": "http://portal.test",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        **extra,
    }


def _clean(app) -> None:
    """Empty every table, so each test starts from nothing."""
    with app.app_context():
        _db.session.remove()
        tables = [t for t in reversed(_db.metadata.sorted_tables)]
        # DELETE beats TRUNCATE on PostgreSQL for a handful of rows in many tables.
        with _db.engine.begin() as conn:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def make_app(database_url):
    """Build an app on the session database with extra settings: make_app(RATELIMIT_ENABLED=True)."""
    built = []

    def build(**extra):
        app = create_app(_test_config(database_url, **extra))
        app.test_client_class = IsolatedClient
        built.append(app)
        return app

    yield build
    for app in built:
        _clean(app)
        with app.app_context():
            _db.engine.dispose()


@pytest.fixture
def app(make_app):
    """The default test app, with an application context pushed."""
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    """A test client for `app`."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for `app`."""
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Builder: make_user(role="leader", email=..., password=..., verified=True, active=True)."""
    return factories.user_builder()


@pytest.fixture
def make_campaign(app):
    """Builder: make_campaign(slug=..., status=...)."""
    return factories.campaign_builder()


@pytest.fixture
def make_module(app):
    """Builder: make_module(campaign, title=..., is_required=..., validity_days=...)."""
    return factories.module_builder()


@pytest.fixture
def make_point(app):
    """Builder: make_point(name=..., branch=...)."""
    return factories.point_builder()


@pytest.fixture
def make_shift(app):
    """Builder: make_shift(campaign, point, starts_in=timedelta(days=2), hours=4, capacity=5)."""
    return factories.shift_builder()


@pytest.fixture
def count_queries(app):
    """Count SQL statements run inside a `with count_queries() as counter:` block (counter.n)."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():
        class Counter:
            n = 0
            statements: list = []

        def before(conn, cursor, statement, *args, **kwargs):
            Counter.n += 1
            Counter.statements.append(statement)

        engine = _db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            Counter.statements = []
            yield Counter
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting


def totp_code(user, secret=factories.TOTP_SECRET):
    """A code the server will accept for `user` now: the current time step's, or the next one's
    when this step was used already (a test may sign the same organiser in twice in 30 s)."""
    import pyotp

    from portal.accounts import two_factor
    from portal.accounts.models import User

    _db.session.expire_all()
    last = _db.session.get(User, user.id).totp_last_step
    step = two_factor._now_step()
    if last is not None and last >= step:
        step = last + 1
    assert step <= two_factor._now_step() + two_factor.VALID_WINDOW, "more sign-ins than the window allows"
    return pyotp.TOTP(secret).at(step * two_factor.STEP_SECONDS)


class Auth:
    """Log a test client in and out."""

    def __init__(self, client):
        self.client = client

    def login(self, email, password=factories.PASSWORD):
        """Log in through the real form."""
        return self.client.post("/login", data={"email": email, "password": password})

    def as_(self, user):
        """Log in as a user made by make_user, with a TOTP code when they use two-factor sign-in."""
        response = self.login(user.email)
        assert response.status_code == 303, response.get_data(as_text=True)
        if response.headers["Location"].startswith("/login/code"):
            response = self.client.post("/login/code", data={"code": totp_code(user)})
            assert response.status_code == 303, response.get_data(as_text=True)
        return user

    def logout(self):
        """Log out."""
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    """Login helper bound to `client`."""
    return Auth(client)


@pytest.fixture
def outbox(app):
    """Read the emails queued so far: outbox() -> list of OutboxMessage, oldest first."""
    from sqlalchemy import select

    from portal.mail.models import OutboxMessage

    def read(to=None):
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        if to:
            stmt = stmt.where(OutboxMessage.to_email == to)
        return list(_db.session.scalars(stmt))

    return read
