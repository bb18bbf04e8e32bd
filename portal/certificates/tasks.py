"""Certificates' background job: an issuing run, a batch per transaction, on the worker.

The organiser confirms on the page and the run goes on without them: closing the tab, or a slow
campaign of thousands, leaves nothing half-issued (each batch commits on its own, and a second run
for the campaign waits for the first's lock, then finds only the newly eligible).
"""
from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.campaigns.models import Campaign
from portal.certificates import services as certificates
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
