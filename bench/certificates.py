"""Benchmark: certificate PDFs per second, issuing 10,000 certificates, and /verify under gunicorn.

Run from the project root after `make setup` (or `make test`):

    .venv/bin/python bench/certificates.py

1. PDF rendering on one core: our page (vector QR from `qrcode`'s matrix, one path of row runs)
   against the same page with reportlab's own QrCodeWidget drawn in its place; same data, same run.
2. Issuing on SQLite: 10,000 enrolled students who trained and served a shift; time to compute
   eligibility, draw the codes and numbers, sign the printed fields, place each in the status lists,
   build and sign its Open Badges credential (Data Integrity proof, eddsa-rdfc-2022) and store the
   records and emails, in one run of `issue_all` (what `flask certificates issue` does).
4. Open Badges credentials signed and verified per second (one core, in process): building and
   signing a credential's Data Integrity proof, and the full offline check (proof, key, dates and
   both status lists), against the detached JWS over the printed fields (the QR's signature) signed
   and verified in the same run.
3. `/verify/<code>` under gunicorn (2 sync workers, rate limiting on with a high limit) against
   the same app's bare `/livez` route: three alternating rounds of 2,000 requests each, 8 in flight,
   a new connection each; the medians are compared.

The last line: pdf ratio (target >= 2.5), issuing seconds with proofs (target < 60), verify ratio (>= 0.5),
Data Integrity credentials signed and verified per second and their ratios to the detached JWS.
"""
from __future__ import annotations

import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from booking_rush import free_port, http, timed, wait_for  # noqa: E402

STUDENTS = 10_000
REQUESTS, IN_FLIGHT, ROUNDS = 2000, 8, 3
URL = ("https://donghanh.example.org/verify/7KQ2M9XD4FHTPW3R#eyJhbGciOiJFZERTQSIsImtpZCI6Ik5yQ0lfZ2VtNmRmZ0pnbW"
       "xvN1pRT0xyRHpTZ3pfSXRYdFZNRW5aa1hCbW8ifQ..Q0KJbUs1dF8dA2tJu3zKXWv8h8sGN0Rbbwb9V0kq6b3HOiQHpAoV5PCV8x9L1ZM"
       "m6yJcMnWg6P3BGBzX8f0zDQ")
CLAIMS = {"v": 1, "kind": "participation", "code": "7KQ2M9XD4FHTPW3R", "name": "Nguyễn Thị Phương Thảo",
          "school": "Trường Đại học Luật Hà Nội", "campaign": "Thanh niên đồng hành cùng hành chính công",
          "organisers": ["Thành đoàn Hà Nội", "Trung tâm Phục vụ hành chính công thành phố Hà Nội"],
          "start": "2025-12-18", "end": "2026-02-15", "minutes": 1470, "shifts": 8,
          "points": ["Điểm Hỗ trợ dịch vụ công số phường Hoàn Kiếm", "Điểm Hỗ trợ dịch vụ công số xã Gia Lâm"],
          "issued": "2026-02-20"}


