"""Error reports (Sentry) leave with no personal data, and only when SENTRY_DSN is set."""
import copy
import json
from types import SimpleNamespace

import pytest
import sentry_sdk
from flask import g

from portal.core import errors_report

EMAIL, NAME, PHONE = "an.nguyen@example.org", "Nguyễn Văn An", "0912 345 678"
TOKEN = "ImFuLm5ndXllbkBleGFtcGxlLm9yZyI.Z5x1Qw.k3Q9vYx2Lm8pT4rZs6Wn1bHc5Jd7"
SESSION = "s3ss10n-c00kie-value-9f8e7d6c5b4a"
PERSONAL = [EMAIL, "an.nguyen", "an.nguyen%40example.org", NAME, "Nguyễn", PHONE, "0912345678", "+84912345678",
            TOKEN, "k3Q9vYx2Lm8pT4rZs6Wn1bHc5Jd7", SESSION, "Bearer", "hunter2-Passw0rd", "203.0.113.7",
            "01/02/2003", "12 Phố Huế"]


def realistic_event() -> dict:
    """What the Flask integration sends for an IntegrityError in a signed-in person's form post."""
    return {
        "level": "error", "platform": "python", "server_name": "web-1", "environment": "production",
        "transaction": "/password/reset/<token>",
        "exception": {"values": [{
            "type": "IntegrityError", "module": "sqlalchemy.exc",
            "value": ('(psycopg.errors.UniqueViolation) duplicate key value violates unique constraint '
                      f'"uq_users_email"\nDETAIL:  Key (email)=({EMAIL}) already exists.\n'
                      f'[SQL: UPDATE users SET email=%(email)s, phone=%(phone)s WHERE users.id = %(id)s]\n'
                      f"[parameters: {{'email': '{EMAIL}', 'phone': '{PHONE}', 'id': 42}}]"),
            "stacktrace": {"frames": [
                {"function": "change_profile", "module": "portal.accounts.routes",
                 "filename": "portal/accounts/routes.py", "lineno": 205,
                 "context_line": "    services.update_profile(current_user, form.data)",
                 "vars": {"form": f"<ProfileForm email={EMAIL} full_name={NAME}>", "password": "hunter2-Passw0rd"}},
                {"function": "update_profile", "module": "portal.accounts.services", "lineno": 88,
                 "vars": {"user": f"<User 42 {EMAIL}>", "phone": PHONE}},
            ]},
        }, {
            "type": "ValueError", "module": None,
            "value": f"no certificate for {NAME} (born 01/02/2003) at 12 Phố Huế, call +84912345678 or 0912345678",
            "stacktrace": {"frames": [{"function": "issue_for", "module": "portal.certificates.services",
                                       "vars": {"holder": NAME}}]},
        }]},
        "threads": {"values": [{"stacktrace": {"frames": [{"function": "run", "vars": {"token": TOKEN}}]}}]},
        "request": {
            "method": "POST",
            "url": f"https://donghanh.example.org/password/reset/{TOKEN}?email=an.nguyen%40example.org",
            "query_string": f"email=an.nguyen%40example.org&token={TOKEN}",
            "data": {"full_name": NAME, "email": EMAIL, "phone": PHONE, "birth_date": "01/02/2003",
                     "address": "12 Phố Huế", "password": "hunter2-Passw0rd"},
            "cookies": {"session": SESSION, "remember_token": TOKEN},
            "headers": {"Host": "donghanh.example.org", "Authorization": f"Bearer {TOKEN}",
                        "Cookie": f"session={SESSION}", "X-Request-Id": "req-42", "Referer": f"https://x/?e={EMAIL}",
                        "User-Agent": "Mozilla/5.0", "X-Forwarded-For": "203.0.113.7"},
            "env": {"REMOTE_ADDR": "203.0.113.7", "SERVER_NAME": "donghanh.example.org"},
        },
        "user": {"id": 42, "email": EMAIL, "username": NAME, "ip_address": "203.0.113.7", "name": NAME},
        "extra": {"note": f"{NAME} called from {PHONE}", "phone_number": PHONE, "shift_id": 7},
        "tags": {"endpoint": "accounts.reset_password", "user_email": EMAIL},
        "contexts": {"runtime": {"name": "CPython", "version": "3.11.7"},
                     "person": {"full_name": NAME, "mobile": "+84912345678"}},
        "logentry": {"message": "sign-in failed for %s", "params": [EMAIL], "formatted": f"sign-in failed for {EMAIL}"},
        "breadcrumbs": {"values": [
            {"category": "query", "type": "default", "timestamp": "2026-12-04T10:00:00Z",
             "message": f"SELECT users.id FROM users WHERE users.email = '{EMAIL}'", "data": {"params": [EMAIL]}},
            {"category": "httplib", "type": "http", "data": {"url": f"https://push.example/?token={TOKEN}"}},
        ]},
    }


