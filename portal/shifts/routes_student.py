"""Students find, book and cancel shifts, wait for seats, and take their shifts to their calendar."""
from __future__ import annotations

from flask import Response, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import access, htmx
from portal.core.urls import external_url
from portal.extensions import db, limiter
from portal.forms import EmptyForm
from portal.i18n import format_date
from portal.shifts import (
    booking,
    bp,
    calendar,
    finder,
    models,  # noqa: F401  (the tables exist before any route uses them)
    shift_page,
)
from portal.shifts.models import Booking, Shift
from portal.shifts.rules import BookingRefused

MY_SHIFTS = "shifts/partials/my_shifts.html"


WIDGET = "shifts/partials/booking_widget.html"


def _widget(row: finder.Row, outcome: dict):
    """The shift's booking widget for htmx; without JavaScript, a 303 to the shift's page with the
    outcome as a message."""
    return htmx.answer(WIDGET, redirect_to=url_for("shifts.show", shift_id=row.shift.id), row=row,
                       action_form=EmptyForm(), **outcome)


def _refused(refused: BookingRefused) -> dict:
    return {"status_code": 422, "flash_message": refused.message, "flash_category": "error", "message": refused.message}


def _done(message, shift_id: int) -> dict:
    return {"flash_message": message, "event": "booking-changed", "event_detail": {"shift": shift_id}}


def _act(shift_id: int, action, done_message):
    """Run a booking action for the current student and answer with the shift's booking widget, read
    afresh (a refusal with 422, a success with the booking-changed event)."""
    shift = db.get_or_404(Shift, shift_id)
    try:
        action()
    except BookingRefused as refused:
        outcome = _refused(refused)
    else:
        outcome = _done(done_message, shift_id)
    (row,) = finder.rows_for(current_user, [shift])
    return _widget(row, outcome)


@bp.app_template_global("shift_page_url")
def shift_page_url(shift_id: int) -> str:
    """The absolute address of a shift's page, for emails and calendars (BASE_URL, never the Host header)."""
    return external_url("shifts.show", shift_id=shift_id)


@bp.route("/shifts/<int:shift_id>")
@access.roles_required("student")
def show(shift_id):
    """The shift's page: the student's own shift (where, when, who leads, status, cancel, calendar) once
    they booked or wait for it, else the shift with its booking widget. Refreshed on booking-changed."""
    shift = db.get_or_404(Shift, shift_id)
    if shift.campaign.status == "draft":
        abort(404)
    (row,) = finder.rows_for(current_user, [shift])
    return htmx.render("shifts/shift.html", "shifts/partials/shift_page.html", row=row,
                       mine=shift_page.for_student(current_user, shift), action_form=EmptyForm())


@bp.route("/shifts/<int:shift_id>/book", methods=["POST"])
@access.roles_required("student")
def book(shift_id):
    """Book a seat. The answer shows what the booking read and wrote (no second reading of the rules):
    the booked card, or the refusal; a full shift is said at once, with the waitlist offer."""
    try:
        made = booking.book(current_user, shift_id)
    except BookingRefused as refused:
        seen = refused.gate
        if refused.code == "missing":
            abort(404)
        if seen is None or seen.waiting or seen.booking_id is not None:  # rarer answers: read the card afresh
            (row,) = finder.rows_for(current_user, [db.session.get(Shift, shift_id)])
        else:
            row = finder.Row(seen.shift, refusal=refused)
        return _widget(row, _refused(refused))
    return _widget(finder.Row(made.shift, booking=made), _done(_("Shift booked."), shift_id))


@bp.route("/shifts/<int:shift_id>/cancel", methods=["POST"])
@access.roles_required("student")
def cancel(shift_id):
    """Cancel my booking (until the campaign's cut-off)."""
    mine = db.session.scalar(select(Booking.id).where(
        Booking.shift_id == shift_id, Booking.user_id == current_user.id, Booking.status == "booked"))
    if mine is None:
        abort(404)
    return _act(shift_id, lambda: booking.cancel(mine, current_user), _("Your booking is cancelled."))


