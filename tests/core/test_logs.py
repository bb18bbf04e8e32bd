"""Log lines: one JSON line per request and per job run, with its request id, and no personal data."""
import io
import json
import logging
from types import SimpleNamespace

import pytest

from portal import access, config
from portal.core import logs
from portal.jobs import queue
from portal.jobs import tasks as job_tasks
from portal.mail import tasks as mail_tasks
from tests.accounts.test_signup import GOOD
from tests.conftest import Auth
from tests.mail.test_outbox import _free_port

FIELDS = {"time", "level", "logger", "message", "request_id", "user_id", "endpoint", "rule", "method", "status",
          "duration_ms", "statements"}


@pytest.fixture
def log_lines():
    """The portal's log records as the production JSON formatter writes them: read() -> [dict, ...]."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logs.formatter("json"))
    handler.addFilter(logs.RequestIdFilter())  # as on the portal's own handler
    logger = logging.getLogger("portal")
    logger.addHandler(handler)

    def read(name=None):
        lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
        return [line for line in lines if name is None or line["logger"] == name], buffer.getvalue()

    read.clear = lambda: (buffer.seek(0), buffer.truncate())
    yield read
    logger.removeHandler(handler)


def test_a_request_writes_one_json_line_with_its_fields(client, auth, make_user, log_lines):
    student = auth.as_(make_user(email="an.nguyen@example.org", full_name="Nguyễn Văn An"))
    log_lines.clear()
    response = client.get("/profile")
    (line,), _raw = log_lines("portal.request")
    assert FIELDS <= set(line)
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["user_id"] == student.id and line["endpoint"] == "accounts.profile" and line["method"] == "GET"
    assert line["status"] == 200 and line["duration_ms"] > 0 and line["statements"] >= 1


def test_no_email_name_password_or_token_is_logged_even_from_the_url_or_the_form(client, make_user, log_lines):
    make_user(email="an.nguyen@example.org", full_name="Nguyễn Văn An")
    client.post("/login?next=/profile&token=Tok3nInTheQueryString&email=an.nguyen%40example.org",
                data={"email": "an.nguyen@example.org", "password": "Wrong-Passw0rd-Here"})
    client.get("/password/reset/ImFuLm5ndXllbkBleGFtcGxlLm9yZyI.aBcD3fGh?email=an.nguyen@example.org")
    lines, raw = log_lines("portal.request")
    assert [line["endpoint"] for line in lines] == ["accounts.login", "accounts.reset_password"]
    assert lines[1]["rule"] == "/password/reset/<token>"  # the route, not the path that carries the token
    for secret in ("an.nguyen", "example.org", "Nguyễn", "Tok3nInTheQueryString", "Wrong-Passw0rd", "ImFuLm5n",
                   "aBcD3fGh", "%40"):
        assert secret not in raw


@pytest.mark.parametrize(("incoming", "kept"), [("req-42.abc_DEF", True), ("a" * 64, True), ("a" * 65, False),
                                                 ("id with spaces", False), ("<script>", False), ("", False)])
def test_the_proxys_request_id_is_kept_only_when_it_looks_sane(client, incoming, kept):
    answered = client.get("/livez", headers={"X-Request-ID": incoming}).headers["X-Request-ID"]
    assert (answered == incoming) is kept
    assert len(answered) <= 64 and logs.SANE_REQUEST_ID.fullmatch(answered)


def test_every_request_gets_its_own_id(client):
    assert client.get("/livez").headers["X-Request-ID"] != client.get("/livez").headers["X-Request-ID"]


@pytest.mark.parametrize(("env", "log_format", "expected"), [
    ("production", "", "json"), ("development", "", "text"), ("test", "", "text"),
    ("production", "text", "text"), ("development", "json", "json")])
def test_json_in_production_and_text_elsewhere_unless_log_format_says(env, log_format, expected):
    app = SimpleNamespace(config={"PORTAL_ENV": env, "LOG_FORMAT": log_format})
    assert logs.log_format(app) == expected


def test_an_unknown_log_format_is_refused(tmp_path):
    with pytest.raises(config.ConfigError, match="LOG_FORMAT"):
        config.load(tmp_path, {"PORTAL_ENV": "development", "SECRET_KEY": "x", "LOG_FORMAT": "xml"})


def test_text_lines_name_the_request(make_app, make_user, capsys):
    app = make_app(LOG_FORMAT="text")
    try:
        with app.app_context():
            rid = app.test_client().get("/livez", headers={"X-Request-ID": "trace-me-1"}).headers["X-Request-ID"]
        err = capsys.readouterr().err
        assert f"INFO portal.request [{rid}]: GET core.live 200" in err and "{" not in err
    finally:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if type(h).__name__ == "_StderrHandler"]:
            root.removeHandler(handler)  # later tests run without it, as pytest's own capture expects


def test_a_job_run_writes_one_line_with_its_outcome(app, log_lines):
    job_tasks.prune()  # jobs run at once in tests, through the same signals as in a worker
    (line,), _raw = log_lines("portal.jobs")
    assert line["task"] == "portal.jobs.tasks.prune" and line["status"] == "done" and line["task_id"]
    assert line["duration_ms"] >= 0 and line["retries_left"] == 0 and line["error"] is None


def test_a_failing_job_logs_its_error_class_and_retries_but_not_its_text(make_app, log_lines):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), MAIL_USE_TLS=False)
    with app.app_context():
        queue.huey.flush()
        app.test_client().post("/signup", data=GOOD)  # an email to a person waits; the mail server is down
        log_lines.clear()
        mail_tasks.deliver()
        queue.huey.flush()
    (line,), raw = log_lines("portal.jobs")
    assert line["task"] == "portal.mail.tasks.deliver" and line["status"] == "failed, will retry"
    assert line["retries_left"] == mail_tasks.RETRIES - 1 and line["error"] and line["level"] == "WARNING"
    assert GOOD["email"] not in raw and "127.0.0.1" not in raw


def test_statements_are_counted_per_request(client, make_user, log_lines):
    Auth(client).as_(make_user())
    log_lines.clear()
    client.get("/livez")
    client.get("/profile")
    lines, _raw = log_lines("portal.request")
    assert lines[0]["statements"] < lines[1]["statements"]


def test_an_unhandled_error_is_logged_by_endpoint_with_a_scrubbed_traceback(make_app, log_lines):
    app = make_app(PROPAGATE_EXCEPTIONS=False)  # answer 500 as in production, instead of raising into the test

    @app.route("/boom/<token>")
    @access.public
    def boom(token):
        raise RuntimeError(f"no shift for an.nguyen@example.org, 0912 345 678, link {token}")

    with app.app_context():
        answer = app.test_client().get("/boom/ImFuLm5ndXllbkBleGFtcGxlLm9yZyI.aBcD3fGh",
                                       headers={"X-Request-ID": "r-1"})
    lines, raw = log_lines()
    error, request_line = lines
    assert answer.status_code == 500 and request_line["status"] == 500 and request_line["request_id"] == "r-1"
    assert error["message"] == "Exception on boom [GET]" and error["request_id"] == "r-1"
    assert "RuntimeError: no shift for [Filtered]" in error["exc_info"]
    for secret in ("an.nguyen", "0912 345 678", "ImFuLm5n", "aBcD3fGh"):
        assert secret not in raw
