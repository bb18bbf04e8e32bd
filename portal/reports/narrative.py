"""The printed report's narrative: incidents from the activity logs, citizens' feedback by kind with
a few examples, and who signs it. Never a citizen's personal data: texts are already refused at entry
when they carry an identifier, and any older one that still does is left out here too."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from portal.campaigns.models import Campaign, ServicePoint
from portal.core import identifiers
from portal.core.clock import LOCAL_TZ
from portal.extensions import db
from portal.operations.models import FEEDBACK_CATEGORIES, ActivityLog, CitizenFeedback
from portal.reports.figures import Filters, shift_scope
from portal.shifts.models import Shift

MOST_INCIDENTS = 12
MOST_EXAMPLES = 5
LONGEST = 300  # characters of one incident or example on paper


@dataclass
class Narrative:
    """What the period's paper says in words besides the table of figures."""

    incidents: list[dict] = field(default_factory=list)  # {day, point, text}
    incidents_total: int = 0
    feedback: dict[str, int] = field(default_factory=dict)  # per category, in FEEDBACK_CATEGORIES order
    examples: list[dict] = field(default_factory=list)  # {category, text}


def _clip(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= LONGEST else text[:LONGEST - 1].rstrip() + "…"


def _printable(text: str) -> bool:
    return bool(text and text.strip()) and identifiers.find(text) is None


def narrative(filters: Filters) -> Narrative:
    """Incidents and feedback of the period within the filters, in three queries."""
    result = Narrative()
    incidents = db.session.execute(
        select(Shift.starts_at, ServicePoint.name, ActivityLog.incidents)
        .join(ServicePoint, ServicePoint.id == Shift.point_id).join(ActivityLog, ActivityLog.shift_id == Shift.id)
        .where(*shift_scope(filters), ActivityLog.incidents != "").order_by(Shift.starts_at)).all()
    kept = [(starts, point, text) for starts, point, text in incidents if _printable(text)]
    result.incidents_total = len(kept)
    result.incidents = [{"day": starts.astimezone(LOCAL_TZ).date(), "point": point, "text": _clip(text)}
                        for starts, point, text in kept[:MOST_INCIDENTS]]

    start, end = filters.utc_range
    conditions = [CitizenFeedback.created_at >= start, CitizenFeedback.created_at < end]
    if filters.branch_id:
        conditions.append(ServicePoint.branch_id == filters.branch_id)
    if filters.point_id:
        conditions.append(CitizenFeedback.point_id == filters.point_id)
    if filters.point_ids is not None:
        conditions.append(CitizenFeedback.point_id.in_(filters.point_ids or (-1,)))
    if filters.campaign_id:  # as figures() counts it: the points the campaign served then
        conditions.append(CitizenFeedback.point_id.in_(
            select(Shift.point_id).where(Shift.campaign_id == filters.campaign_id, Shift.starts_at >= start,
                                         Shift.starts_at < end)))
    joined = select(CitizenFeedback).join(ServicePoint, ServicePoint.id == CitizenFeedback.point_id).where(*conditions)
    counts = dict(db.session.execute(joined.with_only_columns(CitizenFeedback.category, func.count(CitizenFeedback.id))
                                     .group_by(CitizenFeedback.category)).all())
    result.feedback = {category: int(counts.get(category, 0)) for category in FEEDBACK_CATEGORIES}
    for category, text in db.session.execute(
            joined.with_only_columns(CitizenFeedback.category, CitizenFeedback.text)
            .order_by(CitizenFeedback.created_at.desc()).limit(MOST_EXAMPLES * 4)):
        if len(result.examples) < MOST_EXAMPLES and _printable(text):
            result.examples.append({"category": category, "text": _clip(text)})
    return result


def organisers_for(filters: Filters, chosen: Campaign | None) -> list[str]:
    """Whose paper it is: the chosen campaign's organisers in their order (the parent body first),
    else those of the campaigns running in the period, each once."""
    if chosen is not None:
        return chosen.organiser_names
    names: list[str] = []
    for campaign in db.session.scalars(select(Campaign).where(
            Campaign.status != "draft", Campaign.start_date <= filters.end, Campaign.end_date >= filters.start)
            .order_by(Campaign.start_date)):
        names += [n for n in campaign.organiser_names if n not in names]
    return names


def place_and_date(day: date, place: str = "Hà Nội") -> str:
    """The Vietnamese place-and-date line of an official paper: "Hà Nội, ngày 15 tháng 02 năm 2026"."""
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
