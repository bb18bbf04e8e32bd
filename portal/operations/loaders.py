"""Loaders of the operations views: the object named by the URL (404), then the right to act on it (403)."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from portal.campaigns import points as points_service
from portal.campaigns.models import ServicePoint
from portal.extensions import db
from portal.operations.models import CitizenFeedback
from portal.shifts.models import Booking, Shift


def point_i_run_or_403(point_id: int) -> ServicePoint:
    """A point the current user runs (its leaders, and organisers for every point), else 404/403."""
    point = db.get_or_404(ServicePoint, point_id)
    if not points_service.runs_point(current_user, point.id):
        abort(403)
    return point


def shift_at_my_point(shift_id: int) -> Shift:
    """A shift at a point the current user runs (404/403)."""
    shift = db.get_or_404(Shift, shift_id)
    point_i_run_or_403(shift.point_id)
    return shift


def booking_at_my_point(booking_id: int) -> Booking:
    """A booking on a shift at a point the current user runs (404/403)."""
    booking = db.get_or_404(Booking, booking_id)
    point_i_run_or_403(booking.shift.point_id)
    return booking


def feedback_at_my_point(item_id: int) -> CitizenFeedback:
    """A citizen's feedback recorded at a point the current user runs (404/403)."""
    item = db.get_or_404(CitizenFeedback, item_id)
    point_i_run_or_403(item.point_id)
    return item
