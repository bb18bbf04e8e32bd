"""Internship referrals and commendations: nominations with evidence, review, consent, documents."""
from flask import Blueprint

bp = Blueprint("referrals", __name__, url_prefix="/referrals")


@bp.app_template_filter("fromjson")
def fromjson(value: str):
    """Parse stored JSON (e.g. what a student agreed to share) for display."""
    import json

    return json.loads(value)

from portal.referrals import routes  # noqa: E402,F401
