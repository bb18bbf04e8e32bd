"""Leaders and organisers: each point's schedule, adding and releasing volunteers, planning shifts."""
from __future__ import annotations

from datetime import date, datetime

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import access, htmx
from portal.accounts.services import find_student
from portal.campaigns import points as points_service
from portal.campaigns.loaders import campaign_or_404
from portal.campaigns.models import ServicePoint
from portal.core.clock import LOCAL_TZ
from portal.core.urls import moved
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import choices, one_person, show_error
from portal.shifts import booking, bp, planning
from portal.shifts.forms import AddVolunteerForm, GenerateForm, ShiftCancelForm, ShiftEditForm, TemplateForm
from portal.shifts.models import Booking, Shift, ShiftTemplate
from portal.shifts.rules import BookingRefused

UNDERSTAFFED = 0.5  # below half full

# A campaign's settings pages live under /campaigns/<slug>/; the old address keeps working.
moved(bp, "/shifts/campaigns/<slug>/templates", "/campaigns/<slug>/shift-templates", methods=("GET", "POST"))


def _point(point_id: int) -> ServicePoint:
    """Load a point (404) the current user may run (403)."""
    point = db.get_or_404(ServicePoint, point_id)
    if not points_service.runs_point(current_user, point.id):
        abort(403)
    return point


@bp.route("/shifts/points/<int:point_id>/schedule")
@access.roles_required("leader", "admin")
def schedule(point_id):
    """A point's next 14 days: each shift's fill rate, the understaffed ones highlighted, its roster."""
    point = _point(point_id)
    shifts, roster = planning.fortnight(point)
    return htmx.render("shifts/schedule.html", None, point=point, shifts=shifts, roster=roster, threshold=UNDERSTAFFED)


@bp.route("/shifts/<int:shift_id>/add", methods=["POST"])
@access.roles_required("leader", "admin")
def add_volunteer(shift_id):
    """Add a volunteer to a shift: the rules apply; a full shift needs the explicit, recorded override."""
    shift = db.get_or_404(Shift, shift_id)
    _point(shift.point_id)
    form = AddVolunteerForm()
    if form.validate_on_submit():
        people = find_student(form.who.data)
        student = one_person(people, request.form.get("person"))
        if student is None and len(people) > 1:  # one student ID, several accounts: ask which one
            return htmx.render("shifts/choose_volunteer.html", None, people=people, who=form.who.data,
                               override=form.override.data, back=url_for("shifts.schedule", point_id=shift.point_id),
                               action=url_for("shifts.add_volunteer", shift_id=shift.id))
        if student is None:
            flash(_("No account has this email or student ID."), "error")
        else:
            try:
                booking.book(student, shift.id, actor=current_user, override_capacity=form.override.data)
                flash(_("%(name)s added to the shift.", name=student.full_name), "success")
            except BookingRefused as refused:
                flash(str(refused.message), "error")
    else:
        flash(_("Enter the volunteer's email or student ID."), "error")
    return htmx.redirect(url_for("shifts.schedule", point_id=shift.point_id))


@bp.route("/shifts/bookings/<int:booking_id>/release", methods=["POST"])
@access.roles_required("leader", "admin")
def release(booking_id):
    """Release a volunteer's seat, at any time; the waitlist moves up."""
    seat = db.get_or_404(Booking, booking_id)
    _point(seat.shift.point_id)
    try:
        booking.cancel(seat.id, current_user, note=request.form.get("note", ""))
        flash(_("Seat released."), "success")
    except BookingRefused as refused:
        flash(str(refused.message), "error")
    return htmx.redirect(url_for("shifts.schedule", point_id=seat.shift.point_id))


def _edit_form(shift: Shift, formdata=True) -> ShiftEditForm:
    """The edit form filled with the shift as it is (Hanoi time)."""
    local_start, local_end = shift.starts_at.astimezone(LOCAL_TZ), shift.ends_at.astimezone(LOCAL_TZ)
    values = {"date": local_start.date(), "start_time": local_start.time(), "end_time": local_end.time(),
              "capacity": shift.capacity}
    return ShiftEditForm(**values) if formdata else ShiftEditForm(formdata=None, **values)


