"""The leader's 'today' console: check volunteers in and out, no-shows, tasks, walk-ins, undo, hours, ratings."""
from __future__ import annotations

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import access, htmx
from portal.accounts.services import find_student
from portal.core import clock
from portal.core.converters import small_int
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import one_person, show_error
from portal.i18n import format_time_local
from portal.operations import board, bp, changes, forms, walkin
from portal.operations import services as operations
from portal.operations.forms import TaskForm, UndoForm, WalkInForm, walk_in_form
from portal.operations.loaders import booking_at_my_point, shift_at_my_point
from portal.operations.models import Attendance
from portal.shifts.models import Booking


def _today_page(point_id: int | None, failed: tuple[int, WalkInForm] | None = None, status: int = 200,
                fragment: str | None = None, **context):
    """Today's board with a blank walk-in form per shift; `failed` is a walk-in form to show with its errors;
    `fragment` (with its `context`) is what an htmx request gets instead."""
    shown = board.for_user(current_user, point_id)
    walk_ins = {s.id: walk_in_form(s.id, formdata=None) for s in shown.shifts}
    if failed:
        walk_ins[failed[0]] = failed[1]
    counts = board.counts([s.id for s in shown.shifts], shown.rows)
    return htmx.render("operations/today.html", fragment, status, points=shown.points, shown=shown.shown,
                       shifts=shown.shifts, rows=shown.rows, shift_counts=counts, day=shown.day, now=clock.now(),
                       services=operations, row_forms=forms, walk_in_forms=walk_ins, undo=shown.undo, **context)


def _back_to_today(point_id: int, message, category: str = "success"):
    """Say what happened and go back to Today at the point (303)."""
    return htmx.redirect(url_for("operations.today", point=point_id), message, category)


@bp.route("/operations/today")
@access.roles_required("leader", "admin")
def today():
    """Today's shifts at my points, each with its roster and one-tap attendance."""
    return _today_page(small_int(request.args.get("point")))


@bp.route("/operations/shifts/<int:shift_id>/counts")
@access.roles_required("leader", "admin")
def shift_counts(shift_id):
    """A shift's counts on Today (booked, expected, present, checked out, no-show), refreshed after each tap;
    without htmx, Today itself, where they stand."""
    shift = shift_at_my_point(shift_id)
    return _today_page(shift.point_id, fragment="operations/partials/shift_counts.html", shift=shift,
                       counts=board.counts([shift.id])[shift.id])


@bp.route("/operations/shifts/<int:shift_id>/walk-in", methods=["POST"])
@access.roles_required("leader", "admin")
def walk_in(shift_id):
    """Add a volunteer who turned up without a booking, during the shift too, and check them in at once."""
    shift = shift_at_my_point(shift_id)
    form = walk_in_form(shift.id)
    if not form.validate_on_submit():
        return _today_page(shift.point_id, (shift.id, form), 422)
    people = find_student(form.who.data)
    student = one_person(people, form.person.data)
    if student is None and len(people) > 1:  # one student ID, several accounts: ask which one
        return htmx.render("shifts/choose_volunteer.html", None, people=people, who=form.who.data,
                           override=form.override.data, back=url_for("operations.today", point=shift.point_id),
                           action=url_for("operations.walk_in", shift_id=shift.id))
    try:
        if student is None:
            raise InvalidInput(_("No account has this email or student ID."), "who")
        result = walkin.walk_in(current_user, student, shift.id, override=form.override.data)
    except InvalidInput as error:
        show_error(form, error)
        return _today_page(shift.point_id, (shift.id, form), 422)
    return _back_to_today(shift.point_id, _walked_in(student, shift, result))


def _walked_in(student, shift, result) -> str:
    """What the leader is told after a walk-in: checked in now, or when check-in opens."""
    if result.record is not None:
        return _("%(name)s added to the shift and checked in at %(time)s.", name=student.full_name,
                 time=format_time_local(result.record.checked_in_at))
    return _("%(name)s added to the shift. Check them in when check-in opens at %(time)s.", name=student.full_name,
             time=format_time_local(shift.starts_at - operations.CHECK_IN_OPENS))