def test_no_personal_data_survives_the_scrubber():
    scrubbed = json.dumps(errors_report.scrub(realistic_event(), {}), ensure_ascii=False)
    survivors = [value for value in PERSONAL if value in scrubbed]
    assert survivors == []


def test_the_exception_type_frames_and_the_numeric_user_id_survive():
    event = errors_report.scrub(realistic_event(), {})
    first, second = event["exception"]["values"]
    assert first["type"] == "IntegrityError" and second["type"] == "ValueError"
    assert [f["function"] for f in first["stacktrace"]["frames"]] == ["change_profile", "update_profile"]
    assert first["stacktrace"]["frames"][0]["lineno"] == 205
    assert "uq_users_email" in first["value"] and "duplicate key value" in first["value"]
    assert event["user"] == {"id": 42}
    assert event["request"]["method"] == "POST"
    assert event["request"]["url"] == "https://donghanh.example.org/password/reset/[Filtered]"
    assert event["request"]["headers"] == {"Host": "donghanh.example.org", "X-Request-Id": "req-42"}
    assert event["contexts"]["runtime"] == {"name": "CPython", "version": "3.11.7"}
    assert event["extra"]["shift_id"] == 7
    assert event["logentry"] == {"message": "sign-in failed for %s", "params": []}
    assert [c["category"] for c in event["breadcrumbs"]["values"]] == ["query", "httplib"]


def test_the_signed_in_persons_name_is_erased_from_free_text(app):
    event = {"exception": {"values": [{"type": "RuntimeError", "value": f"{NAME} cannot be rostered"}]}}
    with app.test_request_context("/"):
        g._login_user = SimpleNamespace(id=42, full_name=NAME, email=EMAIL, phone=None)
        g.request_id = "req-7"
        scrubbed = errors_report.scrub(copy.deepcopy(event), {})
    assert scrubbed["exception"]["values"][0]["value"] == "[Filtered] cannot be rostered"
    assert scrubbed["tags"]["request_id"] == "req-7"


@pytest.fixture
def no_sentry_after():
    """Leave the process without a Sentry client, whatever the test started."""
    yield
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


def test_without_sentry_dsn_nothing_is_initialised(make_app, no_sentry_after):
    app = make_app()
    assert app.config["SENTRY_DSN"] == "" and errors_report.init_app(app) is False
    assert not sentry_sdk.get_client().is_active()


def test_with_sentry_dsn_the_sdk_starts_with_the_scrubber_and_no_pii(make_app, no_sentry_after):
    make_app(SENTRY_DSN="https://public@127.0.0.1:9/1")  # nothing is sent unless an error happens
    client = sentry_sdk.get_client()
    assert client.is_active()
    assert client.options["before_send"] is errors_report.scrub and not client.options["send_default_pii"]
    collect = client.options["data_collection"]
    assert collect["user_info"] is False and collect["stack_frame_variables"] is False and collect["http_bodies"] == []
    assert collect["cookies"]["mode"] == collect["url_query_params"]["mode"] == "off"
    assert collect["http_headers"]["request"]["mode"] == "allowlist" and not collect["database_query_data"]
