"""The leader's 'today' console: check volunteers in and out, no-shows, tasks, walk-ins, undo."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import access, htmx
from portal.accounts.services import find_student
from portal.accounts.validation import InvalidInput
from portal.campaigns import points as points_service
from portal.campaigns.models import ServicePoint
from portal.core.converters import small_int
from portal.core.types import utcnow
from portal.extensions import db
from portal.forms import EmptyForm, one_person
from portal.i18n import LOCAL_TZ, format_time_local
from portal.operations import bp, changes, services, walkin
from portal.operations.forms import TaskForm, UndoForm, WalkInForm, walk_in_form
from portal.operations.models import Attendance
from portal.shifts.models import Booking, Shift


def _my_points() -> list[ServicePoint]:
    """The points the current user runs today: led ones, or every active point for admins."""
    if current_user.has_role("admin"):
        return list(db.session.scalars(select(ServicePoint).where(ServicePoint.is_active).order_by(ServicePoint.name)))
    return points_service.points_led_by(current_user)


def _rows(shift_ids: list[int]) -> dict[int, list[tuple[Booking, Attendance | None]]]:
    """Each shift's active bookings with their attendance, in two queries."""
    bookings = db.session.scalars(select(Booking).options(joinedload(Booking.user)).where(
        Booking.shift_id.in_(shift_ids), Booking.status == "booked")).all()
    records = {a.booking_id: a for a in db.session.scalars(
        select(Attendance).where(Attendance.booking_id.in_([b.id for b in bookings])))}
    rows: dict[int, list] = {}
    for booking in sorted(bookings, key=lambda b: b.user.sort_name):
        rows.setdefault(booking.shift_id, []).append((booking, records.get(booking.id)))
    return rows


def _today_page(point_id: int | None, failed: tuple[int, WalkInForm] | None = None, status: int = 200):
    """Today's shifts at my points, each with its roster, undo notices and walk-in form: every shift that
    runs during the Hanoi day, including one that began last night, and one whose check-in is already
    open although it starts after midnight. `failed` is a walk-in form to show with its errors."""
    points = _my_points()
    shown = ([p for p in points if p.id == point_id] or points[:1]) if current_user.has_role("admin") else points
    now = datetime.now(LOCAL_TZ)
    start = datetime.combine(now.date(), time.min, tzinfo=LOCAL_TZ)
    until = max(start + timedelta(days=1), now + services.CHECK_IN_OPENS)
    shifts = db.session.scalars(select(Shift).options(joinedload(Shift.point)).where(
        Shift.point_id.in_([p.id for p in shown]), Shift.status == "open",
        Shift.ends_at > start, Shift.starts_at < until).order_by(Shift.starts_at)).all()
    rows = _rows([s.id for s in shifts])
    forms = {s.id: walk_in_form(s.id, formdata=None) for s in shifts}
    if failed:
        forms[failed[0]] = failed[1]
    return render_template("operations/today.html", points=points, shown=shown, shifts=shifts, rows=rows,
                           day=now.date(), now=utcnow(), services=services, walk_in_forms=forms,
                           undo=changes.undoable([b.id for r in rows.values() for b, _ in r])), status


@bp.route("/today")
@access.roles_required("leader", "admin")
def today():
    """Today's shifts at my points, each with its roster and one-tap attendance."""
    return _today_page(small_int(request.args.get("point")))


def _run_shift_point(point_id: int) -> None:
    """403 unless the current user leads the point (organisers run every point)."""
    if not points_service.runs_point(current_user, point_id):
        abort(403)


@bp.route("/shifts/<int:shift_id>/walk-in", methods=["POST"])
@access.roles_required("leader", "admin")
def walk_in(shift_id):
    """Add a volunteer who turned up without a booking, during the shift too, and check them in at once."""
    shift = db.get_or_404(Shift, shift_id)
    _run_shift_point(shift.point_id)
    form = walk_in_form(shift.id)
    if not form.validate_on_submit():
        return _today_page(shift.point_id, (shift.id, form), 422)
    people = find_student(form.who.data)
    student = one_person(people, form.person.data)
    if student is None and len(people) > 1:  # one student ID, several accounts: ask which one
        return render_template("shifts/choose_volunteer.html", people=people, who=form.who.data,
                               override=form.override.data, back=url_for("operations.today", point=shift.point_id),
                               action=url_for("operations.walk_in", shift_id=shift.id))
    try:
        if student is None:
            raise InvalidInput(_("No account has this email or student ID."), "who")
        result = walkin.walk_in(current_user, student, shift.id, override=form.override.data)
    except InvalidInput as error:
        getattr(form, error.field, form.who).errors.append(error.message)
        return _today_page(shift.point_id, (shift.id, form), 422)
    if result.record is not None:
        flash(_("%(name)s added to the shift and checked in at %(time)s.", name=student.full_name,
                time=format_time_local(result.record.checked_in_at)), "success")
    else:
        flash(_("%(name)s added to the shift. Check them in when check-in opens at %(time)s.", name=student.full_name,
                time=format_time_local(shift.starts_at - services.CHECK_IN_OPENS)), "success")
    return redirect(url_for("operations.today", point=shift.point_id), 303)


