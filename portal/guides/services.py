"""Organisers write guides and review each other's: the rules of the text, the review workflow and screenshots.

The workflow: draft -> in_review (submitted) -> published (approved by a second organiser) -> retired, with
in_review -> draft (sent back with a note) and retired -> draft (brought back). Each step is one transaction, a
conditional UPDATE on the status it starts from (two organisers pressing at once: one wins, the other is told),
audited with its actor.

A published text never changes without a second pair of eyes: saving new text on a published guide puts it back
to in_review, which takes it off the public pages until another organiser approves it again (the model keeps one
text, not a published copy beside a draft). The edit page warns of this before saving. The short address (slug)
of a guide that was ever published never changes: it is printed in the posters' QR codes.

"Hands" of a guide: the organisers who wrote or submitted the text now under review (its author and the actors
of guide.create, guide.update and guide.submit since it was last published); none of them may approve it.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.audit import services as audit
from portal.audit.models import AuditEvent
from portal.core import clock
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.guides.models import BODY_MAX, CALL_MAX, SLUG_MAX, SUMMARY_MAX, TITLE_MAX, Guide, GuideImage
from portal.i18n import lazy_text as _l

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MIN = 3
ALT_MAX = 200
NOTE_MAX = 300
AUDIT_FIELDS = ["slug", "status", "title_vi", "title_en", "reviewer_id", "published_at", "retired_at"]
TEXT_FIELDS = ("title_vi", "summary_vi", "call_vi", "body_vi", "title_en", "summary_en", "call_en", "body_en")
HAND_ACTIONS = ("guide.create", "guide.update", "guide.submit")
_LIMITS = {"title": TITLE_MAX, "summary": SUMMARY_MAX, "call": CALL_MAX, "body": BODY_MAX}


@dataclass
class GuideData:
    """What an organiser typed for a guide (the form's fields)."""

    slug: str
    title_vi: str
    summary_vi: str
    call_vi: str
    body_vi: str
    title_en: str = ""
    summary_en: str = ""
    call_en: str = ""
    body_en: str = ""


def _clean(data: GuideData) -> GuideData:
    """The text in NFC without surrounding space, or InvalidInput naming the first field that is wrong."""
    data = GuideData(**{k: nfc((v or "").strip()) for k, v in asdict(data).items()})
    if not (SLUG_MIN <= len(data.slug) <= SLUG_MAX and SLUG.match(data.slug)):
        raise InvalidInput(_l("Use 3 to 60 lowercase letters, digits and single hyphens, e.g. kich-hoat-vneid."),
                           "slug")
    for name, limit in _LIMITS.items():
        if not getattr(data, f"{name}_vi"):
            raise InvalidInput(_l("Fill in the Vietnamese title, summary, call to action and steps."), f"{name}_vi")
        if len(getattr(data, f"{name}_vi")) > limit or len(getattr(data, f"{name}_en")) > limit:
            raise InvalidInput(_l("This text is too long."), f"{name}_vi")
    english = [data.title_en, data.summary_en, data.call_en, data.body_en]
    if any(english) and not (data.title_en and data.body_en):
        raise InvalidInput(_l("An English version needs both its title and its steps; or leave English empty."),
                           "body_en" if data.title_en else "title_en")
    return data


def _save(actor, guide: Guide, action: str, before: dict | None) -> None:
    """Flush, audit and commit; a short address another guide has becomes a field message."""
    try:
        db.session.flush()
        audit.record(actor, action, "guide", guide.id, before, audit.snapshot(guide, AUDIT_FIELDS))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise InvalidInput(_l("Another guide already has this short address."), "slug") from None


def _slug_taken(slug: str, guide_id: int | None) -> bool:
    """Tell whether another guide has the slug (checked first so the message is clear; the database decides)."""
    return db.session.scalar(select(func.count()).select_from(Guide).where(
        Guide.slug == slug, Guide.id != (guide_id or -1))) > 0


def create_guide(actor, data: GuideData) -> Guide:
    """A new draft written by `actor`."""
    data = _clean(data)
    if _slug_taken(data.slug, None):
        raise InvalidInput(_l("Another guide already has this short address."), "slug")
    guide = Guide(status="draft", author_id=actor.id, **asdict(data))
    db.session.add(guide)
    _save(actor, guide, "guide.create", None)
    return guide


def update_guide(actor, guide: Guide, data: GuideData) -> None:
    """Save new text; the editor becomes its author. A published guide whose text changed goes back to review
    (off the public pages until approved again); a guide ever published keeps its short address."""
    if guide.status == "retired":
        raise InvalidInput(_l("A retired guide cannot be edited. Bring it back as a draft first."))
    data = _clean(data)
    if data.slug != guide.slug and guide.published_at is not None:
        raise InvalidInput(_l("This guide has been published: its short address is printed on posters and cannot "
                              "change."), "slug")
    if _slug_taken(data.slug, guide.id):
        raise InvalidInput(_l("Another guide already has this short address."), "slug")
    before = audit.snapshot(guide, AUDIT_FIELDS)
    changed = any(getattr(guide, f) != getattr(data, f) for f in TEXT_FIELDS) or data.slug != guide.slug
    if not changed:
        return
    for name, value in asdict(data).items():
        setattr(guide, name, value)
    guide.author_id = actor.id
    if guide.status == "published":
        guide.status, guide.submitted_at = "in_review", clock.now()
    _save(actor, guide, "guide.update", before)


def _move(actor, guide: Guide, action: str, source: str, values: dict, note: str | None = None) -> None:
    """Change the status from `source` in one conditional UPDATE, audit it and commit; InvalidInput when someone
    else moved the guide first."""
    before = audit.snapshot(guide, AUDIT_FIELDS)
    moved = db.session.execute(update(Guide).where(Guide.id == guide.id, Guide.status == source).values(**values)
                               .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        db.session.rollback()
        raise InvalidInput(_l("Someone else changed this guide's status a moment ago. Look at it again."))
    db.session.refresh(guide)
    after = audit.snapshot(guide, AUDIT_FIELDS, **({"note": note} if note else {}))
    audit.record(actor, action, "guide", guide.id, before, after)
    db.session.commit()


def submit(actor, guide: Guide) -> None:
    """Ask another organiser to review a draft."""
    _move(actor, guide, "guide.submit", "draft", {"status": "in_review", "submitted_at": clock.now()})


def hands(guide: Guide) -> set[int]:
    """The organisers who wrote or submitted the text now under review (they may not approve it)."""
    last_publish = db.session.scalar(select(func.max(AuditEvent.id)).where(
        AuditEvent.target_type == "guide", AuditEvent.target_id == guide.id, AuditEvent.action == "guide.publish"))
    stmt = select(AuditEvent.actor_id).where(AuditEvent.target_type == "guide", AuditEvent.target_id == guide.id,
                                             AuditEvent.action.in_(HAND_ACTIONS), AuditEvent.actor_id.is_not(None))
    if last_publish:
        stmt = stmt.where(AuditEvent.id > last_publish)
    return set(db.session.scalars(stmt)) | ({guide.author_id} if guide.author_id else set())


def approve(actor, guide: Guide) -> None:
    """Publish a guide under review; the approver must not be one of those who wrote or submitted it."""
    if actor.id in hands(guide):
        raise InvalidInput(_l("You wrote or submitted this version, so another organiser must review and approve "
                              "it: a published guide always has a second pair of eyes."))
    now = clock.now()
    _move(actor, guide, "guide.publish", "in_review",
          {"status": "published", "reviewer_id": actor.id, "reviewed_at": now, "published_at": now})


def send_back(actor, guide: Guide, note: str) -> None:
    """Send a guide under review back to draft, with a short note on what needs changing."""
    note = nfc((note or "").strip())
    if not note or len(note) > NOTE_MAX:
        raise InvalidInput(_l("Write what needs changing, in at most 300 characters."), "note")
    _move(actor, guide, "guide.send_back", "in_review",
          {"status": "draft", "reviewer_id": actor.id, "reviewed_at": clock.now()}, note)


def retire(actor, guide: Guide) -> None:
    """Take a published guide off the public pages (its QR codes then say it is no longer available)."""
    _move(actor, guide, "guide.retire", "published", {"status": "retired", "retired_at": clock.now()})


def restore(actor, guide: Guide) -> None:
    """Bring a retired guide back as a draft, to be edited and reviewed again."""
    _move(actor, guide, "guide.restore", "retired", {"status": "draft", "retired_at": None})


def last_note(guide: Guide) -> str | None:
    """The note of the last time the guide was sent back, while it is a draft because of it."""
    if guide.status != "draft":
        return None
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.target_type == "guide", AuditEvent.target_id == guide.id,
        AuditEvent.action.in_(("guide.send_back", "guide.restore", "guide.create"))).order_by(AuditEvent.id.desc())
        .limit(1))
    return (event.after or {}).get("note") if event is not None and event.action == "guide.send_back" else None


