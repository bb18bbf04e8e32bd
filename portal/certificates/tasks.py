"""Certificates' background jobs: an issuing run, a batch per transaction, on the worker; the nightly
signing of the status lists.

The organiser confirms on the page and the run goes on without them: closing the tab, or a slow
campaign of thousands, leaves nothing half-issued (each batch commits on its own, and a second run
for the campaign waits for the first's lock, then finds only the newly eligible).
"""
from __future__ import annotations

from huey import crontab
from sqlalchemy import select

from portal.accounts.models import User
from portal.campaigns.models import Campaign
from portal.certificates import services as certificates
from portal.certificates import status_lists
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.jobs import queue
from portal.jobs.models import JobRun

RUNNING = ("queued", "running", "retrying")


@queue.job(_l("Issue a campaign's certificates"), retries=3, retry_delay=20, retry_backoff=2)
def issue_run(campaign_id: int, actor_id: int, reason: str | None = None) -> int:
    """Issue to everyone newly eligible, a batch per transaction; the number issued. A run already
    holding the campaign makes this one fail and try again later (InvalidInput, retried)."""
    campaign, actor = db.session.get(Campaign, campaign_id), db.session.get(User, actor_id)
    if campaign is None or actor is None:
        return 0
    issued = 0
    while True:
        step = certificates.issue_step(actor, campaign, reason)
        issued += len(step.issued)
        if not (step.remaining and step.issued):
            return issued


def run_in_progress(campaign_id: int) -> bool:
    """Tell whether an issuing run for the campaign is waiting or running on the queue."""
    runs = db.session.scalars(select(JobRun.args).where(
        JobRun.name == queue.name_of(issue_run), JobRun.status.in_(RUNNING)))
    return any(args and args[0] == campaign_id for args in runs)


# 20:50 UTC is 03:50 in Hanoi. Each list is valid for two days, so one missed night leaves nothing stale.
@queue.periodic(_l("Sign the credential status lists again"), crontab(hour="20", minute="50"),
                _l("every night at 03:50"))
def refresh_status_lists() -> int:
    """Sign every status list again with a new validUntil; how many."""
    with queue.huey.lock_task("certificates.status_lists"):
        status_lists.backfill()
        count = status_lists.refresh_all()
        db.session.commit()
        return count
