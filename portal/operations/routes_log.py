"""The shift's activity log: the end-of-shift form, and the tally kept tap by tap during the shift."""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import access, htmx
from portal.accounts.validation import InvalidInput
from portal.campaigns import points as points_service
from portal.extensions import db
from portal.forms import EmptyForm
from portal.operations import activity, bp
from portal.operations.forms import TallyForm
from portal.shifts.models import Booking, Shift


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


@bp.route("/shifts/<int:shift_id>/tally", methods=["GET", "POST"])
@access.roles_required("student", "leader", "admin")
def tally(shift_id):
    """Count the people helped as the shift runs: +1 (or −1) per kind of help, each tap saved at once;
    the numbers land in the activity log, confirmed at the end."""
    shift = db.get_or_404(Shift, shift_id)
    may_write, may_confirm = _may_write_log(shift)
    if not may_write:
        abort(403)
    form, message, status = TallyForm(), None, 200
    cats = activity.categories(shift.campaign_id)
    if request.method == "POST":
        try:
            if not form.validate_on_submit():
                raise InvalidInput(_("Tap +1 or −1."), "tally")
            activity.tally(current_user, shift, form.category.data, int(form.delta.data))
        except InvalidInput as invalid:
            db.session.rollback()
            message, status = invalid.message, 422
        if not htmx.is_htmx():
            if message:
                flash(str(message), "error")
            return redirect(url_for("operations.tally", shift_id=shift.id), 303)
    counts = activity.tallied(shift)
    tapped = next((c for c in cats if c.key == form.category.data), None)
    if request.method == "POST" and tapped is None:  # nothing to re-render in place: show the message
        page = make_response(render_template("operations/partials/tally_total.html", shift=shift, counts=counts,
                                             message=message), status)
        return htmx.retarget(page, f"#tally-{shift.id}-total", "outerHTML")
    return htmx.render("operations/tally.html", "operations/partials/tally_tap.html", status, shift=shift,
                       categories=cats, counts=counts, log=activity.log_for(shift), may_confirm=may_confirm,
                       message=message, c=tapped, n=counts.get(getattr(tapped, "key", ""), 0))