@bp.route("/shifts/<int:shift_id>/edit", methods=["GET", "POST"])
@access.roles_required("admin")
def edit(shift_id):
    """Change one shift's date, times or seats."""
    shift = db.get_or_404(Shift, shift_id)
    form = _edit_form(shift)
    cancel_form = ShiftCancelForm(prefix="cancel")
    if form.validate_on_submit():
        try:
            planning.edit_shift(current_user, shift, form.date.data, form.start_time.data, form.end_time.data,
                                form.capacity.data)
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Shift saved."), "success")
            return htmx.redirect(url_for("shifts.schedule", point_id=shift.point_id))
    return htmx.render("shifts/edit.html", None, 422 if form.is_submitted() else 200, shift=shift, form=form,
                       cancel_form=cancel_form)


@bp.route("/shifts/<int:shift_id>/cancel-shift", methods=["POST"])
@access.roles_required("admin")
def cancel_shift(shift_id):
    """Cancel a shift with a reason; booked volunteers are told by email."""
    shift = db.get_or_404(Shift, shift_id)
    form = ShiftCancelForm(prefix="cancel")
    if form.validate_on_submit():
        try:
            notified = planning.cancel_shift(current_user, shift, form.reason.data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(_("Shift cancelled; %(n)d volunteers notified.", n=notified), "success")
            return htmx.redirect(url_for("shifts.schedule", point_id=shift.point_id))
    return htmx.render("shifts/edit.html", None, 422, shift=shift, form=_edit_form(shift, formdata=False),
                       cancel_form=form)


@bp.route("/campaigns/<slug>/shift-templates", methods=["GET", "POST"])
@access.roles_required("admin")
def templates(slug):
    """A campaign's weekly shift patterns, and a form to add one."""
    campaign = campaign_or_404(slug)
    form = TemplateForm()
    points = db.session.scalars(select(ServicePoint).where(ServicePoint.is_active).order_by(ServicePoint.name)).all()
    form.point.choices = choices([(str(p.id), p.name) for p in points])
    if form.validate_on_submit():
        point = db.session.get(ServicePoint, int(form.point.data))
        try:
            template = planning.create_template(current_user, campaign, point, form.weekdays.data, form.start_time.data,
                                                form.end_time.data, form.capacity.data, form.task_focus.data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            return htmx.redirect(url_for("shifts.generate", template_id=template.id))
    items = db.session.scalars(select(ShiftTemplate).where(ShiftTemplate.campaign_id == campaign.id)
                               .order_by(ShiftTemplate.id)).all()
    return htmx.render("shifts/templates.html", None, 422 if form.is_submitted() else 200, campaign=campaign,
                       form=form, templates=items)


def _skip_dates(text: str) -> tuple[set[date], list[str]]:
    """Parse one dd/mm/yyyy per line; return the dates and the lines that are not dates."""
    dates, bad = set(), []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            dates.add(datetime.strptime(line, "%d/%m/%Y").date())
        except ValueError:
            bad.append(line[:40])
    return dates, bad


@bp.route("/shifts/templates/<int:template_id>/generate", methods=["GET", "POST"])
@access.roles_required("admin")
def generate(template_id):
    """Preview a template's shifts over the campaign's dates, then create them in one action."""
    template = db.get_or_404(ShiftTemplate, template_id)
    form = GenerateForm()
    skip, bad = _skip_dates(form.skip.data)
    if bad:
        form.skip.errors = [_("These lines are not dates as dd/mm/yyyy: %(lines)s", lines=", ".join(bad))]
    elif form.validate_on_submit() and form.confirm.data == "1":
        created = planning.generate(current_user, template, skip)
        flash(_("%(n)d shifts created.", n=created), "success")
        return htmx.redirect(url_for("shifts.schedule", point_id=template.point_id))
    planned, skipped = planning.preview(template, skip)
    return htmx.render("shifts/generate.html", None, 422 if bad else 200, template=template, form=form,
                       planned=planned, skipped=skipped)