def add_image(actor, guide: Guide, picture: tuple[bytes, str, int, int], alt: str) -> GuideImage:
    """Keep a re-encoded screenshot with the words that describe it."""
    alt = nfc((alt or "").strip())
    if not alt or len(alt) > ALT_MAX:
        raise InvalidInput(_l("Describe the picture in a few words (at most 200 characters)."), "alt")
    data, content_type, width, height = picture
    image = GuideImage(guide_id=guide.id, alt=alt, content_type=content_type, data=data, width=width, height=height)
    db.session.add(image)
    db.session.flush()
    audit.record(actor, "guide.image_add", "guide", guide.id,
                 after={"image_id": image.id, "alt": alt, "width": width, "height": height})
    db.session.commit()
    return image


def image_used(guide: Guide, image: GuideImage) -> bool:
    """Tell whether the guide's text shows the picture."""
    ref = re.compile(rf"\(\s*image:{image.id}\s*\)")
    return bool(ref.search(guide.body_vi or "") or ref.search(guide.body_en or ""))


def remove_image(actor, guide: Guide, image: GuideImage) -> None:
    """Delete a screenshot the text no longer shows (one it shows is refused: remove it from the text first)."""
    if image_used(guide, image):
        raise InvalidInput(_l("The steps still show this picture. Remove its snippet from the text first."))
    audit.record(actor, "guide.image_remove", "guide", guide.id, before={"image_id": image.id, "alt": image.alt})
    db.session.delete(image)
    db.session.commit()


def guides_list(status: str | None = None) -> list[Guide]:
    """Every guide (or those of one status), the most recently changed first, with their reviewers."""
    stmt = select(Guide).options(selectinload(Guide.reviewer), selectinload(Guide.author))
    if status:
        stmt = stmt.where(Guide.status == status)
    return list(db.session.scalars(stmt.order_by(Guide.updated_at.desc(), Guide.id.desc())))

