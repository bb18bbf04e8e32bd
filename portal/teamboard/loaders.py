"""Loaders of the board's views: the object named by the URL (404), then the right to see or act on it (403)."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from portal.campaigns.models import ServicePoint
from portal.extensions import db
from portal.operations.loaders import shift_at_my_point
from portal.teamboard import services as teamboard
from portal.teamboard.models import ShiftMessage, TeamPost


def point_board_or_403(point_id: int) -> ServicePoint:
    """A point whose board the current user may see: they run it, or are booked there in the next 14 days."""
    point = db.get_or_404(ServicePoint, point_id)
    if not teamboard.can_see(current_user, point.id):
        abort(403)
    return point


def post_i_see(post_id: int) -> tuple[TeamPost, ServicePoint]:
    """A post on a board the current user may see, with that board's point (404/403)."""
    post = db.get_or_404(TeamPost, post_id)
    point = teamboard.visible_point(current_user, post)
    if point is None:
        abort(403)
    return post, point


def post_i_read(post_id: int) -> tuple[TeamPost, ServicePoint]:
    """A post on the board of a point the current user is booked at as a volunteer (404/403)."""
    post = db.get_or_404(TeamPost, post_id)
    point = next((p for p in post.points if teamboard.is_volunteer_at(current_user, p.id)), None)
    if point is None:
        abort(403)
    return post, point


def post_i_manage(post_id: int) -> TeamPost:
    """A post the current user may pin: organisers any, a leader those only on points they lead (404/403)."""
    post = db.get_or_404(TeamPost, post_id)
    if not teamboard.can_manage(current_user, post):
        abort(403)
    return post


def message_at_my_point(message_id: int) -> ShiftMessage:
    """A shift message about a shift at a point the current user runs (404/403)."""
    message = db.get_or_404(ShiftMessage, message_id)
    shift_at_my_point(message.shift_id)
    return message
