"""/healthz checks the database, Redis when configured and the job queue's age; /livez only answers."""
import json
import os
from datetime import timedelta

import pytest

from portal import create_app
from portal.core import clock
from portal.extensions import db
from portal.jobs.models import JobRun
from tests.conftest import _test_config
from tests.core.test_security import _redis_available
from tests.mail.test_outbox import _free_port


def _queued(minutes_ago: int, status: str = "queued") -> None:
    db.session.add(JobRun(task_id=f"t-{minutes_ago}-{status}", name="portal.jobs.tasks.prune", args=[],
                          status=status, queued_at=clock.now() - timedelta(minutes=minutes_ago)))
    db.session.commit()


def test_healthy_when_the_database_answers_and_nothing_waits(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert answer.json == {"status": "ok", "checks": {"database": {"status": "ok"},
                                                      "redis": {"status": "not configured"},
                                                      "job_queue": {"status": "ok", "oldest_queued_seconds": 0}}}


def test_liveness_answers_without_checking_anything(client):
    assert client.get("/livez").get_data(as_text=True) == "ok"


def test_unhealthy_when_the_database_cannot_be_reached(tmp_path):
    app = create_app(_test_config(f"sqlite:///{tmp_path}/missing-dir/portal.sqlite3"))  # no directory: no file
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503 and answer.json["status"] == "fail"
    assert answer.json["checks"]["database"] == {"status": "fail", "error": "OperationalError"}
    assert str(tmp_path) not in answer.get_data(as_text=True)  # the class of the error, never its text


def test_unhealthy_when_the_configured_redis_is_down(make_app):
    app = make_app(JOBS_URL=f"redis://127.0.0.1:{_free_port()}/14")  # nobody listens there
    with app.app_context():
        answer = app.test_client().get("/healthz")
    assert answer.status_code == 503
    assert answer.json["checks"]["redis"] == {"status": "fail", "error": "ConnectionError"}
    assert answer.json["checks"]["database"] == {"status": "ok"}
    assert "127.0.0.1" not in answer.get_data(as_text=True)


def test_healthy_when_the_configured_redis_answers(make_app):
    if not _redis_available():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the Redis health check: no Redis at 127.0.0.1:6379")
        pytest.skip("no Redis at 127.0.0.1:6379 on this machine")
    app = make_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/14", JOBS_URL="redis://127.0.0.1:6379/14")
    with app.app_context():
        answer = app.test_client().get("/healthz")
    assert answer.status_code == 200 and answer.json["checks"]["redis"] == {"status": "ok"}


def test_unhealthy_when_the_oldest_queued_job_waited_too_long(app, client):
    _queued(5)
    _queued(60, status="failed")  # finished runs, however old, are not the queue
    assert client.get("/healthz").status_code == 200
    _queued(11)
    answer = client.get("/healthz")
    assert answer.status_code == 503
    check = answer.json["checks"]["job_queue"]
    assert check["status"] == "fail" and 11 * 60 <= check["oldest_queued_seconds"] < 12 * 60


def test_the_queue_age_limit_is_a_setting(make_app):
    app = make_app(HEALTH_QUEUE_MAX_MINUTES=30)
    with app.app_context():
        _queued(11)
        assert app.test_client().get("/healthz").status_code == 200


def test_the_health_answer_holds_no_personal_data(client, make_user):
    make_user(email="an.nguyen@example.org", full_name="Nguyễn Văn An")
    body = json.dumps(client.get("/healthz").json)
    assert "@" not in body and "Nguyễn" not in body
