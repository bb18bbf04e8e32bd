"""Browser journeys: gunicorn on loopback against a fresh, seeded database (PORTAL_TEST_DB: sqlite,
or postgresql next to TEST_DATABASE_URL), driven by Debian's chromium through Playwright (no
browser download). On failure a screenshot and the page's HTML are saved under E2E_ARTIFACTS
(default e2e-artifacts/), whose path is printed."""
from __future__ import annotations

import functools
import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from e2e.language import foreign_text
from portal import throwaway
from portal.seed import DEMO_PASSWORD, DEMO_TOTP_SECRET

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", ROOT / "e2e-artifacts"))
VIEWPORTS = {"phone": {"width": 360, "height": 800}, "desktop": {"width": 1280, "height": 900}}
BACKEND = os.environ.get("PORTAL_TEST_DB", "sqlite")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pytest_report_header(config):
    """Name the database the server of this run uses."""
    where = "PostgreSQL next to TEST_DATABASE_URL" if BACKEND == "postgresql" else "SQLite"
    return f"browser journeys: Debian's chromium ({CHROMIUM}), gunicorn on {where}, a fresh database per viewport"


@pytest.fixture(scope="session", params=list(VIEWPORTS))
def server(request, tmp_path_factory):
    """The portal under gunicorn with the demo data and the journeys' scenario, one fresh database per
    viewport (journeys change data for good: a certificate revoked stays revoked); yields its base URL,
    environment, viewport and the scenario's ids."""
    if BACKEND == "postgresql" and not os.environ.get("TEST_DATABASE_URL"):
        pytest.exit("PORTAL_TEST_DB=postgresql needs TEST_DATABASE_URL", returncode=3)
    folder = tmp_path_factory.mktemp(f"e2e-{request.param}")
    with throwaway.database(BACKEND, os.environ.get("TEST_DATABASE_URL"), prefix="portal_e2e") as url:
        yield from _serve(folder, url, request.param)


