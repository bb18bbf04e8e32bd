"""Operations pages beyond Today: the point's check-in code, self check-in, my hours, citizens'
feedback, team totals and the activity-log categories (Today is routes_today.py, the log routes_log.py)."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from portal import access, htmx
from portal.accounts.validation import InvalidInput
from portal.campaigns import points as points_service
from portal.campaigns.models import ServicePoint
from portal.extensions import db
from portal.forms import EmptyForm
from portal.i18n import format_time_local
from portal.operations import activity, bp, checkin, feedback, services
from portal.operations.models import CitizenFeedback


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
            result = checkin.self_check_in(current_user, point.id, code[:40])
        except InvalidInput as error:
            db.session.rollback()
            return render_template("operations/checkin.html", point=point, code=code, form=form, error=error.message), 422
        when = format_time_local(result.record.checked_in_at)
        if result.change is None:
            flash(_("You were already checked in at %(point)s at %(time)s: nothing more to do.", point=point.name,
                    time=when), "success")
        else:
            flash(_("You are checked in at %(point)s at %(time)s. Thank you!", point=point.name, time=when), "success")
        return redirect(url_for("operations.my_hours"), 303)
    return render_template("operations/checkin.html", point=point, code=code, form=form, error=None)


@bp.route("/my-hours")
@access.roles_required("student")
def my_hours():
    """A student's ledger: each past shift, attended minutes, no-shows, and the totals."""
    ledger = services.ledger(current_user)
    return render_template("operations/my_hours.html", ledger=ledger)


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
