"""Configuration from the environment, with safe defaults and a refusal to run insecurely."""
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from portal import config
from portal.core.types import UTCDateTime
from portal.i18n import format_date

ROOT = Path(__file__).resolve().parents[2]


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        config.load(tmp_path, {})
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        config.load(tmp_path, {"PORTAL_ENV": "production"})


def test_wsgi_entry_point_exits_without_a_secret_key():
    env = {"PATH": "/usr/bin:/bin", "PORTAL_ENV": "production"}
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr


def test_development_keeps_a_generated_secret_in_the_instance_folder(tmp_path):
    first = config.load(tmp_path, {"PORTAL_ENV": "development"})["SECRET_KEY"]
    again = config.load(tmp_path, {"PORTAL_ENV": "development"})["SECRET_KEY"]
    assert first == again and len(first) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_unknown_environment_name_is_refused(tmp_path):
    with pytest.raises(config.ConfigError):
        config.load(tmp_path, {"PORTAL_ENV": "staging", "SECRET_KEY": "x"})


def test_sqlite_in_instance_by_default_and_postgresql_through_psycopg(tmp_path):
    default = config.load(tmp_path, {"PORTAL_ENV": "development"})
    assert default["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    for given in ("postgresql://u@db/portal", "postgres://u@db/portal"):
        loaded = config.load(tmp_path, {"PORTAL_ENV": "development", "DATABASE_URL": given})
        assert loaded["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/portal"


def test_time_zone_and_base_url(tmp_path):
    loaded = config.load(tmp_path, {"PORTAL_ENV": "development", "BASE_URL": "https://dh.example.org/"})
    assert loaded["BABEL_DEFAULT_TIMEZONE"] == "Asia/Ho_Chi_Minh"
    assert loaded["BASE_URL"] == "https://dh.example.org" and loaded["SESSION_COOKIE_SECURE"]


def test_utc_column_refuses_naive_datetimes_and_returns_aware_ones():
    column = UTCDateTime()
    with pytest.raises(ValueError):
        column.process_bind_param(datetime(2026, 1, 1, 12, 0), None)
    stored = column.process_bind_param(datetime(2026, 1, 1, 19, 0, tzinfo=timezone.utc), None)
    assert stored.tzinfo is None
    assert column.process_result_value(stored, None).tzinfo is timezone.utc


def test_dates_show_as_dd_mm_yyyy_in_hanoi_time(app):
    late_evening_utc = datetime(2025, 12, 31, 18, 30, tzinfo=timezone.utc)
    assert format_date(late_evening_utc) == "01/01/2026"  # already New Year in Hanoi (UTC+7)
    with app.test_request_context():
        from portal.i18n import format_datetime_local

        assert format_datetime_local(late_evening_utc) == "01/01/2026 01:30"


def test_production_needs_a_base_url(tmp_path):
    with pytest.raises(config.ConfigError, match="BASE_URL"):
        config.load(tmp_path, {"PORTAL_ENV": "production", "SECRET_KEY": "x" * 40})


def test_without_base_url_a_developer_gets_links_to_the_address_they_use(make_app, outbox):
    from tests.accounts.test_signup import GOOD

    app = make_app(BASE_URL="")
    with app.app_context():
        app.test_client().post("/signup", data=GOOD, base_url="http://127.0.0.1:5077")
        assert "http://127.0.0.1:5077/account/verify/" in outbox()[-1].body_text