ACTIONS = {
    "check_in": lambda booking, form: services.check_in(current_user, booking),
    "check_out": lambda booking, form: services.check_out(current_user, booking),
    "no_show": lambda booking, form: services.mark_no_show(current_user, booking),
    "task": lambda booking, form: services.assign_task(current_user, booking, form.task.data or ""),
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
    """The volunteer's row re-rendered (htmx), or back to Today with the message (plain HTML)."""
    if not htmx.is_htmx():
        message = context.get("message") or context.get("notice")
        if message:
            flash(str(message), "error" if context.get("message") else "success")
        return redirect(url_for("operations.today", point=booking.shift.point_id), 303)
    record = db.session.scalar(select(Attendance).where(Attendance.booking_id == booking.id))
    context.setdefault("change", changes.undoable([booking.id]).get(booking.id))
    response = htmx.render("operations/today.html", "operations/partials/attendance_row.html", status,
                           booking=booking, record=record, shift=booking.shift, services=services, now=utcnow(),
                           **context)
    return htmx.trigger(response, "attendance-changed") if status == 200 else response


@bp.route("/bookings/<int:booking_id>/<action>", methods=["POST"])
@access.roles_required("leader", "admin")
def act(booking_id, action):
    """One tap on a volunteer's row; answers with the row re-rendered (htmx) or back to today."""
    booking = db.get_or_404(Booking, booking_id)
    if action not in ACTIONS:
        abort(404)
    _run_shift_point(booking.shift.point_id)
    form = TaskForm() if action == "task" else EmptyForm()
    if not form.validate_on_submit():
        return _row(booking, 422, message=next(iter(form.errors.values()), [_("Try again.")])[0])
    try:
        result = ACTIONS[action](booking, form)
    except InvalidInput as error:
        db.session.rollback()
        return _row(booking, 422, message=error.message)
    if result.change is None:
        return _row(booking, notice=ALREADY[action](booking.user.full_name, result.record))
    return _row(booking, change=result.change)


@bp.route("/bookings/<int:booking_id>/undo", methods=["POST"])
@access.roles_required("leader", "admin")
def undo(booking_id):
    """Undo the latest change of a volunteer's row, within the short window, if nothing changed since."""
    booking = db.get_or_404(Booking, booking_id)
    _run_shift_point(booking.shift.point_id)
    form = UndoForm()
    name, point_id = booking.user.full_name, booking.shift.point_id
    try:
        if not form.validate_on_submit():
            raise InvalidInput(form.change.errors[0] if form.change.errors else _("Try again."), "undo")
        action = changes.undo(current_user, booking, small_int(form.change.data))
    except InvalidInput as error:
        db.session.rollback()
        return _row(booking, 422, message=error.message)
    if action == "walk_in":
        notice = _("Undone: %(name)s is no longer on this shift.", name=name)
        if not htmx.is_htmx():
            flash(notice, "success")
            return redirect(url_for("operations.today", point=point_id), 303)
        return htmx.trigger(htmx.render("operations/today.html", "operations/partials/attendance_removed.html",
                                        booking_id=booking_id, notice=notice), "attendance-changed")
    return _row(booking, notice=_("Undone: %(name)s's row is back as it was.", name=name), change=None)


@bp.route("/bookings/<int:booking_id>/hours", methods=["POST"])
@access.roles_required("leader", "admin")
def adjust_hours(booking_id):
    """Correct the minutes a volunteer served, with a reason (kept in the audit trail)."""
    booking = db.get_or_404(Booking, booking_id)
    _run_shift_point(booking.shift.point_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    value = small_int(request.form.get("minutes", ""), maximum=1440)
    try:
        if value is None and request.form.get("minutes", "").strip() != "0":
            raise InvalidInput(_("Enter the minutes served as a whole number."), "minutes")
        services.adjust(current_user, booking, value or 0, request.form.get("reason", "")[:500])
    except InvalidInput as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        flash(_("Hours corrected."), "success")
    return redirect(url_for("operations.today", point=booking.shift.point_id), 303)


@bp.route("/bookings/<int:booking_id>/rating", methods=["POST"])
@access.roles_required("leader", "admin")
def rate(booking_id):
    """Rate a volunteer's shift (1–5) with a short comment they will see."""
    booking = db.get_or_404(Booking, booking_id)
    _run_shift_point(booking.shift.point_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.rate(current_user, booking, request.form.get("rating", ""), request.form.get("comment", "")[:1000])
    except InvalidInput as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        flash(_("Rating saved."), "success")
    return redirect(url_for("operations.today", point=booking.shift.point_id), 303)
