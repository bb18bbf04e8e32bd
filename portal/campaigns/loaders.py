"""The one campaign loader for views: a campaign by its slug, or 404."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from portal.campaigns import services as campaigns
from portal.campaigns.models import Campaign


def campaign_or_404(slug: str) -> Campaign:
    """The campaign with this slug, or 404; drafts are visible to organisers (admins) only."""
    campaign = campaigns.by_slug(slug)
    if campaign is None or (campaign.status == "draft" and not current_user.has_role("admin")):
        abort(404)
    return campaign
