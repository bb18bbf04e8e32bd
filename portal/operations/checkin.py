"""Self check-in: each point shows a QR code that changes every day; booked students scan it."""
from __future__ import annotations

import base64
import hashlib
import hmac
import io
from datetime import date, datetime, timedelta

import qrcode
import qrcode.image.svg
from flask import current_app
from portal.i18n import lazy_text as _l
from sqlalchemy import select

from portal.accounts.validation import InvalidInput
from portal.core.types import utcnow
from portal.core.urls import external_url
from portal.extensions import db
from portal.i18n import LOCAL_TZ
from portal.operations import services
from portal.operations.services import CHECK_IN_OPENS
from portal.shifts.models import Booking, Shift


def daily_code(point_id: int, day: date | None = None) -> str:
    """The point's code for a Hanoi day: unguessable, different every day and at every point."""
    day = day or datetime.now(LOCAL_TZ).date()
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"check-in:{point_id}:{day.isoformat()}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode().rstrip("=")


def checkin_url(point_id: int, day: date | None = None) -> str:
    """The address the QR code holds."""
    return external_url("operations.self_check_in", point_id=point_id, code=daily_code(point_id, day))


def qr_svg(data: str) -> str:
    """A QR code as inline SVG markup (no script, allowed by the CSP)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    markup = buffer.getvalue().decode()
    return markup[markup.index("<svg"):]  # drop the XML declaration: this goes inside HTML


def self_check_in(user, point_id: int, code: str, now: datetime | None = None) -> Booking:
    """Check a student in by the code of the point they stand at; refuse any other day's or point's code."""
    now = now or utcnow()
    if not hmac.compare_digest(code.upper(), daily_code(point_id, now.astimezone(LOCAL_TZ).date())):
        raise InvalidInput(_l("This code is not today's code for this point. Scan the code shown at the point today."), "code")
    booking = db.session.scalar(
        select(Booking).join(Shift, Shift.id == Booking.shift_id)
        .where(Booking.user_id == user.id, Booking.status == "booked", Shift.point_id == point_id,
               Shift.status == "open", Shift.starts_at <= now + CHECK_IN_OPENS, Shift.ends_at >= now)
        .order_by(Shift.starts_at).limit(1)
    )
    if booking is None:
        raise InvalidInput(_l("You have no shift here right now. Check-in opens an hour before your shift starts."), "code")
    services.check_in(user, booking, at=now, method="self")
    return booking
