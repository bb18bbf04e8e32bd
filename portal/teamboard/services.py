"""The team board: who may see a point's board, what it shows, posting to one or several points, "seen".

A point's board is seen by its leaders, the organisers, and the volunteers booked there in the next 14 days
(the "audience"); only the audience marks posts seen, and new posts notify it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.audit import services as audit
from portal.campaigns import points as points_service
from portal.campaigns.models import ServicePoint
from portal.core import clock
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.shifts.models import Booking, Shift
from portal.teamboard.models import BODY_MAX, LINK_MAX, TeamPost, TeamPostImage, TeamPostPoint, TeamPostSeen

HORIZON = timedelta(days=14)
BOARD_SIZE = 40  # posts shown on a board: the pinned ones, then the newest


@dataclass
class Draft:
    """What a leader or an organiser typed for a post."""

    body: str
    link: str = ""
    pinned: bool = False
    shift_id: int | None = None
    need_count: int | None = None
    image: tuple[bytes, str, int, int] | None = None  # re-encoded bytes, content type, width, height


@dataclass
class Readers:
    """Who of a point's audience has seen a post, and who has not."""

    seen: list[User] = field(default_factory=list)
    unseen: list[User] = field(default_factory=list)


def latest_post(point_id: int) -> TeamPost | None:
    """The newest post on the point's board, pinned or not (with its author loaded)."""
    return db.session.scalar(
        select(TeamPost).join(TeamPostPoint, TeamPostPoint.post_id == TeamPost.id)
        .where(TeamPostPoint.point_id == point_id).options(selectinload(TeamPost.author))
        .order_by(TeamPost.created_at.desc(), TeamPost.id.desc()).limit(1))


def _booked_soon():
    """Bookings on open shifts that have not ended and start within the next 14 days."""
    now = clock.now()
    return (select(Booking.user_id, Shift.point_id).join(Shift, Shift.id == Booking.shift_id)
            .where(Booking.status == "booked", Shift.status == "open", Shift.ends_at > now,
                   Shift.starts_at < now + HORIZON))


def audience(point_ids) -> dict[int, set[int]]:
    """The volunteers booked at each of the points in the next 14 days: {user_id: {point_id, ...}}."""
    found: dict[int, set[int]] = {}
    for user_id, point_id in db.session.execute(_booked_soon().where(Shift.point_id.in_(list(point_ids) or [-1]))):
        found.setdefault(user_id, set()).add(point_id)
    return found


def is_volunteer_at(user, point_id: int) -> bool:
    """Tell whether the person is booked at the point in the next 14 days."""
    return db.session.execute(_booked_soon().where(Booking.user_id == user.id, Shift.point_id == point_id)
                              .limit(1)).first() is not None


def can_see(user, point_id: int) -> bool:
    """Organisers and the point's leaders see its board; volunteers while they are booked there soon."""
    return points_service.runs_point(user, point_id) or (user.has_role("student") and is_volunteer_at(user, point_id))


def can_manage(user, post: TeamPost) -> bool:
    """Organisers manage every post; a leader the posts shown only on points they lead."""
    return user.has_role("admin") or all(points_service.runs_point(user, p.id) for p in post.points)


def visible_point(user, post: TeamPost) -> ServicePoint | None:
    """The first of the post's points whose board the person may see, or None."""
    return next((p for p in post.points if can_see(user, p.id)), None)


def board(point_id: int) -> list[TeamPost]:
    """The point's posts: pinned first, then the newest."""
    return list(db.session.scalars(
        select(TeamPost).join(TeamPostPoint, TeamPostPoint.post_id == TeamPost.id)
        .where(TeamPostPoint.point_id == point_id)
        .options(selectinload(TeamPost.author), selectinload(TeamPost.shift).selectinload(Shift.point),
                 selectinload(TeamPost.points))
        .order_by(TeamPost.pinned.desc(), TeamPost.created_at.desc(), TeamPost.id.desc()).limit(BOARD_SIZE)))


def seen_ids(user_id: int, post_ids) -> set[int]:
    """Which of the posts the person marked seen."""
    return set(db.session.scalars(select(TeamPostSeen.post_id).where(
        TeamPostSeen.user_id == user_id, TeamPostSeen.post_id.in_(list(post_ids) or [-1]))))


