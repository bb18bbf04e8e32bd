"""The anonymous count of QR scans: one number per guide, point and Hanoi day, and nothing about who scanned."""
from __future__ import annotations

from datetime import date

from sqlalchemy.dialects import postgresql, sqlite

from portal.campaigns.models import ServicePoint
from portal.extensions import db
from portal.guides.models import GuideScan, point_id_from_code

# Browsers and link previews that fetch a page ahead of a visit say so in one of these headers.
PREFETCH_HEADERS = ("Purpose", "Sec-Purpose", "X-Purpose", "X-Moz")


def point_for_code(code: str) -> ServicePoint | None:
    """The active point a guide URL's code names (`p<id>`), or None: an unknown code still shows the guide."""
    point_id = point_id_from_code(code)
    point = db.session.get(ServicePoint, point_id) if point_id is not None else None
    return point if point is not None and point.is_active else None


def is_a_visit(method: str, headers, args) -> bool:
    """A GET from a QR code that a person asked for: not a HEAD, not a prefetch or prerender announced by the
    browser, and not a language switch on the page (its links carry ?lang=; the QR address never does)."""
    if method != "GET" or "lang" in args:
        return False
    return not any(word in (headers.get(name) or "").lower()
                   for name in PREFETCH_HEADERS for word in ("prefetch", "prerender", "preview"))


def count(guide_id: int, point_id: int, day: date) -> None:
    """Add one scan for the guide at the point on `day`, in one statement and its own short transaction.

    INSERT ... ON CONFLICT DO UPDATE SET count = count + 1: two phones scanning at once both count, and no
    row is read first."""
    table = GuideScan.__table__
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(guide_id=guide_id, point_id=point_id, day=day, count=1)
    statement = statement.on_conflict_do_update(index_elements=[table.c.guide_id, table.c.point_id, table.c.day],
                                                set_={"count": table.c.count + 1})
    db.session.execute(statement)
    db.session.commit()
