"""Self check-in: the leader's screen shows a QR code that changes every few minutes; booked students scan it.

A code printed or photographed stops working minutes later, so it cannot be passed around a
group chat to check in from home.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from portal.core import clock
from portal.core import qr as core_qr
from portal.core.urls import external_url
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.operations import services as operations
from portal.operations.services import CHECK_IN_OPENS
from portal.operations.transaction import refusal_rolls_back
from portal.shifts.models import Booking, Shift


def _window(at: datetime) -> int:
    """The number of the code window an instant falls in (CHECKIN_CODE_MINUTES long)."""
    return int(at.timestamp()) // (current_app.config["CHECKIN_CODE_MINUTES"] * 60)


def current_code(point_id: int, at: datetime | None = None) -> str:
    """The point's code for the window of `at` (now): unguessable, different at every point and window."""
    key = current_app.config["SECRET_KEY"].encode()
    window = _window(at or clock.now())
    digest = hmac.new(key, f"check-in:{point_id}:{window}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode().rstrip("=")


def code_is_fresh(point_id: int, code: str, at: datetime) -> bool:
    """Accept the code of the current window or of the one before, so a scan made just before the
    code changed still works while the student confirms."""
    step = timedelta(minutes=current_app.config["CHECKIN_CODE_MINUTES"])
    return any(hmac.compare_digest(code.upper(), current_code(point_id, at - lag)) for lag in (timedelta(0), step))


def seconds_left(at: datetime | None = None) -> int:
    """Seconds until the code shown now changes."""
    length = current_app.config["CHECKIN_CODE_MINUTES"] * 60
    return length - int((at or clock.now()).timestamp()) % length


def checkin_url(point_id: int, at: datetime | None = None) -> str:
    """The address the QR code holds."""
    return external_url("operations.self_check_in", point_id=point_id, code=current_code(point_id, at))


def qr_svg(data: str) -> str:
    """The check-in QR code as inline SVG."""
    return core_qr.qr_svg(data)


@refusal_rolls_back
def self_check_in(user, point_id: int, code: str, now: datetime | None = None) -> operations.Result:
    """Check a student in by the code of the point they stand at; refuse any other day's or point's code.
    A second scan changes nothing (the result's change is None) and the page says they already are."""
    now = now or clock.now()
    if not code_is_fresh(point_id, code, now):
        raise InvalidInput(_l("This code has expired or belongs to another point. Scan the code on the team "
                              "leader's screen again: it changes every few minutes."), "code")
    booking = db.session.scalar(
        select(Booking).join(Shift, Shift.id == Booking.shift_id)
        .where(Booking.user_id == user.id, Booking.status == "booked", Shift.point_id == point_id,
               Shift.status == "open", Shift.starts_at <= now + CHECK_IN_OPENS, Shift.ends_at >= now)
        .order_by(Shift.starts_at).limit(1)
    )
    if booking is None:
        raise InvalidInput(_l("You have no shift here right now. Check-in opens an hour before your shift starts."),
                           "code")
    return operations.check_in(user, booking, at=now, method="self")
