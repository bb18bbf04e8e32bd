"""The board's background job: tell a new post's audience about it, away from the request that made it
(a branch-wide post may reach hundreds of volunteers)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.core.urls import external_url
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.jobs import queue
from portal.notifications import services as notifications
from portal.teamboard import services as teamboard
from portal.teamboard.models import TeamPost


@queue.job(_l("Tell volunteers about a new team board post"), retries=3, retry_delay=30)
def announce(post_id: int) -> int:
    """Notify the volunteers booked at the post's points (not its author); a "need N more" call links to
    the shift's page so they can book. Once per person (key board-post:<id>); the number notified."""
    post = db.session.scalar(select(TeamPost).where(TeamPost.id == post_id)
                             .options(selectinload(TeamPost.points), selectinload(TeamPost.shift)))
    if post is None:
        return 0
    points = {p.id: p for p in post.points}
    people = teamboard.audience(points)
    users = db.session.scalars(select(User).where(User.id.in_(people or [-1]), User.is_active_account)
                               .order_by(User.id))
    sent = 0
    for user in users:
        if user.id == post.author_id:
            continue
        point = points[min(people[user.id])]
        if post.shift_id:
            link, template = external_url("shifts.show", shift_id=post.shift_id), "board_need"
        else:
            link, template = external_url("teamboard.board", point_id=point.id), "board_post"
        if notifications.notify(user, "board", f"board-post:{post.id}", template, link=link, post=post, point=point):
            sent += 1
    db.session.commit()
    return sent
