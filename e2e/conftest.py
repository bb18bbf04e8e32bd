"""Browser journeys: gunicorn on loopback against a fresh, seeded database, driven by Debian's
chromium through Playwright (no browser download). On failure a screenshot and the page's HTML
are saved under E2E_ARTIFACTS (default e2e-artifacts/), whose path is printed."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", ROOT / "e2e-artifacts"))
VIEWPORTS = {"phone": {"width": 360, "height": 800}, "desktop": {"width": 1280, "height": 900}}
PASSWORD = "donghanh-demo-2025"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The portal under gunicorn with the demo data; yields its base URL."""
    folder = tmp_path_factory.mktemp("e2e")
    env = {**os.environ, "PORTAL_ENV": "development", "DATABASE_URL": f"sqlite:///{folder}/e2e.sqlite3",
           "RATELIMIT_ENABLED": "false", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
           "CERT_SIGNING_KEY_FILE": str(folder / "signing.pem")}
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    (folder / "signing.pem").write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    env["BASE_URL"] = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
                                "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "env": env}
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=os.environ.get("HEADED") != "1",
                                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield launched
        launched.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def pages(browser, viewport, request):
    """Open pages (one browser context per person) at the viewport; artefacts saved if the test fails."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport=VIEWPORTS[viewport], accept_downloads=True)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
        contexts.append((context, page))
        return page

    yield open_page
    failed = getattr(request.node, "failed", False)
    if failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for n, (_, page) in enumerate(contexts):
            stem = ARTIFACTS / f"{request.node.name}-{n}"
            page.screenshot(path=f"{stem}.png", full_page=True)
            Path(f"{stem}.html").write_text(page.content())
        print(f"\nbrowser artefacts saved in {ARTIFACTS}")
    for context, _ in contexts:
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        item.failed = True


AXE = (ROOT / "node_modules" / "axe-core" / "axe.min.js")


def check_accessibility(page) -> None:
    """Run axe-core on the page; serious or critical violations fail the journey."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => JSON.stringify((await axe.run(document)).violations)")
    bad = [v for v in json.loads(result) if v["impact"] in ("serious", "critical")]
    assert bad == [], [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in bad]


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
