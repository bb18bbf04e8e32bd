"""Students find, book and cancel shifts, wait for seats, and take their shifts to their calendar."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import access, htmx
from portal.core.urls import external_url
from portal.extensions import db, limiter
from portal.forms import EmptyForm
from portal.i18n import format_date
from portal.shifts import booking as service
from portal.shifts import (
    bp,
    calendar,
    finder,
    models,  # noqa: F401  (the tables exist before any route uses them)
    shift_page,
)
from portal.shifts.models import Booking, Shift
from portal.shifts.rules import BookingRefused


def _widget(shift_id: int, message=None, status=200):
    """The booking widget of one shift, re-rendered after an action, with the booking-changed event."""
    shift = db.session.get(Shift, shift_id)
    (row,) = finder.rows_for(current_user, [shift])
    response = htmx.render("shifts/shift.html", "shifts/partials/booking_widget.html", status,
                           row=row, mine=shift_page.for_student(current_user, shift), message=message,
                           action_form=EmptyForm())
    return htmx.trigger(response, "booking-changed", {"shift": shift_id}) if status == 200 else response


def _act(shift_id: int, action, done_message):
    """Run a booking action for the current student.

    With htmx the widget comes back (refusals with 422); without JavaScript the browser is sent
    back to the shift's page (303) with the outcome as a message.
    """
    db.get_or_404(Shift, shift_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        action()
    except BookingRefused as refused:
        if not htmx.is_htmx():
            flash(str(refused.message), "error")
            return redirect(url_for("shifts.show", shift_id=shift_id), 303)
        return _widget(shift_id, refused.message, 422)
    if not htmx.is_htmx():
        flash(done_message, "success")
        return redirect(url_for("shifts.show", shift_id=shift_id), 303)
    return _widget(shift_id)


@bp.app_template_global("shift_page_url")
def shift_page_url(shift_id: int) -> str:
    """The absolute address of a shift's page, for emails and calendars (BASE_URL, never the Host header)."""
    return external_url("shifts.show", shift_id=shift_id)


@bp.route("/<int:shift_id>")
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


@bp.route("/<int:shift_id>/book", methods=["POST"])
@access.roles_required("student")
def book(shift_id):
    """Book a seat."""
    return _act(shift_id, lambda: service.book(current_user, shift_id), _("Shift booked."))


@bp.route("/<int:shift_id>/cancel", methods=["POST"])
@access.roles_required("student")
def cancel(shift_id):
    """Cancel my booking (until the campaign's cut-off)."""
    mine = db.session.scalar(select(Booking.id).where(
        Booking.shift_id == shift_id, Booking.user_id == current_user.id, Booking.status == "booked"))
    if mine is None:
        abort(404)
    return _act(shift_id, lambda: service.cancel(mine, current_user), _("Your booking is cancelled."))


@bp.route("/<int:shift_id>/waitlist", methods=["POST"])
@access.roles_required("student")
def waitlist(shift_id):
    """Join the waitlist of a full shift, or leave it ('action=leave')."""
    if request.form.get("action") == "leave":
        return _act(shift_id, lambda: service.leave_waitlist(current_user, shift_id), _("You left the waitlist."))
    return _act(shift_id, lambda: service.join_waitlist(current_user, shift_id), _("You are on the waitlist."))


def _my_shifts(page: bool, message=None, error=None, status=200):
    """My shifts, the page or its list; the cancel buttons only where the list is the page's own
    (the finder's aside shows the list for reading: a cancel there would leave its card stale)."""
    upcoming, past = finder.my_bookings(current_user)
    return htmx.render("shifts/mine.html", "shifts/partials/my_shifts.html", status, upcoming=upcoming, past=past,
                       waiting=finder.my_waitlist(current_user), message=message, error=error, action_form=EmptyForm(),
                       cancel=shift_page.cancel_states(upcoming) if page else {},
                       feed_url=_feed_url())


def _feed_url() -> str | None:
    """The address of my calendar feed, once I have asked for one."""
    token = calendar.feed_token(current_user)
    return external_url("shifts.feed", token=token) if token else None


@bp.route("/mine")
@access.roles_required("student")
def mine():
    """My shifts: upcoming and past, with status; refreshed by the booking-changed event."""
    return _my_shifts(page=not htmx.is_fragment_request())


@bp.route("/mine/<int:booking_id>/cancel", methods=["POST"])
@access.roles_required("student")
def cancel_mine(booking_id):
    """Cancel one of my bookings from My shifts: the list comes back (htmx), or a 303 to it with a message."""
    booking = db.get_or_404(Booking, booking_id)
    if booking.user_id != current_user.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.cancel(booking.id, current_user)
    except BookingRefused as refused:
        if not htmx.is_htmx():
            flash(str(refused.message), "error")
            return redirect(url_for("shifts.mine"), 303)
        return _my_shifts(page=True, error=refused.message, status=422)
    done = _("Your booking at %(point)s on %(date)s is cancelled.", point=booking.shift.point.name,
             date=format_date(booking.shift.starts_at))
    if not htmx.is_htmx():
        flash(done, "success")
        return redirect(url_for("shifts.mine"), 303)
    return htmx.trigger(_my_shifts(page=True, message=done), "booking-changed", {"shift": booking.shift_id})


@bp.route("/calendar/regenerate", methods=["POST"])
@access.roles_required("student")
def regenerate_feed():
    """Make my secret calendar address, or a new one (the old one stops working)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    calendar.new_feed_token(current_user)
    return htmx.redirect(url_for("shifts.mine"))


@bp.route("/<int:shift_id>.ics")
@access.signed_in
def shift_ics(shift_id):
    """One shift as a calendar file."""
    shift = db.get_or_404(Shift, shift_id)
    if shift.campaign.status == "draft" and not current_user.has_role("admin"):
        abort(404)
    return Response(calendar.shift_ics(shift), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="ca-truc-{shift.id}.ics"'})


@bp.route("/calendar/<token>.ics")
@access.public
@limiter.limit("60 per minute")
def feed(token):
    """The student's subscribable calendar (the secret token is the only key)."""
    user = calendar.user_for_token(token) if len(token) < 80 else None
    if user is None or not user.is_active_account:
        abort(404)
    return Response(calendar.feed_ics(user), mimetype="text/calendar",
                    headers={"Cache-Control": "private, max-age=300"})
