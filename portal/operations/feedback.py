"""Citizens' feedback and petitions: recorded at the point, never with a citizen's personal data."""
from __future__ import annotations

from sqlalchemy import select

from portal.audit import services as audit
from portal.core import clock, identifiers
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.operations.models import FEEDBACK_CATEGORIES, FEEDBACK_STATUSES, CitizenFeedback
from portal.operations.transaction import refusal_rolls_back

TEXT_MAX = 2000
# One detector for every free text (portal/core/identifiers.py); the old name stays for callers.
personal_data_problem = identifiers.problem


@refusal_rolls_back
def record(actor, point_id: int, category: str, text: str) -> CitizenFeedback:
    """Record one piece of feedback at a point, refusing anything that looks like personal data."""
    text = nfc(text or "").strip()
    if category not in FEEDBACK_CATEGORIES:
        raise InvalidInput(_l("Choose a category from the list."), "category")
    if not text:
        raise InvalidInput(_l("Write what the citizen reported."), "text")
    if len(text) > TEXT_MAX:
        raise InvalidInput(_l("Keep it under %(n)d characters.", n=TEXT_MAX), "text")
    problem = personal_data_problem(text)
    if problem:
        raise InvalidInput(problem, "text")
    item = CitizenFeedback(point_id=point_id, category=category, text=text, created_by_id=actor.id)
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "feedback.create", "citizen_feedback", item.id,
                 after={"point_id": point_id, "category": category})
    db.session.commit()
    return item


@refusal_rolls_back
def set_status(actor, item: CitizenFeedback, status: str) -> None:
    """Move feedback to forwarded or resolved, recording who handled it and when."""
    if status not in FEEDBACK_STATUSES:
        raise InvalidInput(_l("Choose a status from the list."), "status")
    before = {"status": item.status}
    item.status, item.handled_by_id, item.handled_at = status, actor.id, clock.now()
    audit.record(actor, "feedback.status", "citizen_feedback", item.id, before, {"status": status})
    db.session.commit()


def for_point(point_id: int) -> list[CitizenFeedback]:
    """A point's feedback, newest first (the latest 200)."""
    return list(db.session.scalars(select(CitizenFeedback).where(CitizenFeedback.point_id == point_id)
                                   .order_by(CitizenFeedback.created_at.desc()).limit(200)))
