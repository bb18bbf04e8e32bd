"""SQL for the reports' sums: the minutes served, computed in the database by the same rule as
portal.operations.services.served_minutes, so a period's hours are summed there instead of in a
Python loop over every attendance record; and the school and chapter filters as SQL conditions."""
from __future__ import annotations

from sqlalchemy import Integer, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from portal.accounts.models import User, fold
from portal.extensions import db


def people_conditions(school: str, chapter: str) -> list:
    """The school and chapter filters as conditions on User. Accents and case are ignored the same way on
    SQLite and PostgreSQL (SQLite's lower() knows only ASCII): the matching values are picked in Python
    among the distinct ones stored (one small query, only when a school or chapter is asked for)."""
    if not (school or chapter):
        return []
    wanted_school, wanted_chapter = fold(school), fold(chapter)
    schools, chapters = set(), set()
    for user_school, user_chapter in db.session.execute(
            select(func.coalesce(User.school, ""), func.coalesce(User.chapter, "")).distinct()):
        if wanted_school in fold(user_school):
            schools.add(user_school)
        if wanted_chapter in fold(user_chapter):
            chapters.add(user_chapter)
    conditions = []
    if school:
        conditions.append(func.coalesce(User.school, "").in_(sorted(schools)))
    if chapter:
        conditions.append(func.coalesce(User.chapter, "").in_(sorted(chapters)))
    return conditions


class served_minutes(FunctionElement):  # noqa: N801 (used like an SQL function)
    """served_minutes(adjusted, checked_in, checked_out, starts, ends): a correction wins, else
    check-in to check-out bounded by the shift's times, in whole minutes (never below 0), 0 until
    checked out. Exact to the microsecond on both databases (no floating-point days)."""

    type = Integer()
    inherit_cache = True
    name = "served_minutes"


def _parts(element, compiler, **kw) -> list[str]:
    return [compiler.process(clause, **kw) for clause in element.clauses]


@compiles(served_minutes, "postgresql")
def _postgresql(element, compiler, **kw):
    adjusted, checked_in, checked_out, starts, ends = _parts(element, compiler, **kw)
    # EXTRACT(EPOCH FROM interval) is an exact numeric on PostgreSQL 14 and later.
    span = f"EXTRACT(EPOCH FROM (LEAST({checked_out}, {ends}) - GREATEST({checked_in}, {starts})))"
    return (f"(CASE WHEN {adjusted} IS NOT NULL THEN {adjusted} "
            f"WHEN {checked_in} IS NULL OR {checked_out} IS NULL THEN 0 "
            f"ELSE CAST(GREATEST(FLOOR({span} / 60), 0) AS INTEGER) END)")


def _sqlite_microseconds_between(start: str, end: str) -> str:
    """Microseconds from one stored 'YYYY-MM-DD HH:MM:SS[.ffffff]' to another, as an integer: the whole
    seconds from julianday() rounded (exact at that scale), the fractions read as digits (julianday()
    itself keeps only milliseconds)."""
    whole = f"CAST(round((julianday(substr({end}, 1, 19)) - julianday(substr({start}, 1, 19))) * 86400) AS INTEGER)"
    return (f"({whole} * 1000000 + CAST(substr({end} || '000000', 21, 6) AS INTEGER) "
            f"- CAST(substr({start} || '000000', 21, 6) AS INTEGER))")


@compiles(served_minutes)
def _sqlite(element, compiler, **kw):
    adjusted, checked_in, checked_out, starts, ends = _parts(element, compiler, **kw)
    # The stored texts sort as the times they name, so the later start and the earlier end are
    # picked as text; integer division truncates towards zero: exact for the non-negative spans.
    span = _sqlite_microseconds_between(f"max({checked_in}, {starts})", f"min({checked_out}, {ends})")
    return (f"(CASE WHEN {adjusted} IS NOT NULL THEN {adjusted} "
            f"WHEN {checked_in} IS NULL OR {checked_out} IS NULL THEN 0 "
            f"ELSE max({span} / 60000000, 0) END)")
