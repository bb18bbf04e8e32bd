"""The leader's 'today' console: check volunteers in and out, no-shows, tasks, hour corrections."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from markupsafe import Markup
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
from portal.extensions import db
from portal.forms import EmptyForm, one_person
from portal.i18n import LOCAL_TZ
from portal.operations import activity, bp, checkin, feedback, services
from portal.operations.models import Attendance, CitizenFeedback
from portal.shifts import booking as bookings
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


@bp.route("/today")
@access.roles_required("leader", "admin")
def today():
    """Today's shifts at my points, each with its roster and one-tap attendance: every shift that runs
    during the Hanoi day, including one that began last night, and one whose check-in is already open
    although it starts after midnight."""
    points = _my_points()
    chosen = small_int(request.args.get("point"))
    shown = ([p for p in points if p.id == chosen] or points[:1]) if current_user.has_role("admin") else points
    now = datetime.now(LOCAL_TZ)
    start = datetime.combine(now.date(), time.min, tzinfo=LOCAL_TZ)
    until = max(start + timedelta(days=1), now + services.CHECK_IN_OPENS)
    shifts = db.session.scalars(select(Shift).options(joinedload(Shift.point)).where(
        Shift.point_id.in_([p.id for p in shown]), Shift.status == "open",
        Shift.ends_at > start, Shift.starts_at < until).order_by(Shift.starts_at)).all()
    return render_template("operations/today.html", points=points, shown=shown, shifts=shifts,
                           rows=_rows([s.id for s in shifts]), day=now.date(), services=services, form=EmptyForm())


@bp.route("/shifts/<int:shift_id>/walk-in", methods=["POST"])
@access.roles_required("leader", "admin")
def walk_in(shift_id):
    """Add a volunteer who turned up without a booking: the rules apply (override recorded), then check in."""
    shift = db.get_or_404(Shift, shift_id)
    if not points_service.runs_point(current_user, shift.point_id):
        abort(403)
    if not EmptyForm().validate_on_submit():
        abort(400)
    who = request.form.get("who", "")[:254]
    people = find_student(who)
    student = one_person(people, request.form.get("person"))
    if student is None and len(people) > 1:  # one student ID, several accounts: ask which one
        return render_template("shifts/choose_volunteer.html", people=people, who=who,
                               override=request.form.get("override") == "y",
                               back=url_for("operations.today", point=shift.point_id),
                               action=url_for("operations.walk_in", shift_id=shift.id))
    try:
        if student is None:
            raise InvalidInput(_("No account has this email or student ID."), "who")
        booking = bookings.book(student, shift.id, actor=current_user,
                                override_capacity=request.form.get("override") == "y")
        services.check_in(current_user, booking)
    except InvalidInput as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        flash(_("%(name)s added and checked in.", name=student.full_name), "success")
    return redirect(url_for("operations.today", point=shift.point_id), 303)


@bp.route("/bookings/<int:booking_id>/hours", methods=["POST"])
@access.roles_required("leader", "admin")
def adjust_hours(booking_id):
    """Correct the minutes a volunteer served, with a reason (kept in the audit trail)."""
    booking = db.get_or_404(Booking, booking_id)
    if not points_service.runs_point(current_user, booking.shift.point_id):
        abort(403)
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


ACTIONS = {
    "check_in": lambda booking: services.check_in(current_user, booking),
    "check_out": lambda booking: services.check_out(current_user, booking),
    "no_show": lambda booking: services.mark_no_show(current_user, booking),
    "task": lambda booking: services.assign_task(current_user, booking, request.form.get("task", "")),
}


@bp.route("/bookings/<int:booking_id>/<action>", methods=["POST"])
@access.roles_required("leader", "admin")
def act(booking_id, action):
    """One tap on a volunteer's row; answers with the row re-rendered (htmx) or back to today."""
    booking = db.get_or_404(Booking, booking_id)
    if action not in ACTIONS:
        abort(404)
    if not points_service.runs_point(current_user, booking.shift.point_id):
        abort(403)
    if not EmptyForm().validate_on_submit():
        abort(400)
    message, status = None, 200
    try:
        ACTIONS[action](booking)
    except InvalidInput as error:
        db.session.rollback()
        message, status = error.message, 422
    if not htmx.is_htmx():
        if message:
            flash(str(message), "error")
        return redirect(url_for("operations.today", point=booking.shift.point_id), 303)
    record = db.session.scalar(select(Attendance).where(Attendance.booking_id == booking.id))
    response = htmx.render("operations/today.html", "operations/partials/attendance_row.html", status,
                           booking=booking, record=record, shift=booking.shift, services=services,
                           form=EmptyForm(), message=message)
    return htmx.trigger(response, "attendance-changed") if status == 200 else response