def widget_qr(c, data, x, y, size):
    """The baseline: reportlab's QrCodeWidget (its own encoder), scaled into the same square."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(data, barLevel="Q", barBorder=0)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, c, x, y)


def per_second(call, seconds=4.0) -> float:
    call()
    started, count = time.perf_counter(), 0
    while time.perf_counter() - started < seconds:
        call()
        count += 1
    return count / (time.perf_counter() - started)


def pdf_ratio(app) -> tuple[float, float]:
    from portal.certificates.pdf import render

    with app.app_context():
        ours = per_second(lambda: render(CLAIMS, URL))
        baseline = per_second(lambda: render(CLAIMS, URL, qr_drawer=widget_qr))
    return ours, baseline


def populate(app, count: int) -> None:
    """Enrolled students, each trained on one required module and present at one past shift."""
    from sqlalchemy import insert

    from portal.accounts.models import User, UserRole
    from portal.campaigns.models import Branch, Campaign, CampaignEnrolment, CampaignOrganiser, ServicePoint
    from portal.core import clock
    from portal.extensions import db
    from portal.operations.models import Attendance
    from portal.shifts.models import Booking, Shift
    from portal.training.models import Completion, TrainingModule

    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        campaign = Campaign(name="Thanh niên đồng hành cùng hành chính công", slug="bench", status="closed",
                            start_date=date(2025, 12, 18), end_date=date(2026, 2, 15))
        campaign.organisers.append(CampaignOrganiser(name="Thành đoàn Hà Nội", position=0))
        branch = Branch(name="Chi nhánh số 1")
        points = [ServicePoint(branch=branch, name=f"Điểm Hỗ trợ dịch vụ công số {i}", ward="P", address="A")
                  for i in range(20)]
        db.session.add_all([campaign, *points])
        db.session.flush()
        module = TrainingModule(campaign_id=campaign.id, title="Bảo mật thông tin", summary="", body_md="",
                                body_html="", estimated_minutes=30, position=1, is_required=True)
        db.session.add(module)
        db.session.flush()
        now = clock.now()
        db.session.execute(insert(User), [
            {"id": i + 1000, "email": f"s{i}@example.org", "full_name": f"Nguyễn Văn Sinh Viên {i}",
             "sort_name": f"sinh vien {i}", "school": "Trường Đại học Bách khoa Hà Nội", "locale": "vi",
             "is_active_account": True, "created_at": now} for i in range(count)])
        db.session.execute(insert(UserRole), [{"user_id": i + 1000, "role": "student", "granted_at": now}
                                              for i in range(count)])
        db.session.execute(insert(CampaignEnrolment), [{"campaign_id": campaign.id, "user_id": i + 1000,
                                                        "joined_at": now} for i in range(count)])
        db.session.execute(insert(Completion), [{"module_id": module.id, "user_id": i + 1000, "completed_at": now,
                                                 "method": "bulk", "is_current": True} for i in range(count)])
        start = now.replace(minute=0, second=0, microsecond=0) - timedelta(days=60)
        shifts = [Shift(campaign_id=campaign.id, point_id=points[i % 20].id, starts_at=start + timedelta(hours=6 * i),
                        ends_at=start + timedelta(hours=6 * i + 4), capacity=50, booked_count=50)
                  for i in range(count // 50 + 1)]
        db.session.add_all(shifts)
        db.session.flush()
        db.session.execute(insert(Booking), [{"id": i + 1, "shift_id": shifts[i // 50].id, "user_id": i + 1000,
                                              "status": "booked", "source": "self", "is_override": False,
                                              "created_at": now} for i in range(count)])
        db.session.execute(insert(Attendance), [
            {"booking_id": i + 1, "status": "present", "checked_in_at": shifts[i // 50].starts_at,
             "checked_out_at": shifts[i // 50].ends_at, "task": "", "updated_at": now} for i in range(count)])
        db.session.commit()


def issuing_seconds(url: str) -> tuple[float, int]:
    from portal import create_app
    from portal.campaigns.models import Campaign
    from portal.certificates import services
    from portal.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    populate(app, STUDENTS)
    with app.app_context():
        campaign = db.session.query(Campaign).filter_by(slug="bench").one()
        started = time.perf_counter()
        issued = services.issue_all(None, campaign)
        seconds = time.perf_counter() - started
        db.engine.dispose()
    return seconds, len(issued)


def proof_rates(url: str) -> dict[str, float]:
    """Credentials signed and verified per second with the Data Integrity proof, and the JWS baseline."""
    from portal import create_app
    from portal.certificates import badges, signing, verification
    from portal.certificates.models import Credential
    from portal.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        credentials = db.session.query(Credential).order_by(Credential.id).limit(200).all()
        documents = [badges.signed(c) for c in credentials]
        assert all(verification.verify(d).ok for d in documents[:5])
        payloads = [c.claims_json.encode() for c in credentials]
        tokens = [signing.sign_detached(p)[0] for p in payloads]
        turn = iter(range(10**9))
        rates = {
            "di_signed_per_s": per_second(lambda: badges.build(credentials[next(turn) % 200])),
            "di_verified_per_s": per_second(lambda: verification.verify(documents[next(turn) % 200])),
            "jws_signed_per_s": per_second(lambda: signing.sign_detached(payloads[next(turn) % 200])),
            "jws_verified_per_s": per_second(lambda: signing.verify_detached(tokens[(i := next(turn) % 200)],
                                                                             payloads[i])),
        }
        db.engine.dispose()
    return rates


def verify_ratio(url: str, folder: str) -> tuple[float, float, float]:
    from portal import create_app
    from portal.certificates.models import Credential
    from portal.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        codes = [c for (c,) in db.session.query(Credential.code).limit(500)]
        db.engine.dispose()
    env = {**os.environ, "DATABASE_URL": url, "PORTAL_ENV": "production", "NOTIFY_CHANNELS": "email",
           "GUNICORN_ACCESSLOG": "off",
           "JOBS_URL": os.environ.get("BENCH_JOBS_URL", "redis://127.0.0.1:6379/15"),
            "SECRET_KEY": "bench-secret-" + "x" * 32,
           "BASE_URL": "http://127.0.0.1", "ALLOW_HTTP": "1", "RATELIMIT_ENABLED": "false",
           "CERT_SIGNING_KEY_FILE": os.environ["CERT_SIGNING_KEY_FILE"],
           "RATELIMIT_VERIFY": "1000000 per minute", "CERT_FONT_DIR": app.config["CERT_FONT_DIR"]}
    port = free_port()
    process = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-w", os.environ.get("BENCH_WORKERS", "2"),
                                "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port, process)
        random.seed(7)

        async def get(path):
            status, _, _ = await http(port, "GET", path)
            return status

        for path in ("/livez", f"/verify/{codes[0]}"):
            (status,), _, _, _ = timed([lambda p=path: get(p)])
            assert status == 200, path
        bare_rates, verify_rates = [], []
        for _ in range(ROUNDS):  # alternate the two, so a noisy moment does not favour one
            bare, _, bare_seconds, _ = timed([lambda: get("/livez")] * REQUESTS, in_flight=IN_FLIGHT)
            pages, _, verify_seconds, _ = timed([lambda c=c: get(f"/verify/{c}")
                                                 for c in random.choices(codes, k=REQUESTS)], in_flight=IN_FLIGHT)
            assert set(bare) == {200} and set(pages) == {200}, (set(bare), set(pages))
            bare_rates.append(REQUESTS / bare_seconds)
            verify_rates.append(REQUESTS / verify_seconds)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    bare_rps, verify_rps = statistics.median(bare_rates), statistics.median(verify_rates)
    return verify_rps, bare_rps, verify_rps / bare_rps


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.environ.update({"PORTAL_ENV": "development", "CERT_SIGNING_KEY_FILE": f"{folder}/key.pem"})
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        Path(f"{folder}/key.pem").write_bytes(Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        Path(f"{folder}/key.pem").chmod(0o600)  # production refuses a key others can read
        from portal import create_app

        ours, baseline = pdf_ratio(create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/pdf.sqlite3"}))
        print(f"PDF per second on one core: ours {ours:.1f}, with reportlab's QrCodeWidget {baseline:.1f}")
        url = f"sqlite:///{folder}/issue.sqlite3"
        seconds, issued = issuing_seconds(url)
        print(f"issuing {issued} certificates on SQLite, with their Open Badges proofs: {seconds:.2f} s "
              f"({issued / seconds:.0f} per second)")
        rates = proof_rates(url)
        print("Open Badges on one core: signed {di_signed_per_s:.0f}/s, verified {di_verified_per_s:.0f}/s; "
              "detached JWS signed {jws_signed_per_s:.0f}/s, verified {jws_verified_per_s:.0f}/s".format(**rates))
        verify_rps, bare_rps, ratio = verify_ratio(url, folder)
        print(f"/verify/<code>: {verify_rps:.0f} req/s; bare /livez: {bare_rps:.0f} req/s")
    print(f"certificates pdf_ratio_vs_qrcodewidget={ours / baseline:.2f} issue_10k_seconds={seconds:.2f} "
          f"issue_target_s=60 issued={issued} verify_rps_ratio_vs_bare={ratio:.2f} "
          f"di_signed_per_s={rates['di_signed_per_s']:.0f} di_verified_per_s={rates['di_verified_per_s']:.0f} "
          f"di_sign_ratio_vs_jws={rates['di_signed_per_s'] / rates['jws_signed_per_s']:.3f} "
          f"di_verify_ratio_vs_jws={rates['di_verified_per_s'] / rates['jws_verified_per_s']:.3f}")


if __name__ == "__main__":
    main()
