"""A student's preferred service points: the shift finder lists their shifts first."""
from __future__ import annotations

from sqlalchemy import delete, select

from portal.accounts.models import PREFERRED_POINTS_MAX, UserPreferredPoint
from portal.campaigns.models import ServicePoint
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l


def point_ids(user) -> list[int]:
    """The ids of the points the student prefers (one query)."""
    return list(db.session.scalars(select(UserPreferredPoint.point_id).where(UserPreferredPoint.user_id == user.id)
                                   .order_by(UserPreferredPoint.point_id)))


def save(user, ids) -> list[ServicePoint]:
    """Replace the student's preferred points with the active points among `ids`; return them.

    Unknown or inactive ids are refused rather than dropped, so nobody believes a point was saved."""
    wanted = sorted({int(i) for i in ids})
    if len(wanted) > PREFERRED_POINTS_MAX:
        raise InvalidInput(_l("Choose at most %(n)d points.", n=PREFERRED_POINTS_MAX), "points")
    points = list(db.session.scalars(select(ServicePoint).where(ServicePoint.id.in_(wanted), ServicePoint.is_active)
                                     .order_by(ServicePoint.name))) if wanted else []
    if len(points) != len(wanted):
        raise InvalidInput(_l("Choose points from the list."), "points")
    db.session.execute(delete(UserPreferredPoint).where(UserPreferredPoint.user_id == user.id))
    db.session.add_all(UserPreferredPoint(user_id=user.id, point_id=p.id) for p in points)
    db.session.commit()
    return points