@bp.route("/shifts/<int:shift_id>/waitlist", methods=["POST"])
@access.roles_required("student")
def waitlist(shift_id):
    """Join the waitlist of a full shift, or leave it ('action=leave')."""
    if request.form.get("action") == "leave":
        return _act(shift_id, lambda: booking.leave_waitlist(current_user, shift_id), _("You left the waitlist."))
    return _act(shift_id, lambda: booking.join_waitlist(current_user, shift_id), _("You are on the waitlist."))


def _my_shifts(page: bool) -> dict:
    """What My shifts shows; the cancel buttons only where the list is the page's own (the finder's
    aside asks for the list for reading: a cancel there would leave its card stale)."""
    upcoming, past = finder.my_bookings(current_user)
    return {"upcoming": upcoming, "past": past, "waiting": finder.my_waitlist(current_user),
            "cancel": shift_page.cancel_states(upcoming) if page else {}, "feed_url": _feed_url(),
            "action_form": EmptyForm()}


def _feed_url() -> str | None:
    """The address of my calendar feed, once I have asked for one."""
    token = calendar.feed_token(current_user)
    return external_url("shifts.feed", token=token) if token else None


@bp.route("/shifts/mine")
@access.roles_required("student")
def mine():
    """My shifts: upcoming and past, with status; the finder's aside loads the list with '?aside=1'
    and refreshes it on the booking-changed event."""
    return htmx.render("shifts/mine.html", MY_SHIFTS, **_my_shifts(page=request.args.get("aside") != "1"))


@bp.route("/shifts/mine/<int:booking_id>/cancel", methods=["POST"])
@access.roles_required("student")
def cancel_mine(booking_id):
    """Cancel one of my bookings from My shifts: the list comes back (htmx), or a 303 to it with a message."""
    own = db.get_or_404(Booking, booking_id)
    if own.user_id != current_user.id:
        abort(404)
    try:
        booking.cancel(own.id, current_user)
    except BookingRefused as refused:
        return htmx.answer(MY_SHIFTS, redirect_to=url_for("shifts.mine"), status_code=422, error=refused.message,
                           flash_message=refused.message, flash_category="error", **_my_shifts(page=True))
    done = _("Your booking at %(point)s on %(date)s is cancelled.", point=own.shift.point.name,
             date=format_date(own.shift.starts_at))
    return htmx.answer(MY_SHIFTS, redirect_to=url_for("shifts.mine"), flash_message=done, message=done,
                       event="booking-changed", event_detail={"shift": own.shift_id}, **_my_shifts(page=True))


@bp.route("/shifts/calendar/regenerate", methods=["POST"])
@access.roles_required("student")
def regenerate_feed():
    """Make my secret calendar address, or a new one (the old one stops working)."""
    calendar.new_feed_token(current_user)
    return htmx.redirect(url_for("shifts.mine"))


@bp.route("/shifts/<int:shift_id>.ics")
@access.signed_in
def shift_ics(shift_id):
    """One shift as a calendar file."""
    shift = db.get_or_404(Shift, shift_id)
    if shift.campaign.status == "draft" and not current_user.has_role("admin"):
        abort(404)
    return Response(calendar.shift_ics(shift), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="ca-truc-{shift.id}.ics"'})


@bp.route("/shifts/calendar/<token>.ics")
@access.public
@limiter.limit("60 per minute")
def feed(token):
    """The student's subscribable calendar (the secret token is the only key)."""
    user = calendar.user_for_token(token) if len(token) < 80 else None
    if user is None or not user.is_active_account:
        abort(404)
    return Response(calendar.feed_ics(user), mimetype="text/calendar",
                    headers={"Cache-Control": "private, max-age=300"})
