"""Guide QR scans in the reports: the anonymous daily counts per point (portal.guides), summed for a period and
the one before it in a single statement, within the report's filters."""
from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, select

from portal.campaigns.models import ServicePoint
from portal.extensions import db
from portal.guides.models import GuideScan
from portal.reports.figures import Figures, Filters
from portal.shifts.models import Shift


def _conditions(filters: Filters, first: date) -> list:
    """Scans from `first` to the filters' last day at the points in scope. Scans belong to a point, not to a
    campaign: a campaign means the points it has shifts at."""
    conditions = [GuideScan.day >= first, GuideScan.day <= filters.end]
    if filters.branch_id:
        conditions.append(GuideScan.point_id.in_(select(ServicePoint.id).where(
            ServicePoint.branch_id == filters.branch_id)))
    if filters.point_id:
        conditions.append(GuideScan.point_id == filters.point_id)
    if filters.point_ids is not None:
        conditions.append(GuideScan.point_id.in_(filters.point_ids or (-1,)))
    if filters.campaign_id:
        conditions.append(GuideScan.point_id.in_(
            select(Shift.point_id).where(Shift.campaign_id == filters.campaign_id)))
    return conditions


def add_scans(current: Figures, earlier: Figures, filters: Filters, earlier_start: date) -> None:
    """Fill both periods' `guide_scans` and the current period's scans per point (named, most first), in one
    statement: the counts from the earlier period's first day to the current one's last, summed per point
    and period."""
    in_current = case((GuideScan.day >= filters.start, 1), else_=0)
    rows = db.session.execute(
        select(ServicePoint.name, in_current.label("current"), func.sum(GuideScan.count))
        .join(ServicePoint, ServicePoint.id == GuideScan.point_id)
        .where(*_conditions(filters, earlier_start))
        .group_by(ServicePoint.id, ServicePoint.name, in_current))
    per_point = []
    for name, is_current, total in rows:
        if is_current:
            current.guide_scans += int(total or 0)
            per_point.append({"point": name, "scans": int(total or 0)})
        else:
            earlier.guide_scans += int(total or 0)
    current.scans_per_point = sorted(per_point, key=lambda row: (-row["scans"], row["point"]))
