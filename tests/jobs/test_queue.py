"""The job queue (huey): jobs run at once in tests and through a real worker; the outbox is delivered
by a job that backs off while the mail server is down, and never fails a message for the outage."""
import os
import time
from datetime import timedelta

import pytest
import redis
from sqlalchemy import select

from portal.core import clock
from portal.extensions import db
from portal.jobs.queue import huey
from portal.mail import tasks
from portal.mail.models import OutboxMessage
from tests.accounts.test_signup import GOOD
from tests.core.test_security import _redis_available
from tests.mail.test_outbox import _free_port, plain_server  # noqa: F401 (a fixture, found by name)


def test_a_queued_email_is_delivered_by_the_job(make_app, plain_server):  # noqa: F811
    controller, inbox = plain_server
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False)
    with app.app_context():
        assert huey.immediate  # the test setting: the job runs at once, here
        assert app.test_client().post("/signup", data=GOOD).status_code == 303
        tasks.deliver()
        assert db.session.scalar(select(OutboxMessage)).status == "sent"
    assert len(inbox.messages) == 1


def test_an_outage_is_tried_again_later_with_growing_delays_and_fails_nothing(make_app):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), MAIL_USE_TLS=False)
    with app.app_context():
        app.test_client().post("/signup", data=GOOD)
        huey.flush()
        started = clock.now().replace(tzinfo=None)  # huey keeps naive UTC
        tasks.deliver()
        (retry,) = huey.scheduled()
        assert retry.name.endswith("deliver") and retry.retries == tasks.RETRIES - 1
        assert timedelta(seconds=14) <= retry.eta - started <= timedelta(seconds=16)  # the first try: 15 s later
        huey.storage.flush_schedule()
        huey.execute(retry, timestamp=retry.eta)  # the retry, when it is due, fails too: the next wait is 30 s
        (again,) = huey.scheduled()
        assert again.retries == tasks.RETRIES - 2
        assert timedelta(seconds=29) <= again.eta - started <= timedelta(seconds=31)
        assert again.retry_delay == tasks.FIRST_DELAY * 4  # and the one after, a minute
        message = db.session.scalar(select(OutboxMessage))
        assert message.status == "pending" and message.attempts == 0 and "connect" in message.last_error
        huey.flush()


def _queue_url(kind: str, tmp_path) -> str:
    """A queue of `kind` for one test: a SQLite file, or a database of the local Redis (emptied first)."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path}/jobs.sqlite3"
    if not _redis_available():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the Redis queue test: no Redis at 127.0.0.1:6379")
        pytest.skip("no Redis at 127.0.0.1:6379 on this machine")
    redis.Redis(host="127.0.0.1", port=6379, db=15).flushdb()
    return "redis://127.0.0.1:6379/15"


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_a_real_worker_delivers_from_the_queue(make_app, plain_server, tmp_path, kind):  # noqa: F811
    """The web app queues the delivery (in a SQLite file, or in Redis as in production); a worker takes it."""
    controller, inbox = plain_server
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False,
                   JOBS_IMMEDIATE=False, JOBS_URL=_queue_url(kind, tmp_path))
    try:
        assert not huey.immediate
        with app.app_context():
            assert app.test_client().post("/signup", data=GOOD).status_code == 303  # asks for a delivery
            assert huey.pending_count() == 1 and inbox.messages == []  # queued, not sent in the request
        consumer = huey.create_consumer(workers=1, worker_type="thread", periodic=False)
        consumer.start()
        try:
            deadline = time.monotonic() + 10
            while not inbox.messages and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            consumer.stop(graceful=True)
        assert len(inbox.messages) == 1 and huey.pending_count() == 0
        with app.app_context():
            assert db.session.scalar(select(OutboxMessage)).status == "sent"
    finally:
        huey.immediate = True


def test_the_worker_command_says_no_worker_is_needed_when_jobs_run_at_once(app):
    result = app.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code != 0 and "JOBS_IMMEDIATE" in result.output


def test_the_minute_sweep_is_a_periodic_job():
    periodic = {t.name for t in huey.read_periodic(clock.now().replace(tzinfo=None))}  # due every minute
    assert any(name.endswith("sweep") for name in periodic)


@pytest.mark.parametrize("url", ["mysql://x", "memory://"])
def test_an_unknown_queue_address_is_refused(make_app, url):
    with pytest.raises(ValueError):
        make_app(JOBS_IMMEDIATE=False, JOBS_URL=url)
    huey.immediate = True


def test_an_organiser_sends_a_failed_email_again(client, auth, make_user):
    message = OutboxMessage(to_email="lan@example.org", subject="Chào", body_text="Nội dung", kind="test",
                            status="failed", attempts=5, last_error="550 mailbox full")
    db.session.add(message)
    db.session.commit()
    auth.as_(make_user(role="admin"))
    assert "Gửi lại" in client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert client.post(f"/admin/outbox/{message.id}/retry").status_code == 303
    db.session.refresh(message)
    assert (message.status, message.attempts, message.last_error) == ("pending", 0, None)
    again = client.post(f"/admin/outbox/{message.id}/retry", follow_redirects=True)  # not failed any more
    assert "Chỉ gửi lại được email đã gửi không thành công" in again.get_data(as_text=True)
    db.session.refresh(message)
    assert message.status == "pending"
