"""The organisers' figures for a period, read in a fixed number of queries whatever the data size.

Everything is filtered by campaign, local (Hanoi) date range, branch and point; the people-based
figures (volunteers, hours, no-shows) also by school and chapter.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Integer, String, case, func, literal, select, union_all

from portal.accounts.models import User, fold
from portal.campaigns.models import Branch, ServicePoint
from portal.core.clock import LOCAL_TZ
from portal.extensions import db
from portal.operations.models import ActivityCategory, ActivityCount, ActivityLog, Attendance, CitizenFeedback
from portal.reports.sql import people_conditions, served_minutes
from portal.shifts.models import Booking, Shift


@dataclass(frozen=True)
class Filters:
    """What a report covers. `point_ids` limits it to some points (a leader's)."""

    start: date
    end: date  # inclusive
    campaign_id: int | None = None
    branch_id: int | None = None
    point_id: int | None = None
    point_ids: tuple[int, ...] | None = None
    school: str = ""
    chapter: str = ""

    @property
    def utc_range(self) -> tuple[datetime, datetime]:
        """The period as UTC instants: from the first day's midnight in Hanoi to the day after the last."""
        return (datetime.combine(self.start, time(0), LOCAL_TZ),
                datetime.combine(self.end + timedelta(days=1), time(0), LOCAL_TZ))

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


@dataclass
class Figures:
    """Totals of a period and the breakdowns the charts show."""

    shifts: int = 0
    shifts_filled: int = 0
    seats: int = 0
    seats_booked: int = 0
    seats_empty: int = 0
    volunteers: int = 0
    minutes: int = 0
    present: int = 0
    no_shows: int = 0
    elderly_helped: int = 0
    feedback: dict[str, int] = field(default_factory=dict)
    categories: list[dict] = field(default_factory=list)  # {key, label_vi, label_en, count}
    per_day: list[dict] = field(default_factory=list)  # {day, helped, minutes}
    per_point: list[dict] = field(default_factory=list)  # {point, ward, branch, seats, booked, fill}
    per_school: list[dict] = field(default_factory=list)  # {school, minutes, volunteers}
    guide_scans: int = 0  # QR scans of the guides' posters (reports.scans fills it for the period reports)
    scans_per_point: list[dict] = field(default_factory=list)  # {point, scans}

    @property
    def no_show_rate(self) -> float | None:
        judged = self.present + self.no_shows
        return self.no_shows / judged if judged else None

    @property
    def fill_rate(self) -> float | None:
        return self.seats_booked / self.seats if self.seats else None

    @property
    def citizens_helped(self) -> int:
        return sum(c["count"] for c in self.categories)

    def total(self, key: str):
        """A headline figure by name (for comparisons and exports)."""
        if key == "citizens_helped":
            return self.citizens_helped
        if key.startswith("category:"):
            return next((c["count"] for c in self.categories if c["key"] == key[9:]), 0)
        return getattr(self, key)


def shift_scope(filters: Filters):
    """Open shifts of the period (by start), with their point and branch, within the filters."""
    start, end = filters.utc_range
    conditions = [Shift.starts_at >= start, Shift.starts_at < end, Shift.status == "open"]
    if filters.campaign_id:
        conditions.append(Shift.campaign_id == filters.campaign_id)
    if filters.branch_id:
        conditions.append(ServicePoint.branch_id == filters.branch_id)
    if filters.point_id:
        conditions.append(Shift.point_id == filters.point_id)
    if filters.point_ids is not None:
        conditions.append(Shift.point_id.in_(filters.point_ids or (-1,)))
    return conditions


def people_match(filters: Filters):
    """A test of (school, chapter) against the filters, accents and case ignored the same way on
    SQLite and PostgreSQL (SQLite's lower() knows only ASCII, so this is done in Python)."""
    school, chapter = fold(filters.school), fold(filters.chapter)

    def matches(user_school: str | None, user_chapter: str | None) -> bool:
        return school in fold(user_school or "") and chapter in fold(user_chapter or "")

    return matches


def _shifts(filters: Filters):
    """Shifts in scope, joined to their point only when a branch is asked for (the only condition on it)."""
    query = select(Shift.id).select_from(Shift)
    if filters.branch_id:
        query = query.join(ServicePoint, ServicePoint.id == Shift.point_id)
    return query


def figures(filters: Filters) -> Figures:
    """Every figure of a period, in four queries (five with a school or chapter) that sum in the
    database: a few thousand rows come back whatever the data size."""
    result = Figures()
    scope = shift_scope(filters)
    shifts = _shifts(filters)

    # 1. Seats per point (fill rate), and the shift totals: summed per point over the shifts alone,
    #    then named (a hundred points, not a join per shift).
    empty = case((Shift.capacity > Shift.booked_count, Shift.capacity - Shift.booked_count), else_=0)
    per_point = (shifts.with_only_columns(Shift.point_id.label("point_id"), func.count(Shift.id).label("shifts"),
                                          func.sum(case((Shift.booked_count >= Shift.capacity, 1), else_=0))
                                          .label("filled"),
                                          func.sum(Shift.capacity).label("seats"),
                                          func.sum(Shift.booked_count).label("booked"), func.sum(empty).label("spare"))
                 .where(*scope).group_by(Shift.point_id).subquery())
    for point, ward, branch, count, filled, seats, booked, spare in db.session.execute(
            select(ServicePoint.name, ServicePoint.ward, Branch.name, per_point.c.shifts, per_point.c.filled,
                   per_point.c.seats, per_point.c.booked, per_point.c.spare)
            .join(per_point, per_point.c.point_id == ServicePoint.id).join(Branch, Branch.id == ServicePoint.branch_id)
            .order_by(ServicePoint.name, ServicePoint.id)):
        result.shifts += count
        result.shifts_filled += int(filled or 0)
        result.seats += int(seats or 0)
        result.seats_booked += int(booked or 0)
        result.seats_empty += int(spare or 0)
        result.per_point.append({"point": point, "ward": ward, "branch": branch, "seats": int(seats or 0),
                                 "booked": int(booked or 0),
                                 "fill": (int(booked or 0) / int(seats)) if seats else 0})

    # 2. One statement, one pass over each table. The attendance records in scope are read once (a
    #    common table expression: the minutes rule applied once per record) and summed twice: per shift
    #    start and status, and per person and status, whose few thousand sums alone are joined to the
    #    people's schools (the volunteers: each person once). Then the citizens helped per shift start
    #    and category, and the elderly helped per shift start. Added up per Hanoi day and school here.
    served = served_minutes(Attendance.adjusted_minutes, Attendance.checked_in_at, Attendance.checked_out_at,
                            Shift.starts_at, Shift.ends_at)
    attended = (shifts.join(Booking, Booking.shift_id == Shift.id).join(Attendance, Attendance.booking_id == Booking.id)
                .where(*scope, Booking.status == "booked")
                .with_only_columns(Shift.starts_at.label("starts"), Attendance.status.label("status"),
                                   Booking.user_id.label("user_id"), served.label("minutes")))
    people = people_conditions(filters.school, filters.chapter)
    if people:
        attended = attended.where(Booking.user_id.in_(select(User.id).where(*people)))
    attended = attended.cte("attended")
    per_person = (select(attended.c.user_id, attended.c.status, func.sum(attended.c.minutes).label("minutes"))
                  .group_by(attended.c.user_id, attended.c.status).subquery())
    school = func.coalesce(User.school, "")
    present = per_person.c.status == "present"
    logged = shifts.join(ActivityLog, ActivityLog.shift_id == Shift.id).where(*scope)
    none, nothing, no_text = literal(None, Integer), literal(0), literal(None, String)
    parts = union_all(
        select(attended.c.starts, no_text.label("school"), attended.c.status, none.label("category"),
               func.sum(attended.c.minutes).label("minutes"), func.count().label("records"),
               nothing.label("present_minutes"), nothing.label("volunteers"), nothing.label("helped"),
               nothing.label("elderly"))
        .group_by(attended.c.starts, attended.c.status),
        select(literal(None, Shift.starts_at.type), school, no_text, none, nothing, nothing,
               func.sum(per_person.c.minutes), func.count(), nothing, nothing)
        .select_from(per_person).join(User, User.id == per_person.c.user_id).where(present).group_by(school),
        logged.join(ActivityCount, ActivityCount.log_id == ActivityLog.id)
        .with_only_columns(Shift.starts_at, no_text, no_text, ActivityCount.category_id, nothing, nothing, nothing,
                           nothing, func.sum(ActivityCount.count), nothing)
        .group_by(Shift.starts_at, ActivityCount.category_id),
        logged.with_only_columns(Shift.starts_at, no_text, no_text, none, nothing, nothing, nothing, nothing, nothing,
                                 func.sum(ActivityLog.elderly_helped))
        .group_by(Shift.starts_at)).subquery()
    by_school: dict[str, dict] = {}
    minutes_by_day: dict[date, int] = defaultdict(int)
    helped_by_day: dict[date, int] = defaultdict(int)
    by_category: dict[int, int] = defaultdict(int)
    for starts, group_school, status, category_id, minutes, records, present_minutes, volunteers, helped, elderly in (
            db.session.execute(select(parts))):
        if group_school is not None:  # one school's present volunteers: each person once, and their minutes
            by_school[group_school] = {"school": group_school, "minutes": int(present_minutes or 0),
                                       "volunteers": int(volunteers or 0)}
            result.volunteers += int(volunteers or 0)  # a person has one school: the groups do not overlap
            continue
        day = starts.astimezone(LOCAL_TZ).date()
        minutes, records, helped = int(minutes or 0), int(records or 0), int(helped or 0)
        result.minutes += minutes
        minutes_by_day[day] += minutes
        helped_by_day[day] += helped
        result.elderly_helped += int(elderly or 0)
        if category_id is not None:
            by_category[category_id] += helped
        if status == "present":
            result.present += records
        elif status == "no_show":
            result.no_shows += records
    result.per_school = sorted(by_school.values(), key=lambda r: (-r["minutes"], r["school"]))
    result.per_day = [{"day": day, "helped": helped_by_day.get(day, 0), "minutes": minutes_by_day.get(day, 0)}
                      for day in filters.days]

    # 3. Citizens helped per category: the campaign's active categories, and any other that has counts.
    category_query = select(ActivityCategory).order_by(ActivityCategory.position, ActivityCategory.id)
    if filters.campaign_id:
        category_query = category_query.where(ActivityCategory.campaign_id == filters.campaign_id)
    seen: dict[str, dict] = {}
    for category in db.session.scalars(category_query.where(
            (ActivityCategory.is_active) | (ActivityCategory.id.in_(list(by_category) or [-1])))):
        entry = seen.setdefault(category.key, {"key": category.key, "label_vi": category.label_vi,
                                               "label_en": category.label_en, "count": 0})
        entry["count"] += by_category.get(category.id, 0)
    result.categories = list(seen.values())

    # 4. Citizens' feedback by status, recorded in the period at the points in scope.
    start, end = filters.utc_range
    feedback = (select(CitizenFeedback.status, func.count(CitizenFeedback.id))
                .join(ServicePoint, ServicePoint.id == CitizenFeedback.point_id)
                .where(CitizenFeedback.created_at >= start, CitizenFeedback.created_at < end))
    if filters.branch_id:
        feedback = feedback.where(ServicePoint.branch_id == filters.branch_id)
    if filters.point_id:
        feedback = feedback.where(CitizenFeedback.point_id == filters.point_id)
    if filters.point_ids is not None:
        feedback = feedback.where(CitizenFeedback.point_id.in_(filters.point_ids or (-1,)))
    if filters.campaign_id:  # feedback has no campaign: count it at the points the campaign served then
        feedback = feedback.where(CitizenFeedback.point_id.in_(
            select(Shift.point_id).where(Shift.campaign_id == filters.campaign_id, Shift.starts_at >= start,
                                         Shift.starts_at < end)))
    result.feedback = {status: 0 for status in ("new", "forwarded", "resolved")}
    result.feedback.update({status: count for status, count in db.session.execute(
        feedback.group_by(CitizenFeedback.status))})
    return result


# --- periods ------------------------------------------------------------------------------


def period(kind: str, anchor: date) -> tuple[date, date]:
    """The week (Monday to Sunday) or calendar month that contains `anchor`."""
    if kind == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return start, start + timedelta(days=6)
    start = anchor.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


def previous(kind: str, start: date) -> tuple[date, date]:
    """The period before the one starting on `start`."""
    return period(kind, start - timedelta(days=1))


def last_full(kind: str, today: date) -> tuple[date, date]:
    """The last period that has fully ended by `today`."""
    start, _ = period(kind, today)
    return previous(kind, start)


HEADLINES = ("volunteers", "shifts", "shifts_filled", "seats_empty", "minutes", "no_shows", "citizens_helped",
             "guide_scans", "elderly_helped")


def compare(current: Figures, before: Figures) -> list[dict]:
    """Each headline figure with the previous period's value and the change."""
    rows = []
    for key in HEADLINES:
        now, then = current.total(key), before.total(key)
        rows.append({"key": key, "value": now, "previous": then, "change": now - then,
                     "percent": ((now - then) / then * 100) if then else None})
    for category in current.categories:
        key = f"category:{category['key']}"
        now, then = current.total(key), before.total(key)
        rows.append({"key": key, "label_vi": category["label_vi"], "label_en": category["label_en"], "value": now,
                     "previous": then, "change": now - then, "percent": ((now - then) / then * 100) if then else None})
    return rows
