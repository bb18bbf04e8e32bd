"""Sending the last full period's report to the organisers, through the outbox."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.accounts.models import User, UserRole
from portal.campaigns.models import Campaign
from portal.core.urls import external_url
from portal.extensions import db
from portal.jobs import queue
from portal.mail import services as mail
from portal.reports.figures import Filters, compare, figures, last_full, previous
from portal.reports.labels import HEADLINE_LABELS
from portal.reports.scans import add_scans


def send_period(kind: str, today: date) -> list[str]:
    """Queue one email per active organiser and campaign running in the last full week or month;
    return what was queued, a line each. Once per period: run again (by a second worker, or by hand)
    it queues nothing and returns no line."""
    start, end = last_full(kind, today)
    if not queue.claim_period(f"reports.{kind}", start.isoformat()):
        db.session.rollback()
        return []
    before = previous(kind, start)
    campaigns = db.session.scalars(select(Campaign).where(
        Campaign.status != "draft", Campaign.start_date <= end, Campaign.end_date >= start)
        .order_by(Campaign.start_date)).all()
    organisers = db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id).where(
        UserRole.role == "admin", User.is_active_account).order_by(User.sort_name)).all()
    sent = []
    for campaign in campaigns:
        current, earlier = figures(Filters(start, end, campaign_id=campaign.id)), figures(
            Filters(*before, campaign_id=campaign.id))
        add_scans(current, earlier, Filters(start, end, campaign_id=campaign.id), before[0])
        rows = compare(current, earlier)
        link = external_url("reports.report", kind=kind, campaign=campaign.id, start=start.isoformat())
        for person in organisers:
            mail.queue(person.email, "report_period", "report", person.locale, user=person, period_kind=kind,
                       campaign=campaign, start=start, end=end, rows=rows, link=link, labels=HEADLINE_LABELS)
            sent.append(f"{person.email}\t{campaign.slug}\t{start.isoformat()}–{end.isoformat()}")
    db.session.commit()
    return sent
