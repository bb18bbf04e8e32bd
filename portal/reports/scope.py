"""Who sees which figures: admins everything, leaders only the points they lead."""
from __future__ import annotations

import json
from datetime import date, timedelta

from flask import request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from portal.campaigns import points as points_service
from portal.campaigns.models import Branch, Campaign, ServicePoint
from portal.core import clock
from portal.extensions import db
from portal.forms import choices
from portal.reports.figures import Filters
from portal.reports.forms import DashboardFilter


def today() -> date:
    return clock.local_today()


def led_point_ids(user) -> tuple[int, ...] | None:
    """None for admins (every point); the led points' ids for a leader."""
    if user.has_role("admin"):
        return None
    return tuple(p.id for p in points_service.points_led_by(user))


def filter_form(user) -> tuple[DashboardFilter, Filters]:
    """The filter form with the choices this person may use, and the filters it describes."""
    form = DashboardFilter(request.args)
    form.validate()
    campaigns = db.session.scalars(select(Campaign).where(Campaign.status != "draft")  # organisers: the PDF only
                                   .options(lazyload(Campaign.organisers)).order_by(Campaign.start_date.desc())).all()
    allowed = led_point_ids(user)
    point_query = select(ServicePoint).order_by(ServicePoint.name)
    if allowed is not None:
        point_query = point_query.where(ServicePoint.id.in_(allowed or (-1,)))
    points = db.session.scalars(point_query).all()
    branches = db.session.scalars(select(Branch).where(Branch.id.in_({p.branch_id for p in points} or {-1}))
                                  .order_by(Branch.name)).all()
    form.campaign.choices = choices([(0, _("All campaigns"))] + [(c.id, c.name) for c in campaigns])
    form.branch.choices = choices([(0, _("All branches"))] + [(b.id, b.name) for b in branches])
    form.point.choices = choices([(0, _("All my points") if allowed is not None else _("All points"))]
                                 + [(p.id, p.name) for p in points])
    by_id = {c.id: c for c in campaigns}
    campaign_id = form.campaign.data if form.campaign.data in by_id else None
    if "campaign" not in request.args and campaigns:  # the current season by default
        current = next((c for c in campaigns if c.status == "open"), campaigns[0])
        campaign_id = form.campaign.data = current.id
    # A campaign chosen now brings its own dates: a past season must not show the last 30 days' zeros
    # until both dates are retyped. Chosen now means: the form says its dates were for another
    # campaign, or a link names a campaign and no dates.
    if "dates_for" in request.args:
        form.campaign_changed = bool(campaign_id) and (form.dates_for.data or "") != str(campaign_id)
    else:
        form.campaign_changed = bool(campaign_id) and "campaign" in request.args and not (
            request.args.get("start") or request.args.get("end"))
    if form.campaign_changed:
        chosen = by_id[campaign_id]
        form.start.data, form.end.data = chosen.start_date, chosen.end_date
        form.start.errors, form.end.errors = [], []
        form.start.raw_data, form.end.raw_data = [], []  # show the campaign's dates, not those sent
    form.chosen_campaign = by_id.get(campaign_id)
    form.dates_for.data = str(campaign_id or "")
    form.campaign_dates = json.dumps({str(c.id): [c.start_date.strftime("%d/%m/%Y"), c.end_date.strftime("%d/%m/%Y")]
                                      for c in campaigns})
    end = form.end.data if not form.end.errors and form.end.data else today()
    start = form.start.data if not form.start.errors and form.start.data else end - timedelta(days=29)
    if start > end:
        start, end = end, start
    if (end - start).days > 366:
        start = end - timedelta(days=366)
    form.start.data, form.end.data = start, end
    point_id = form.point.data if form.point.data in {p.id for p in points} else None
    branch_id = form.branch.data if form.branch.data in {b.id for b in branches} else None
    filters = Filters(start=start, end=end, campaign_id=campaign_id, branch_id=branch_id, point_id=point_id,
                      point_ids=allowed, school=(form.school.data or "").strip(),
                      chapter=(form.chapter.data or "").strip())
    return form, filters
