"""Loaders of the referrals views: the object named by the URL (404)."""
from __future__ import annotations

from portal.extensions import db
from portal.referrals.models import Recommendation


def case_or_404(case_id: int) -> Recommendation:
    """The case (a referral or commendation) with this id, else 404."""
    return db.get_or_404(Recommendation, case_id)
