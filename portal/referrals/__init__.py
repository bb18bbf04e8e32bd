"""Internship referrals and commendations: nominations with evidence, review, consent, documents."""
import json

from flask import Blueprint

from portal.referrals.labels import CONSENT_LABELS, KIND_LABELS, STATUS_LABELS

bp = Blueprint("referrals", __name__)


@bp.app_template_filter("fromjson")
def fromjson(value: str):
    """Parse stored JSON (e.g. what a student agreed to share) for display."""
    return json.loads(value)


@bp.context_processor
def referral_labels() -> dict:
    """The names of the kinds, statuses and consent answers, for every referrals page."""
    return {"kind_labels": KIND_LABELS, "status_labels": STATUS_LABELS, "consent_labels": CONSENT_LABELS}


from portal.referrals import routes_admin, routes_staff, routes_student  # noqa: E402,F401  (the routes register on bp)