@bp.route("/points/<int:point_id>/qr")
@access.roles_required("leader", "admin")
def point_qr(point_id):
    """The point's current check-in QR code, on the leader's screen; it refreshes itself as it changes."""
    point = db.get_or_404(ServicePoint, point_id)
    if not points_service.runs_point(current_user, point.id):
        abort(403)
    url = checkin.checkin_url(point.id)
    return htmx.render("operations/qr.html", "operations/partials/checkin_qr.html", point=point, url=url,
                       svg=Markup(checkin.qr_svg(url)), seconds_left=checkin.seconds_left(),
                       minutes=current_app.config["CHECKIN_CODE_MINUTES"])


@bp.route("/checkin/<int:point_id>/<code>", methods=["GET", "POST"])
@access.roles_required("student")
def self_check_in(point_id, code):
    """A student who scanned the point's code confirms their check-in (a POST, so a link alone does nothing)."""
    point = db.get_or_404(ServicePoint, point_id)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            booking = checkin.self_check_in(current_user, point.id, code[:40])
        except InvalidInput as error:
            db.session.rollback()
            return render_template("operations/checkin.html", point=point, code=code, form=form, error=error.message), 422
        flash(_("You are checked in for your shift at %(point)s. Thank you!", point=point.name), "success")
        return redirect(url_for("operations.my_hours"), 303)
    return render_template("operations/checkin.html", point=point, code=code, form=form, error=None)


@bp.route("/my-hours")
@access.roles_required("student")
def my_hours():
    """A student's ledger: each past shift, attended minutes, no-shows, and the totals."""
    ledger = services.ledger(current_user)
    return render_template("operations/my_hours.html", ledger=ledger)


def _may_write_log(shift: Shift) -> tuple[bool, bool]:
    """(may write, may confirm): the point's leaders and admins confirm; its booked volunteers draft."""
    if points_service.runs_point(current_user, shift.point_id):
        return True, True
    booked = db.session.scalar(select(Booking.id).where(
        Booking.shift_id == shift.id, Booking.user_id == current_user.id, Booking.status == "booked"))
    return booked is not None, False


@bp.route("/shifts/<int:shift_id>/log", methods=["GET", "POST"])
@access.roles_required("student", "leader", "admin")
def activity_log(shift_id):
    """The shift's activity diary: counts per category, the elderly helped, notes and incidents."""
    shift = db.get_or_404(Shift, shift_id)
    may_write, may_confirm = _may_write_log(shift)
    if not may_write:
        abort(403)
    cats = activity.categories(shift.campaign_id)
    log = activity.log_for(shift)
    values = {c.category_id: str(c.count) for c in (log.counts if log else [])}
    error, status = None, 200
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        values = {c.id: request.form.get(f"count-{c.id}", "")[:10] for c in cats}
        try:
            activity.save(current_user, shift, values, request.form.get("elderly", "")[:10],
                          request.form.get("notes", ""), request.form.get("incidents", ""),
                          confirm=may_confirm and request.form.get("confirm") == "1")
        except InvalidInput as invalid:
            db.session.rollback()
            error, status = invalid, 422
        else:
            flash(_("Activity log saved."), "success")
            return redirect(url_for("operations.activity_log", shift_id=shift.id), 303)
    db.session.commit()  # default categories created on first view
    return render_template("operations/activity_log.html", shift=shift, categories=cats, log=log, values=values,
                           form=EmptyForm(), error=error, may_confirm=may_confirm,
                           submitted=request.form if request.method == "POST" else None), status


