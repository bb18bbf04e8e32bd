"""Organisers manage branches and service points, and who leads each point."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User, UserRole
from portal.audit import services as audit
from portal.campaigns.models import Branch, PointLeader, ServicePoint
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l

FIELDS = ["name", "branch_id", "ward", "address", "map_url", "opening_hours", "volunteer_notes", "is_active"]


@dataclass
class PointData:
    """What an organiser types on the point form."""

    name: str
    branch_name: str
    ward: str
    address: str
    map_url: str
    opening_hours: str
    volunteer_notes: str
    is_active: bool
    leader_ids: list[int]


def leader_candidates() -> list[User]:
    """Active people with the leader role."""
    return list(db.session.scalars(select(User).where(
        User.is_active_account, User.roles.any(UserRole.role == "leader")).order_by(User.sort_name)))


def save_point(actor, point: ServicePoint | None, data: PointData) -> ServicePoint:
    """Create or update a point (its branch is found or created by name), with its leaders."""
    if data.map_url and not data.map_url.startswith(("https://", "http://")):
        raise InvalidInput(_l("The map link must start with https://."), "map_url")
    branch_name = " ".join(nfc(data.branch_name).split())
    branch = db.session.scalar(select(Branch).where(Branch.name == branch_name)) or Branch(name=branch_name)
    leaders = [u for u in leader_candidates() if u.id in set(data.leader_ids)]
    if len(leaders) != len(set(data.leader_ids)):
        raise InvalidInput(_l("Choose leaders from the list."), "leader_ids")
    creating = point is None
    point = point or ServicePoint()
    before = None if creating else audit.snapshot(point, FIELDS, leaders=[u.id for u in point.leaders])
    point.branch = branch
    point.name, point.ward, point.address = nfc(data.name), nfc(data.ward), nfc(data.address)
    point.map_url, point.opening_hours = data.map_url.strip(), nfc(data.opening_hours)
    point.volunteer_notes, point.is_active = nfc(data.volunteer_notes), data.is_active
    point.leaders = leaders
    try:
        db.session.add(point)
        db.session.flush()
        audit.record(actor, "point.create" if creating else "point.update", "service_point", point.id, before,
                     audit.snapshot(point, FIELDS, leaders=[u.id for u in leaders]))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise InvalidInput(_l("This branch already has a point with this name."), "name") from None
    return point


def points_led_by(user) -> list[ServicePoint]:
    """The points a leader leads."""
    return list(db.session.scalars(select(ServicePoint).join(PointLeader, PointLeader.point_id == ServicePoint.id)
                                   .where(PointLeader.user_id == user.id).order_by(ServicePoint.name)))


def runs_point(user, point_id: int) -> bool:
    """Admins run every point; a leader only the points they lead."""
    if user.has_role("admin"):
        return True
    return user.has_role("leader") and db.session.get(PointLeader, (point_id, user.id)) is not None
