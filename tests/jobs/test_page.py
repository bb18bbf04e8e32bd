"""The organisers' "Công việc nền" page: each run with its status, failures with their error and a way to
run them again, and the periodic schedules with their last run."""
from datetime import timedelta

from sqlalchemy import select

from portal.core import clock
from portal.extensions import db
from portal.jobs import queue
from portal.jobs.models import JobRun
from portal.mail import tasks
from tests.accounts.test_signup import GOOD
from tests.conftest import Auth
from tests.mail.test_outbox import _free_port, plain_server  # noqa: F401 (a fixture, found by name)


def test_each_run_is_recorded_with_what_became_of_it(make_app, plain_server):  # noqa: F811
    controller, inbox = plain_server
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False)
    with app.app_context():
        app.test_client().post("/signup", data=GOOD)
        tasks.deliver()
        (run,) = db.session.scalars(select(JobRun)).all()
        assert (run.name, run.status, run.attempts, run.args) == ("portal.mail.tasks.deliver", "done", 1, [])
        assert run.started_at and run.finished_at and run.error is None


def test_a_failed_job_shows_its_error_and_runs_again(make_app, make_user):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), MAIL_USE_TLS=False)
    with app.app_context():
        queue.huey.flush()
        app.test_client().post("/signup", data=GOOD)  # an email waits; the mail server is down
        db.session.add(JobRun(task_id="t-1", name="portal.mail.tasks.deliver", args=[], status="failed",
                              attempts=9, error="connect: [Errno 111] Connection refused"))
        db.session.commit()
        client = app.test_client()
        Auth(client).as_(make_user(role="admin", locale="en"))
        page = client.get("/admin/jobs/").get_data(as_text=True)
        assert "Send the outbox" in page and "Connection refused" in page and "Run again" in page
        assert "Look for emails waiting to be sent" in page and "every minute" in page  # the schedules
        answer = client.post(f"/admin/jobs/{db.session.scalar(select(JobRun.id))}/retry")
        assert answer.status_code == 303
        runs = db.session.scalars(select(JobRun).order_by(JobRun.id)).all()
        assert len(runs) == 2 and runs[1].name == "portal.mail.tasks.deliver"  # a new run, not the old one
        assert runs[1].status in ("retrying", "failed")  # the server is still down: it waits to try again
        queue.huey.flush()


def test_only_a_failed_run_can_run_again(client, auth, make_user):
    run = JobRun(task_id="t-2", name="portal.mail.tasks.deliver", args=[], status="done", attempts=1)
    db.session.add(run)
    db.session.commit()
    auth.as_(make_user(role="admin"))
    answer = client.post(f"/admin/jobs/{run.id}/retry", follow_redirects=True)
    assert "Chỉ chạy lại được công việc đã thất bại" in answer.get_data(as_text=True)
    assert db.session.scalar(select(JobRun.id).where(JobRun.id != run.id)) is None


def test_old_finished_runs_are_forgotten(app):
    old = clock.now() - timedelta(days=queue.KEEP_RUNS_DAYS + 1)
    db.session.add_all([JobRun(task_id="old", name="x", status="done", queued_at=old, finished_at=old),
                        JobRun(task_id="new", name="x", status="done", finished_at=clock.now()),
                        JobRun(task_id="waiting", name="x", status="queued", queued_at=old)])
    db.session.commit()
    assert queue.prune_runs() == 1
    assert sorted(db.session.scalars(select(JobRun.task_id))) == ["new", "waiting"]
