"""Certificates: eligibility, issuing, the PDF, public verification, revocation and correction."""
from datetime import date

from flask import Blueprint

bp = Blueprint("certificates", __name__)


@bp.app_template_filter("isodate")
def isodate(value: str) -> date:
    """A signed ISO date (yyyy-mm-dd) as a date, for the `date` filter."""
    return date.fromisoformat(value)


@bp.app_template_filter("pretty_code")
def pretty_code(value: str) -> str:
    """A certificate code in its printed groups: 7KQ2-M9XD-4FHT-PW3R."""
    from portal.certificates.codes import pretty

    return pretty(value)


from portal.certificates import routes  # noqa: E402,F401
