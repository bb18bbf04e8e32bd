"""Operations pages beyond Today: the point's check-in code, self check-in, my hours, citizens'
feedback, team totals and the activity-log categories (Today is routes_today.py, the log routes_log.py)."""
from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from portal import access, htmx
from portal.campaigns.loaders import campaign_or_404
from portal.campaigns.models import ServicePoint
from portal.core.urls import moved
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import EmptyForm, show_error
from portal.i18n import format_time_local
from portal.operations import activity, bp, checkin, feedback
from portal.operations import services as operations
from portal.operations.forms import FEEDBACK_LABELS, FeedbackForm, FeedbackStatusForm, categories_form, category_rows
from portal.operations.loaders import feedback_at_my_point, point_i_run_or_403


@bp.route("/operations/points/<int:point_id>/qr")
@access.roles_required("leader", "admin")
def point_qr(point_id):
    """The point's current check-in QR code, on the leader's screen; it refreshes itself as it changes."""
    point = point_i_run_or_403(point_id)
    url = checkin.checkin_url(point.id)
    return htmx.render("operations/qr.html", "operations/partials/checkin_qr.html", point=point, url=url,
                       svg=Markup(checkin.qr_svg(url)), seconds_left=checkin.seconds_left(),
                       minutes=current_app.config["CHECKIN_CODE_MINUTES"])


@bp.route("/operations/checkin/<int:point_id>/<code>", methods=["GET", "POST"])
@access.roles_required("student")
def self_check_in(point_id, code):
    """A student who scanned the point's code confirms their check-in (a POST, so a link alone does nothing)."""
    point = db.get_or_404(ServicePoint, point_id)
    form, error = EmptyForm(), None
    if form.validate_on_submit():
        try:
            result = checkin.self_check_in(current_user, point.id, code[:40])
        except InvalidInput as invalid:
            error = invalid.message
        else:
            return htmx.redirect(url_for("operations.my_hours"), _checked_in(point, result))
    return htmx.render("operations/checkin.html", None, 422 if error else 200, point=point, code=code, form=form,
                       error=error)


def _checked_in(point, result) -> str:
    """What the student is told after the scan: checked in now, or already."""
    when = format_time_local(result.record.checked_in_at)
    if result.change is None:
        return _("You were already checked in at %(point)s at %(time)s: nothing more to do.", point=point.name,
                 time=when)
    return _("You are checked in at %(point)s at %(time)s. Thank you!", point=point.name, time=when)


@bp.route("/operations/my-hours")
@access.roles_required("student")
def my_hours():
    """A student's ledger: each past shift, attended minutes, no-shows, and the totals."""
    return htmx.render("operations/my_hours.html", ledger=operations.ledger(current_user))


@bp.route("/operations/points/<int:point_id>/feedback", methods=["GET", "POST"])
@access.roles_required("leader", "admin")
def point_feedback(point_id):
    """Citizens' feedback at a point: record a new item, follow the others."""
    point = point_i_run_or_403(point_id)
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            feedback.record(current_user, point.id, form.category.data, form.text.data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            return htmx.redirect(url_for("operations.point_feedback", point_id=point.id), _("Feedback recorded."))
    return htmx.render("operations/feedback.html", None, 422 if form.errors else 200, point=point,
                       items=feedback.for_point(point.id), form=form, labels=FEEDBACK_LABELS,
                       status_form=FeedbackStatusForm(formdata=None))


@bp.route("/operations/feedback/<int:item_id>/status", methods=["POST"])
@access.roles_required("leader", "admin")
def feedback_status(item_id):
    """Mark feedback forwarded or resolved."""
    item = feedback_at_my_point(item_id)
    form = FeedbackStatusForm()
    back = url_for("operations.point_feedback", point_id=item.point_id)
    try:
        if not form.validate_on_submit():
            raise InvalidInput(_("Choose a status from the list."), "status")
        feedback.set_status(current_user, item, form.status.data)
    except InvalidInput as invalid:
        return htmx.redirect(back, invalid.message, "error")
    return htmx.redirect(back)


@bp.route("/operations/points/<int:point_id>/team")
@access.roles_required("leader", "admin")
def team(point_id):
    """The point's team: each volunteer's attended shifts, hours and no-shows."""
    point = point_i_run_or_403(point_id)
    return htmx.render("operations/team.html", point=point, totals=operations.team_totals(point.id))


moved(bp, "/operations/campaigns/<slug>/categories", "/campaigns/<slug>/categories", methods=("GET", "POST"))


@bp.route("/campaigns/<slug>/categories", methods=["GET", "POST"])
@access.roles_required("admin")
def categories(slug):
    """Organisers edit the activity-log categories of a campaign."""
    campaign = campaign_or_404(slug)
    cats = activity.categories(campaign.id, include_inactive=True)
    form = categories_form(cats)
    if form.validate_on_submit():
        try:
            activity.save_categories(current_user, campaign.id, category_rows(form, cats),
                                     {"label_vi": form.new_vi.data or "", "label_en": form.new_en.data or ""})
        except InvalidInput as error:
            show_error(form, error)
        else:
            return htmx.redirect(url_for("operations.categories", slug=slug), _("Categories saved."))
    return htmx.render("operations/categories.html", None, 422 if form.errors else 200, campaign=campaign,
                       categories=cats, form=form)
