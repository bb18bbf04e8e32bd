"""The hours ledger per student, for schools and chapters: who served, where, how many hours."""
from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts.models import User
from portal.campaigns.models import ServicePoint
from portal.extensions import db
from portal.operations.models import Attendance
from portal.operations.services import served_minutes
from portal.reports.figures import Filters, people_match, shift_scope
from portal.shifts.models import Booking, Shift
from portal.spreadsheets import hours


def ledger(filters: Filters) -> tuple[list[str], list[list]]:
    """One row per student who served in the period, sorted by school then name (two queries)."""
    rows: dict[int, dict] = defaultdict(lambda: {"minutes": 0, "present": 0, "no_shows": 0, "points": set()})
    matches = people_match(filters)
    for user_id, school, chapter, status, adjusted, checked_in, checked_out, starts, ends, point in db.session.execute(
            select(Booking.user_id, User.school, User.chapter, Attendance.status, Attendance.adjusted_minutes,
                   Attendance.checked_in_at, Attendance.checked_out_at, Shift.starts_at, Shift.ends_at,
                   ServicePoint.name)
            .select_from(Shift).join(ServicePoint, ServicePoint.id == Shift.point_id)
            .join(Booking, Booking.shift_id == Shift.id).join(Attendance, Attendance.booking_id == Booking.id)
            .join(User, User.id == Booking.user_id)
            .where(*shift_scope(filters), Booking.status == "booked")):
        if (filters.school or filters.chapter) and not matches(school, chapter):
            continue
        entry = rows[user_id]
        entry["minutes"] += served_minutes(adjusted, checked_in, checked_out, starts, ends)
        if status == "present":
            entry["present"] += 1
            entry["points"].add(point)
        elif status == "no_show":
            entry["no_shows"] += 1
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(rows) or [-1])))}
    header = [_("School"), _("Chapter"), _("Full name"), _("Student ID"), _("Shifts attended"), _("Hours"),
              _("No-shows"), _("Points served")]
    body = [[u.school or "", u.chapter or "", u.full_name, u.student_code or "", e["present"], hours(e["minutes"]),
             e["no_shows"], ", ".join(sorted(e["points"]))]
            for u, e in sorted(((users[i], e) for i, e in rows.items() if e["present"] or e["no_shows"]),
                               key=lambda pair: ((pair[0].school or "").casefold(), pair[0].sort_name))]
    return header, body