def _serve(folder: Path, database_url: str, viewport: str):
    env = {**os.environ, "PORTAL_ENV": "development", "DATABASE_URL": database_url, "GUNICORN_ACCESSLOG": "off",
           "RATELIMIT_ENABLED": "false", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
           "CERT_SIGNING_KEY_FILE": str(folder / "signing.pem"), "JOBS_URL": f"sqlite:///{folder}/jobs.sqlite3"}
    (folder / "signing.pem").write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for command in (flask + ["db", "upgrade"], flask + ["seed-demo"],
                    [sys.executable, "-m", "e2e.scenario", str(folder / "scenario.json")]):
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{' '.join(command[1:])} failed:\n{done.stderr}"
    port = _free_port()
    env["BASE_URL"] = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
                                "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    # A worker beside the web servers, as production runs one: issuing runs and other jobs go through it.
    worker = subprocess.Popen(flask + ["worker", "--threads", "1"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            assert process.poll() is None, "gunicorn stopped at start-up (is the port taken?)"
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.05)
        else:
            raise AssertionError(f"gunicorn did not answer on port {port} within 15 seconds")
        yield {"url": f"http://127.0.0.1:{port}", "env": env, "viewport": viewport,
               "ids": json.loads((folder / "scenario.json").read_text())}
    finally:
        for running in (process, worker):
            running.send_signal(signal.SIGTERM)
        for running in (process, worker):
            try:
                running.wait(timeout=30)
            except subprocess.TimeoutExpired:
                running.kill()
                running.wait()


def read_database(server, sql: str, **params) -> list:
    """Rows from the server's database (what a person would find in their mailbox, say)."""
    engine = sqlalchemy.create_engine(server["env"]["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return connection.execute(sqlalchemy.text(sql), params).all()
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=os.environ.get("HEADED") != "1",
                                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield launched
        launched.close()


@pytest.fixture
def viewport(server):
    return server["viewport"]


@pytest.fixture
def pages(browser, viewport, request):
    """Open pages (one browser context per person) at the viewport. Console errors and uncaught
    exceptions are collected in page.console_errors; if the test fails, each page's screenshot and
    HTML are saved in ARTIFACTS."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport=VIEWPORTS[viewport], accept_downloads=True)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error"
                and "status of 422" not in m.text else None)  # 422: bad input refused, on purpose
        page.on("pageerror", lambda error: page.console_errors.append(f"uncaught: {error}"))
        contexts.append((context, page))
        return page

    yield open_page
    if getattr(request.node, "failed", False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for n, (_, page) in enumerate(contexts):
            stem = ARTIFACTS / f"{BACKEND}-{request.node.name}-{n}"
            try:
                Path(f"{stem}.html").write_text(page.content())
                page.screenshot(path=f"{stem}.png", full_page=True)
            except Exception as error:  # a crashed page: keep what could be saved, save the others
                print(f"could not save {stem}: {error}")
        print(f"\nbrowser artefacts saved in {ARTIFACTS}")
    for context, _ in contexts:
        context.close()


def pytest_configure(config):
    config.addinivalue_line("markers", "phone_only: a journey of the 360 px phone; it is not run at the desktop size")


def pytest_collection_modifyitems(config, items):
    """A phone-only journey is deselected (not skipped) at the desktop size: nothing is hidden as a skip."""
    desktop = [item for item in items if item.get_closest_marker("phone_only")
               and getattr(item, "callspec", None) and item.callspec.params.get("server") == "desktop"]
    if desktop:
        config.hook.pytest_deselected(items=desktop)
        items[:] = [item for item in items if item not in desktop]


def pytest_sessionstart(session):
    """Artefacts are of this run only: remove those an earlier run left."""
    for old in ARTIFACTS.glob(f"{BACKEND}-test_*"):
        old.unlink()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        item.failed = True


@functools.cache
def _axe() -> str:
    """axe-core's source (the npm package), read once and injected into each page."""
    return (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text()


def check_accessibility(page) -> None:
    """Run axe-core on the page once it has settled; serious or critical violations fail the journey."""
    settle(page)
    page.evaluate(_axe())
    result = page.evaluate("async () => JSON.stringify((await axe.run(document)).violations)")
    bad = [v for v in json.loads(result) if v["impact"] in ("serious", "critical")]
    assert bad == [], [(page.url, v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in bad]


def settle(page) -> None:
    """Wait until the page has loaded and htmx has no request in flight (panels loaded on "load")."""
    page.wait_for_load_state()
    page.wait_for_function("() => document.readyState === 'complete' "
                           "&& !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def _switch(page, lang: str) -> None:
    """Use the page's own language switch (a form in the portal, links on the public pages)."""
    with page.expect_navigation():
        page.locator(f".lang-switch button[value={lang}], a[lang={lang}][href*='lang={lang}']").first.click()
    settle(page)
    assert page.evaluate("document.documentElement.lang") == lang
    foreign = foreign_text(page, lang)
    assert foreign == [], f"{page.url} in {lang} still shows: {foreign[:8]}"


def check_no_sideways_scroll(page) -> None:
    """At a phone's 360 px nothing may stick out sideways: the page is never wider than the window."""
    if page.viewport_size and page.viewport_size["width"] <= 360:
        wide = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert wide[0] <= wide[1], f"{page.url} is {wide[0]} px wide in a {wide[1]} px window"


def check_page(page) -> None:
    """Every page a journey visits: axe-core finds nothing serious in either language, the language
    switch turns the page into English (no Vietnamese interface text left) and back, and on a phone
    it never scrolls sideways (in either language: English words are longer)."""
    check_accessibility(page)
    check_no_sideways_scroll(page)
    _switch(page, "en")
    check_accessibility(page)
    check_no_sideways_scroll(page)
    _switch(page, "vi")


@contextmanager
def no_reload(page):
    """The block's actions must update the page in place: a marker set before survives to the end."""
    page.evaluate("() => { window.__stillHere = true; }")
    yield
    assert page.evaluate("() => window.__stillHere === true"), f"{page.url} was reloaded"


def log_in(page, base: str, email: str, totp_secret: str = DEMO_TOTP_SECRET) -> None:
    """Sign in through the form; when the portal asks for a code (organisers), give one computed
    from the demo two-factor key."""
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/login") is False)
    if "/login/code" in page.url:
        enter_code(page, base, email, totp_secret)
    page.wait_for_url(lambda url: "/login" not in url)


_last_step: dict = {}


def totp_now(base: str, email: str, secret: str) -> str:
    """A fresh code for this account on this server: the portal refuses a code used before, so when
    this time step's code was used already, wait for the next one."""
    import pyotp

    while (step := int(time.time()) // 30) <= _last_step.get((base, email), -1):
        time.sleep(0.5)
    _last_step[(base, email)] = step
    return pyotp.TOTP(secret).at(step * 30)


def enter_code(page, base: str, email: str, secret: str) -> None:
    """The second step of signing in: type the authenticator app's code."""
    page.fill("#code", totp_now(base, email, secret))
    with page.expect_navigation():
        page.click("main button[type=submit]")