ACTIONS = {
    "check_in": lambda booking, form: operations.check_in(current_user, booking),
    "check_out": lambda booking, form: operations.check_out(current_user, booking),
    "no_show": lambda booking, form: operations.mark_no_show(current_user, booking),
    "task": lambda booking, form: operations.assign_task(current_user, booking, form.task.data or ""),
}
ALREADY = {  # what a tap that changed nothing says
    "check_in": lambda name, r: _("%(name)s was already checked in at %(time)s.", name=name,
                                  time=format_time_local(r.checked_in_at)),
    "check_out": lambda name, r: _("%(name)s was already checked out at %(time)s.", name=name,
                                   time=format_time_local(r.checked_out_at)),
    "no_show": lambda name, r: _("%(name)s is already recorded as a no-show.", name=name),
    "task": lambda name, r: _("The task was already saved."),
}


def _row(booking: Booking, status: int = 200, **context):
    """The volunteer's row re-rendered (htmx, which tells Today's counts to follow), or back to Today
    with the message (plain HTML)."""
    record = db.session.scalar(select(Attendance).where(Attendance.booking_id == booking.id))
    context.setdefault("change", changes.undoable([booking.id]).get(booking.id))
    message, notice = context.get("message"), context.get("notice")
    return htmx.answer("operations/partials/attendance_row.html",
                       redirect_to=url_for("operations.today", point=booking.shift.point_id), status_code=status,
                       flash_message=message or notice, flash_category="error" if message else "success",
                       event="attendance-changed" if status == 200 else None, booking=booking, record=record,
                       shift=booking.shift, services=operations, now=clock.now(), row_forms=forms, **context)


@bp.route("/operations/bookings/<int:booking_id>/<action>", methods=["POST"])
@access.roles_required("leader", "admin")
def act(booking_id, action):
    """One tap on a volunteer's row; answers with the row re-rendered (htmx) or back to today."""
    if action not in ACTIONS:
        abort(404)
    booking = booking_at_my_point(booking_id)
    form = TaskForm()
    if action == "task" and not form.validate_on_submit():
        return _row(booking, 422, message=next(iter(form.errors.values()), [_("Try again.")])[0])
    try:
        result = ACTIONS[action](booking, form)
    except InvalidInput as error:
        return _row(booking, 422, message=error.message)
    if result.change is None:
        return _row(booking, notice=ALREADY[action](booking.user.full_name, result.record))
    return _row(booking, change=result.change)


@bp.route("/operations/bookings/<int:booking_id>/undo", methods=["POST"])
@access.roles_required("leader", "admin")
def undo(booking_id):
    """Undo the latest change of a volunteer's row, within the short window, if nothing changed since."""
    booking = booking_at_my_point(booking_id)
    form = UndoForm()
    name, point_id = booking.user.full_name, booking.shift.point_id
    try:
        if not form.validate_on_submit():
            raise InvalidInput(form.change.errors[0] if form.change.errors else _("Try again."), "undo")
        action = changes.undo(current_user, booking, small_int(form.change.data))
    except InvalidInput as error:
        return _row(booking, 422, message=error.message)
    if action != "walk_in":
        return _row(booking, notice=_("Undone: %(name)s's row is back as it was.", name=name), change=None)
    notice = _("Undone: %(name)s is no longer on this shift.", name=name)
    return htmx.answer("operations/partials/attendance_removed.html", event="attendance-changed",
                       redirect_to=url_for("operations.today", point=point_id), flash_message=notice,
                       booking_id=booking_id, notice=notice)


@bp.route("/operations/bookings/<int:booking_id>/hours", methods=["POST"])
@access.roles_required("leader", "admin")
def adjust_hours(booking_id):
    """Correct the minutes a volunteer served, with a reason (kept in the audit trail)."""
    booking = booking_at_my_point(booking_id)
    form = forms.hours_form(booking.id)
    try:
        if not form.validate_on_submit():
            raise InvalidInput(next(iter(form.errors.values()))[0], "minutes")
        operations.adjust(current_user, booking, int(form.minutes.data), form.reason.data or "")
    except InvalidInput as error:
        return _back_to_today(booking.shift.point_id, error.message, "error")
    return _back_to_today(booking.shift.point_id, _("Hours corrected."))


@bp.route("/operations/bookings/<int:booking_id>/rating", methods=["POST"])
@access.roles_required("leader", "admin")
def rate(booking_id):
    """Rate a volunteer's shift (1–5) with a short comment they will see."""
    booking = booking_at_my_point(booking_id)
    form = forms.rating_form(booking.id)
    try:
        if not form.validate_on_submit():
            raise InvalidInput(next(iter(form.errors.values()))[0], "rating")
        operations.rate(current_user, booking, form.rating.data, form.comment.data or "")
    except InvalidInput as error:
        return _back_to_today(booking.shift.point_id, error.message, "error")
    return _back_to_today(booking.shift.point_id, _("Rating saved."))
