"""The guides a point uses most (chosen and ordered by its leaders), the published list, and the campaign whose
name heads the public pages."""
from __future__ import annotations

from sqlalchemy import case, delete, select

from portal.audit import services as audit
from portal.campaigns.models import Campaign, ServicePoint
from portal.core import clock
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.guides.models import Guide, PointGuide
from portal.i18n import lazy_text as _l

MAX_CHOSEN = 12  # one sheet of paper ("tờ rơi") holds about this many QR codes


def published() -> list[Guide]:
    """Every published guide, by Vietnamese title."""
    return list(db.session.scalars(select(Guide).where(Guide.status == "published").order_by(Guide.title_vi)))


def chosen(point_id: int) -> list[Guide]:
    """The published guides the point chose, in the point's order."""
    return list(db.session.scalars(
        select(Guide).join(PointGuide, PointGuide.guide_id == Guide.id)
        .where(PointGuide.point_id == point_id, Guide.status == "published")
        .order_by(PointGuide.position, Guide.title_vi)))


def quick_guides(point_id: int) -> list[Guide]:
    """What volunteers at the point open first: its chosen guides, else every published guide."""
    return chosen(point_id) or published()


def set_chosen(actor, point: ServicePoint, guide_ids: list[int]) -> list[Guide]:
    """Replace the point's chosen guides with `guide_ids`, in that order, in one transaction (InvalidInput when one
    is not a published guide, or too many)."""
    wanted = list(dict.fromkeys(guide_ids))
    if len(wanted) > MAX_CHOSEN:
        raise InvalidInput(_l("Choose at most %(max)d guides: they must fit on one sheet.", max=MAX_CHOSEN), "guides")
    found = {g.id: g for g in db.session.scalars(
        select(Guide).where(Guide.id.in_(wanted or [-1]), Guide.status == "published"))}
    if set(wanted) - set(found):
        raise InvalidInput(_l("Only published guides can be chosen. Reload the page and try again."), "guides")
    before = [g.id for g in chosen(point.id)]
    db.session.execute(delete(PointGuide).where(PointGuide.point_id == point.id))
    db.session.add_all([PointGuide(point_id=point.id, guide_id=guide_id, position=n)
                        for n, guide_id in enumerate(wanted, start=1)])
    audit.record(actor, "guides.point_choice", "service_point", point.id, {"guides": before}, {"guides": wanted})
    db.session.commit()
    return [found[guide_id] for guide_id in wanted]


def current_campaign() -> Campaign | None:
    """The campaign the public pages are branded with: the open one running today, else the latest open one."""
    today = clock.local_today()
    running = case(((Campaign.start_date <= today) & (Campaign.end_date >= today), 0), else_=1)
    return db.session.scalar(select(Campaign).where(Campaign.status == "open")
                             .order_by(running, Campaign.start_date.desc()).limit(1))