def readers(point_id: int, posts: list[TeamPost]) -> dict[int, Readers]:
    """For each post, who of the point's audience has seen it and who has not (names sorted)."""
    ids = set(audience([point_id]))
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids or {-1})))}
    seen: dict[int, set[int]] = {}
    for post_id, user_id in db.session.execute(select(TeamPostSeen.post_id, TeamPostSeen.user_id).where(
            TeamPostSeen.post_id.in_([p.id for p in posts] or [-1]), TeamPostSeen.user_id.in_(ids or {-1}))):
        seen.setdefault(post_id, set()).add(user_id)
    result = {}
    for post in posts:
        done = seen.get(post.id, set())
        ordered = sorted(people.values(), key=lambda u: u.sort_name or "")
        result[post.id] = Readers([u for u in ordered if u.id in done], [u for u in ordered if u.id not in done])
    return result


def check_link(link: str) -> str | None:
    """A web address (http or https) or nothing; anything else is refused."""
    link = (link or "").strip()
    if not link:
        return None
    parts = urlsplit(link)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or len(link) > LINK_MAX:
        raise InvalidInput(_l("The link must be a web address starting with https:// or http://."), "link")
    return link


def upcoming_shifts(point_id: int) -> list[Shift]:
    """The point's open shifts in the next 14 days (what a "need more people" call may name)."""
    now = clock.now()
    return list(db.session.scalars(select(Shift).where(
        Shift.point_id == point_id, Shift.status == "open", Shift.starts_at > now,
        Shift.starts_at < now + HORIZON).order_by(Shift.starts_at)))


def shifts_to_message(point_id: int, limit: int = 8) -> list[Shift]:
    """The point's next shifts (running or to come) with someone booked: those a leader may message."""
    return list(db.session.scalars(select(Shift).where(
        Shift.point_id == point_id, Shift.status == "open", Shift.ends_at > clock.now(), Shift.booked_count > 0)
        .order_by(Shift.starts_at).limit(limit)))


def _check_call(draft: Draft, point_ids: list[int]) -> Shift | None:
    """The shift a "need N more" call names: one of the point's upcoming shifts, with a number."""
    if draft.shift_id is None:
        if draft.need_count:
            raise InvalidInput(_l("Choose the shift that needs more people."), "shift_id")
        return None
    if len(point_ids) != 1:
        raise InvalidInput(_l("A call for people names one point's shift."), "shift_id")
    shift = next((s for s in upcoming_shifts(point_ids[0]) if s.id == draft.shift_id), None)
    if shift is None:
        raise InvalidInput(_l("Choose one of this point's shifts in the next 14 days."), "shift_id")
    if not draft.need_count:
        raise InvalidInput(_l("Say how many more people the shift needs."), "need_count")
    return shift


def create_post(actor, point_ids: list[int], draft: Draft) -> TeamPost:
    """Post on the boards of `point_ids` (each one the actor runs), in one transaction; the caller then
    tells the audience (tasks.announce)."""
    point_ids = sorted(set(point_ids))
    if not point_ids:
        raise InvalidInput(_l("Choose at least one point or branch."), "point_ids")
    if not all(points_service.runs_point(actor, p) for p in point_ids):
        raise InvalidInput(_l("You can post only on the boards of points you lead."), "point_ids")
    body = nfc(draft.body or "").strip()
    if not body or len(body) > BODY_MAX:
        raise InvalidInput(_l("Write the update (at most %(max)d characters).", max=BODY_MAX), "body")
    link, shift = check_link(draft.link), _check_call(draft, point_ids)
    post = TeamPost(author_id=actor.id, body=body, link=link, pinned=bool(draft.pinned),
                    shift_id=shift.id if shift else None, need_count=draft.need_count if shift else None)
    if draft.image:
        data, content_type, width, height = draft.image
        post.image = TeamPostImage(data=data, content_type=content_type, width=width, height=height)
    db.session.add(post)
    db.session.flush()
    db.session.add_all([TeamPostPoint(post_id=post.id, point_id=p) for p in point_ids])
    audit.record(actor, "board.post", "team_post", post.id, None,
                 {"points": point_ids, "pinned": post.pinned, "shift_id": post.shift_id, "image": bool(draft.image)})
    db.session.commit()
    return post


def set_pinned(actor, post: TeamPost, pinned: bool) -> None:
    """Pin a post to the top of its boards, or unpin it."""
    post.pinned = pinned
    audit.record(actor, "board.pin" if pinned else "board.unpin", "team_post", post.id, None, None)
    db.session.commit()


def mark_seen(user, post: TeamPost) -> bool:
    """Record that a volunteer saw the post; False when they already had."""
    if db.session.get(TeamPostSeen, (post.id, user.id)) is not None:
        return False
    try:
        with db.session.begin_nested():  # a double tap records once
            db.session.add(TeamPostSeen(post_id=post.id, user_id=user.id))
    except IntegrityError:
        return False
    db.session.commit()
    return True
