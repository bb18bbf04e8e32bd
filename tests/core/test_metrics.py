"""/metrics: Prometheus figures behind METRICS_TOKEN; request counts add up over a server's workers."""
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from portal import config
from portal.core import clock, metrics
from portal.extensions import db
from portal.jobs.models import JobRun
from portal.shifts.models import Booking
from tests.core.test_production_settings import key_file, refusal, safe  # noqa: F401 (fixtures, found by name)

TOKEN = "m3tr1cs-t0ken-for-the-tests-only"


def _samples(text: str) -> dict:
    """{(name, (sorted label items)): value} from Prometheus text."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


@pytest.fixture
def scrape(make_app):
    """An app with METRICS_TOKEN, and scrape() -> its figures as parsed samples."""
    app = make_app(METRICS_TOKEN=TOKEN)

    def read():
        answer = app.test_client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 200 and answer.content_type.startswith("text/plain; version=")
        return _samples(answer.get_data(as_text=True))

    with app.app_context():
        read.app = app
        yield read


def test_without_a_token_configured_there_are_no_metrics(client):
    assert client.get("/metrics", headers={"Authorization": "Bearer anything"}).status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN[:-1]}",
                                    f"Bearer {TOKEN}x", "Bearer "])
def test_a_missing_or_wrong_token_is_refused(make_app, header):
    app = make_app(METRICS_TOKEN=TOKEN)
    answer = app.test_client().get("/metrics", headers={"Authorization": header} if header else {})
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert b"portal_" not in answer.data


def test_requests_are_counted_by_endpoint_and_status_with_their_durations(scrape):
    before = scrape()
    client = scrape.app.test_client()
    client.get("/livez")
    client.get("/livez")
    client.get("/no-such-page")
    after = scrape()
    ok = ("portal_requests_total", (("endpoint", "core.live"), ("method", "GET"), ("status", "200")))
    missing = ("portal_requests_total", (("endpoint", "none"), ("method", "GET"), ("status", "404")))
    assert after[ok] - before.get(ok, 0) == 2 and after[missing] - before.get(missing, 0) == 1
    count = ("portal_request_duration_seconds_count", (("endpoint", "core.live"),))
    fast = ("portal_request_duration_seconds_bucket", (("endpoint", "core.live"), ("le", "+Inf")))
    assert after[count] - before.get(count, 0) == 2 and after[fast] == after[count]


def test_bookings_and_the_queue_are_read_from_the_database(scrape, make_campaign, make_point, make_shift,
                                                           make_user):
    campaign = make_campaign()
    shift = make_shift(campaign, make_point())
    for status in ("booked", "booked", "cancelled"):
        db.session.add(Booking(shift_id=shift.id, user_id=make_user().id, status=status))
    db.session.add(JobRun(task_id="t-q", name="portal.jobs.tasks.prune", status="queued",
                          queued_at=clock.now() - timedelta(minutes=3)))
    db.session.add(JobRun(task_id="t-r", name="portal.jobs.tasks.prune", status="retrying"))
    db.session.add(JobRun(task_id="t-d", name="portal.jobs.tasks.prune", status="done"))
    db.session.commit()
    figures = scrape()
    assert figures[("portal_bookings", (("status", "booked"),))] == 2
    assert figures[("portal_bookings", (("status", "cancelled"),))] == 1
    assert figures[("portal_jobs", (("status", "queued"),))] == 1
    assert figures[("portal_jobs", (("status", "failed"),))] == 0
    assert figures[("portal_job_queue_length", ())] == 2
    assert 180 <= figures[("portal_job_queue_oldest_seconds", ())] < 240


def test_the_token_is_compared_whole(make_app):
    with make_app(METRICS_TOKEN=TOKEN).test_request_context():
        assert metrics.token_matches(TOKEN)
        assert not metrics.token_matches(TOKEN[:8]) and not metrics.token_matches("")
        assert not metrics.token_matches(None)
    with make_app(METRICS_TOKEN="").test_request_context():
        assert not metrics.token_matches("")


WORKER = """
from portal.core import metrics
for _ in range({n}):
    metrics.observe_request("core.live", "GET", 200, 0.002)
"""
SCRAPE = """
from prometheus_client import CollectorRegistry, generate_latest, multiprocess
registry = CollectorRegistry()
multiprocess.MultiProcessCollector(registry)
print(generate_latest(registry).decode())
"""


def test_several_worker_processes_are_added_up_in_multiprocess_mode(tmp_path):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for n in (3, 4):  # two gunicorn workers of one server, each counting its own requests
        subprocess.run([sys.executable, "-c", WORKER.format(n=n)], env=env, check=True, timeout=60)
    out = subprocess.run([sys.executable, "-c", SCRAPE], env=env, check=True, timeout=60, capture_output=True,
                         text=True).stdout
    samples = _samples(out)
    assert samples[("portal_requests_total", (("endpoint", "core.live"), ("method", "GET"), ("status", "200")))] == 7
    assert samples[("portal_request_duration_seconds_count", (("endpoint", "core.live"),))] == 7


def test_production_refuses_a_short_token_and_per_worker_counts(tmp_path, safe):  # noqa: F811
    assert "METRICS_TOKEN is shorter" in refusal(tmp_path, {**safe, "METRICS_TOKEN": "short"})
    assert "PROMETHEUS_MULTIPROC_DIR" in refusal(tmp_path, {**safe, "METRICS_TOKEN": TOKEN})
    config.load(tmp_path, {**safe, "METRICS_TOKEN": TOKEN, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)})
    config.load(tmp_path, {**safe, "METRICS_TOKEN": TOKEN, "WEB_CONCURRENCY": "1"})
