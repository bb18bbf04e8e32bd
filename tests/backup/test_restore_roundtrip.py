"""Disaster drill on PostgreSQL: a campaign with an issued certificate is backed up, restored into another
fresh database with the key in a new place, and the restored portal vouches for the same paper: its QR
code, scanned from the PDF, leads to a genuine verdict with the same code and the holder shown the same way.

It makes its own databases next to TEST_DATABASE_URL (postgresql://postgres@127.0.0.1:5432/test by
default) and drops them. Without PostgreSQL it is skipped, except under CI=true, where it fails.
"""
from __future__ import annotations

import os
import re
import shutil
from contextlib import contextmanager

import pypdfium2
import pytest
import zxingcpp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask_migrate import upgrade

from portal import create_app, throwaway
from portal.certificates import badges, records, verification
from portal.certificates import services as certificates
from portal.certificates.models import CertificateRule
from portal.extensions import db
from tests import factories

SERVER = os.environ.get("TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/test"
HOLDER = "Nguyễn Thị Phương Thảo"


def _postgresql_or_skip() -> None:
    """Fail under CI=true when PostgreSQL or its client programs are missing; skip elsewhere, saying why."""
    import psycopg
    from sqlalchemy.engine import make_url

    problem = None
    missing = [tool for tool in ("pg_dump", "pg_restore", "psql") if not shutil.which(tool)]
    if missing:
        problem = f"the PostgreSQL client programs are missing: {', '.join(missing)}"
    else:
        try:
            admin = make_url(SERVER).set(drivername="postgresql").render_as_string(hide_password=False)
            psycopg.connect(admin, connect_timeout=3).close()
        except psycopg.OperationalError as error:
            problem = f"PostgreSQL at {make_url(SERVER).host} cannot be reached ({type(error).__name__})"
    if problem and os.environ.get("CI") == "true":
        pytest.fail(f"{problem}: CI must run the restore drill")
    if problem:
        pytest.skip(problem)


@contextmanager
def portal_on(url: str, key_file: str):
    """An app on `url` whose signing key lives at `key_file`."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key-not-for-production", "BASE_URL":
                      "http://portal.test", "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                      "WTF_CSRF_ENABLED": False, "CERT_SIGNING_KEY_FILE": key_file})
    try:
        with app.app_context():
            yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _issue_one() -> str:
    """An ended campaign where one student earned a certificate; its code."""
    season = factories.finished_season()
    db.session.add(CertificateRule(campaign_id=season.campaign.id, require_training=False, min_minutes=240,
                                   max_no_shows=1))
    student = factories.user_builder()(full_name=HOLDER, school="Trường Đại học Luật Hà Nội")
    factories.enrol(season.campaign, student)
    factories.served(season.campaign, season.hoan_kiem, student, days_ago=40)
    admin = factories.user_builder()(role="admin")
    (credential,) = certificates.issue_all(admin, season.campaign)
    return credential.code


def _what_a_stranger_sees(app, code: str) -> dict:
    """Scan the QR code of the certificate's PDF and follow it on `app`, as a stranger's phone would."""
    pdf = records.pdf_bytes(records.find(code))
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=200 / 72).to_pil()
    (scanned,) = [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    address, token = scanned.split("#", 1)
    client = app.test_client()
    page = client.get(address.removeprefix("http://portal.test")).get_data(as_text=True)
    holder = client.post(f"/verify/{code}/holder", data={"token": token}).get_data(as_text=True)
    page = re.sub(r'<p class="verdict__checked">.*?</p>', "", page)  # when it was checked: not what changed
    badge = badges.signed(records.find(code))
    return {"scanned": scanned, "pdf": pdf, "valid": "verdict--valid" in page, "page": page, "badge": badge,
            "badge_verdict": verification.verify(badge).verdict,
            "code": re.search(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b", page).group(0),
            "holder": holder, "jwks": client.get("/.well-known/jwks.json").get_json()}


def test_a_restored_portal_vouches_for_the_certificates_issued_before_the_backup(tmp_path):
    _postgresql_or_skip()
    archive, old_key = tmp_path / "drill.tar.gz", tmp_path / "old-machine" / "signing.pem"
    old_key.parent.mkdir()
    old_key.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with throwaway.database("postgresql", SERVER, prefix="portal_drill_src") as url:
        with portal_on(url, str(old_key)) as app:
            upgrade()
            code = _issue_one()
            before = _what_a_stranger_sees(app, code)
            result = app.test_cli_runner().invoke(args=["backup", "--output", str(archive)])
            assert result.exit_code == 0, result.output
    assert before["valid"] and HOLDER in before["holder"]

    new_key = tmp_path / "new-machine" / "signing.pem"
    with throwaway.database("postgresql", SERVER, prefix="portal_drill_dst") as url:
        with portal_on(url, str(new_key)) as app:
            result = app.test_cli_runner().invoke(args=["restore", str(archive)])
            assert result.exit_code == 0, result.output
            assert "nothing to migrate" in result.output
            after = _what_a_stranger_sees(app, code)
    assert new_key.stat().st_mode & 0o777 == 0o600
    assert after["valid"] and after["code"] == before["code"]
    assert after["scanned"] == before["scanned"] and after["pdf"] == before["pdf"]
    assert after["holder"] == before["holder"] and HOLDER in after["holder"]
    assert after["page"] == before["page"] and "N. T. P. T." in after["page"]  # initials without the token
    assert after["badge"] == before["badge"] and after["badge_verdict"] == before["badge_verdict"] == "valid"
    assert after["jwks"] == before["jwks"] and new_key.read_bytes() == old_key.read_bytes()