def _run_point(point_id: int) -> ServicePoint:
    """A point the current user runs (404/403)."""
    point = db.get_or_404(ServicePoint, point_id)
    if not points_service.runs_point(current_user, point.id):
        abort(403)
    return point


@bp.route("/points/<int:point_id>/feedback", methods=["GET", "POST"])
@access.roles_required("leader", "admin")
def point_feedback(point_id):
    """Citizens' feedback at a point: record a new item, follow the others."""
    point = _run_point(point_id)
    error, status = None, 200
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        try:
            feedback.record(current_user, point.id, request.form.get("category", ""), request.form.get("text", ""))
        except InvalidInput as invalid:
            db.session.rollback()
            error, status = invalid, 422
        else:
            flash(_("Feedback recorded."), "success")
            return redirect(url_for("operations.point_feedback", point_id=point.id), 303)
    return render_template("operations/feedback.html", point=point, items=feedback.for_point(point.id),
                           form=EmptyForm(), error=error, submitted=request.form), status


@bp.route("/feedback/<int:item_id>/status", methods=["POST"])
@access.roles_required("leader", "admin")
def feedback_status(item_id):
    """Mark feedback forwarded or resolved."""
    item = db.get_or_404(CitizenFeedback, item_id)
    _run_point(item.point_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        feedback.set_status(current_user, item, request.form.get("status", ""))
    except InvalidInput as invalid:
        flash(str(invalid.message), "error")
    return redirect(url_for("operations.point_feedback", point_id=item.point_id), 303)


@bp.route("/bookings/<int:booking_id>/rating", methods=["POST"])
@access.roles_required("leader", "admin")
def rate(booking_id):
    """Rate a volunteer's shift (1–5) with a short comment they will see."""
    booking = db.get_or_404(Booking, booking_id)
    _run_point(booking.shift.point_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.rate(current_user, booking, request.form.get("rating", ""), request.form.get("comment", "")[:1000])
    except InvalidInput as invalid:
        db.session.rollback()
        flash(str(invalid.message), "error")
    else:
        flash(_("Rating saved."), "success")
    return redirect(url_for("operations.today", point=booking.shift.point_id), 303)


@bp.route("/points/<int:point_id>/team")
@access.roles_required("leader", "admin")
def team(point_id):
    """The point's team: each volunteer's attended shifts, hours and no-shows."""
    point = _run_point(point_id)
    return render_template("operations/team.html", point=point, totals=services.team_totals(point.id))


@bp.route("/campaigns/<slug>/categories", methods=["GET", "POST"])
@access.roles_required("admin")
def categories(slug):
    """Organisers edit the activity-log categories of a campaign."""
    from portal.campaigns import services as campaign_services

    campaign = campaign_services.by_slug(slug) or abort(404)
    cats = activity.categories(campaign.id, include_inactive=True)
    error, status = None, 200
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        rows = [{"id": c.id, "label_vi": request.form.get(f"label-{c.id}", "")[:500],
                 "label_en": request.form.get(f"label_en-{c.id}", "")[:500],
                 "active": request.form.get(f"active-{c.id}") == "y"} for c in cats]
        try:
            activity.save_categories(current_user, campaign.id, rows,
                                     {"label_vi": request.form.get("new_vi", "")[:500],
                                      "label_en": request.form.get("new_en", "")[:500]})
        except InvalidInput as invalid:
            db.session.rollback()
            error, status = invalid, 422
        else:
            flash(_("Categories saved."), "success")
            return redirect(url_for("operations.categories", slug=slug), 303)
    db.session.commit()
    return render_template("operations/categories.html", campaign=campaign, categories=cats, form=EmptyForm(),
                           error=error), status
