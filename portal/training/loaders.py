"""Load (404) and check access (403) for training views."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from portal.campaigns.models import Campaign
from portal.extensions import db
from portal.training.models import TrainingModule, TrainingSession
from portal.training.services import can_sign_off


def module_or_404(module_id: int, allow_retired: bool = False) -> TrainingModule:
    """A module; retired ones only for staff pages that ask for them."""
    module = db.get_or_404(TrainingModule, module_id)
    if (module.is_retired and not allow_retired) or not _visible(module.campaign):
        abort(404)
    return module


def _visible(campaign: Campaign) -> bool:
    """Drafts are for organisers only."""
    return campaign.status != "draft" or current_user.has_role("admin")


def session_or_404(session_id: int) -> TrainingSession:
    """A training session of a campaign the user may see."""
    session = db.get_or_404(TrainingSession, session_id)
    if not _visible(session.campaign):
        abort(404)
    return session


def require_sign_off(campaign: Campaign) -> None:
    """403 unless the current user may sign students off on this campaign."""
    if not can_sign_off(current_user, campaign):
        abort(403)
