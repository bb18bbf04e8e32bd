"""What every step of a case shares: who may not take it, the text it takes, the row lock, the event it leaves."""
from __future__ import annotations

from portal.core.locks import lock_row
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.referrals.models import Recommendation, RecommendationEvent

NOTE_MIN, NOTE_MAX = 5, 1000


class NotAllowed(Exception):
    """The person may not take this step (the route answers 403)."""


def text_between(value: str | None, low: int, high: int, field: str, message) -> str:
    """The text in NFC, stripped, if its length is from `low` to `high`; else InvalidInput with `message`."""
    text = nfc(value or "").strip()
    if not low <= len(text) <= high:
        raise InvalidInput(message, field)
    return text


def locked(case: Recommendation) -> Recommendation:
    """Lock the case's row and re-read it, so two people cannot take the same step at once."""
    lock_row("recommendations", case.id)
    db.session.refresh(case)
    return case


def not_their_own(actor, case: Recommendation) -> None:
    """Nobody decides, sends or awards their own case, whatever other roles they hold."""
    if actor.id == case.user_id:
        raise NotAllowed()


def record_event(actor, case: Recommendation, before: str | None, note: str = "") -> None:
    """Add the case's history line: who moved it from `before` to its status now, with the note."""
    db.session.add(RecommendationEvent(case=case, actor_id=getattr(actor, "id", None), from_status=before,
                                       to_status=case.status, note=note))


def require_admin(actor) -> None:
    """Only organisers review, send, award and keep the hosts (NotAllowed otherwise)."""
    if not actor.has_role("admin"):
        raise NotAllowed()
