"""Screenshots of each role's home page at 360 px and 1280 px, from the demo data.

    .venv/bin/python docs/screenshots/take.py            # writes docs/screenshots/home-<role>-<width>.png

A throw-away SQLite database gets the migrations, `seed-demo` and a little more (a new student who
joined and read one module, two classmates waiting for the trainer, the demo student's bookings, a
nomination and a data request near its deadline); a server on a free loopback port serves it in
this process with the catalogue and any pending_*.po translations merged; Debian's chromium
(CHROMIUM= to point elsewhere) takes full-page PNGs. It prints each file's size (a 256-colour
palette keeps each under 150 KB) and whether the page scrolls sideways, and axe-core's serious
findings; it fails if there are any.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
PASSWORD = "donghanh-demo-2025"
NEW_PASSWORD = "quả-bưởi-xanh-trên-cầu-Long-Biên"  # the new accounts' (the demo one is refused as guessable)
TOTP_KEY = "DEMOADMINTOTPSECRETDONGHANH23456"
NEW_STUDENT = "mai.tran@example.org"
SHOTS = [  # (name, email)
    ("student-new", NEW_STUDENT),
    ("student-booked", "student@example.org"),
    ("trainer", "trainer@example.org"),
    ("leader", "leader@example.org"),
    ("organiser", "admin@example.org"),
]
WIDTHS = {360: 800, 1280: 900}


def shrink(path: Path) -> None:
    """A palette of 256 colours: text and flat colours stay sharp, the file a third of the size."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def axe_problems(page) -> list[str]:
    """axe-core's serious and critical findings on the page (the npm package, as the journeys use it)."""
    import json

    axe = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.exists():
        return []
    page.evaluate(axe.read_text())
    found = json.loads(page.evaluate("async () => JSON.stringify((await axe.run(document)).violations)"))
    return [v["id"] for v in found if v["impact"] in ("serious", "critical")]


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict) -> None:
    """Migrate, seed the demo and add what the screenshots need to show."""
    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import select

    from portal import create_app
    from portal.accounts import staff
    from portal.accounts.models import User
    from portal.campaigns import services as campaigns
    from portal.campaigns.models import ServicePoint
    from portal.core import clock
    from portal.extensions import db
    from portal.privacy import requests as privacy_requests
    from portal.referrals import services as referrals
    from portal.seed import CURRENT_SLUG
    from portal.shifts import booking
    from portal.shifts.models import Shift
    from portal.training import services as training

    app = create_app()
    with app.app_context():
        campaign = campaigns.by_slug(CURRENT_SLUG)
        modules = training.modules_of(campaign)
        people = [("Trần Thị Mai", NEW_STUDENT), ("Phạm Quốc Huy", "huy.pham@example.org"),
                  ("Đỗ Thu Hà", "ha.do@example.org")]
        for n, (name, email) in enumerate(people):
            user = staff.create_user(email, name, ["student"], NEW_PASSWORD)
            user.email_verified_at = clock.now()
            db.session.commit()
            campaigns.join(user, campaign)
            for module in modules[: 1 if n == 0 else 2]:
                if not module.questions:
                    training.mark_read(user, module)
        student = db.session.scalar(select(User).where(User.email == "student@example.org"))
        ahead = (select(Shift).join(ServicePoint, ServicePoint.id == Shift.point_id)
                 .where(Shift.campaign_id == campaign.id, Shift.starts_at > clock.now() + timedelta(hours=20))
                 .order_by(Shift.starts_at))
        # The next shift at Gia Lâm, the point with a leader and notes for volunteers, then one more.
        first = db.session.scalars(ahead.where(ServicePoint.name.contains("Gia Lâm"))).first()
        second = db.session.scalars(ahead.where(Shift.starts_at > first.starts_at + timedelta(days=1))).first()
        booking.book(student, first.id)
        booking.book(student, second.id)
        trainer = db.session.scalar(select(User).where(User.email == "trainer@example.org"))
        huy = db.session.scalar(select(User).where(User.email == "huy.pham@example.org"))
        referrals.nominate(trainer, campaign, huy, "commendation",
                           "Hỗ trợ người cao tuổi kích hoạt VNeID rất tận tình trong tuần đầu.")
        request = privacy_requests.open_request(huy, "access", "Tôi muốn xem dữ liệu của mình.")
        request.acknowledge_by = clock.now() + timedelta(hours=20)
        db.session.commit()


def log_in(page, base: str, email: str) -> None:
    """Sign in through the form, with a code from the demo key when asked (organisers)."""
    import pyotp

    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", NEW_PASSWORD if email == NEW_STUDENT else PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if "/login/code" in page.url:
        page.fill("#code", pyotp.TOTP(TOTP_KEY).now())
        page.click("main button[type=submit]")
        page.wait_for_load_state()
    if "/privacy" in page.url or "/consent" in page.url:  # a new account may be asked to agree first
        page.goto(f"{base}/")


def catalogue(folder: Path) -> Path:
    """The Vietnamese catalogue with the helpers' pending translations (pending_*.po) merged in, compiled
    into `folder`, so the pictures are Vietnamese before the lead merges them."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    translations = ROOT / "portal" / "translations"
    with (translations / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        merged = read_po(handle, locale="vi")
    for pending in sorted(translations.glob("pending_*.po")):
        with pending.open("rb") as handle:
            for message in read_po(handle, locale="vi"):
                if message.id and message.string and not (message.id in merged and merged[message.id].string):
                    merged[message.id] = message
    target = folder / "vi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as handle:
        write_mo(handle, merged)
    return folder


def serve(port: int, translations: Path):
    """The app on a loopback port, in a thread of this process."""
    import logging
    import threading

    from werkzeug.serving import make_server

    from portal import create_app

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    app = create_app({"BABEL_TRANSLATION_DIRECTORIES": str(translations)})
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    """Build the data, serve it, take the screenshots."""
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="home-shots-"))
    port = free_port()
    env = {**os.environ, "PORTAL_ENV": "development", "DATABASE_URL": f"sqlite:///{workdir / 'app.db'}",
           "SECRET_KEY": "screenshots-only-not-a-secret", "BASE_URL": f"http://127.0.0.1:{port}"}
    # In its own process: the translations it loads (emails) stay cached for the process's lifetime.
    subprocess.run([sys.executable, __file__, "--prepare"], env=env, check=True)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    server = serve(port, catalogue(workdir / "translations"))
    base = f"http://127.0.0.1:{port}"
    failures = 0
    try:
        for _ in range(100):
            try:
                urlopen(f"{base}/livez", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                        args=["--no-sandbox"])
            for name, email in SHOTS:
                context = browser.new_context(viewport={"width": 360, "height": 800}, locale="vi-VN")
                page = context.new_page()
                log_in(page, base, email)
                for width, height in WIDTHS.items():
                    page.set_viewport_size({"width": width, "height": height})
                    page.goto(f"{base}/")
                    problems = axe_problems(page)
                    wide = page.evaluate(
                        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
                    path = OUT / f"home-{name}-{width}.png"
                    page.screenshot(path=str(path), full_page=True, type="png")
                    shrink(path)
                    failures += wide > 0 or bool(problems)
                    print(f"{path.name}: {path.stat().st_size // 1024} KB, sideways scroll {wide} px, "
                          f"axe serious/critical: {problems or 'none'}")
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return 1 if failures else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--prepare"]:
        prepare(dict(os.environ))
        sys.exit(0)
    sys.exit(main())
