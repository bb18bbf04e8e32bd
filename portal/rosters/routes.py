"""Printable rosters, for those who run a point (its leaders, and organisers everywhere): a shift's sheet, the
point's day and the week plan, each as a page with a print stylesheet and as a PDF."""
from __future__ import annotations

from datetime import timedelta

from flask import request, url_for
from flask_login import current_user

from portal import access, htmx
from portal.core import clock, downloads
from portal.i18n import format_date
from portal.operations.loaders import point_i_run_or_403, shift_at_my_point
from portal.rosters import bp, pdf
from portal.rosters import services as rosters
from portal.rosters.forms import DayForm, WeekForm

ROSTER_PAGE, PLAN_PAGE = "rosters/roster.html", "rosters/plan.html"


@bp.route("/shifts/<int:shift_id>/roster")
@access.roles_required("leader", "admin")
def shift_roster(shift_id):
    """A shift's roster to print: its volunteers by given name, check-in boxes, the activity tally grid."""
    shift = shift_at_my_point(shift_id)
    return htmx.render(ROSTER_PAGE, None, point=shift.point, roster=rosters.shift_roster(current_user, shift),
                       form=None, pdf_url=url_for("rosters.shift_roster_pdf", shift_id=shift.id))


@bp.route("/shifts/<int:shift_id>/roster.pdf")
@access.roles_required("leader", "admin")
def shift_roster_pdf(shift_id):
    """The shift's roster as an A4 PDF."""
    shift = shift_at_my_point(shift_id)
    data = pdf.roster_pdf(rosters.shift_roster(current_user, shift), clock.now())
    return downloads.attachment(data, f"roster-shift-{shift.id}.pdf")


def _day_form(point):
    """The day asked for (today when none), or the page again with what was wrong (400)."""
    form = DayForm(request.args)
    if not form.validate():
        return form, htmx.render(ROSTER_PAGE, None, 400, point=point, roster=None, form=form, pdf_url=None)
    form.date.data = form.date.data or clock.local_today()
    form.date.raw_data = None  # the box shows the day in dd/mm/yyyy, however it was typed
    return form, None


@bp.route("/points/<int:point_id>/roster")
@access.roles_required("leader", "admin")
def point_roster(point_id):
    """Every shift of a point on one day (?date=dd/mm/yyyy, today by default), one sheet per shift."""
    point = point_i_run_or_403(point_id)
    form, refused = _day_form(point)
    if refused:
        return refused
    day = form.date.data
    return htmx.render(ROSTER_PAGE, None, point=point, roster=rosters.day_roster(current_user, point, day),
                       form=form, pdf_url=url_for("rosters.point_roster_pdf", point_id=point.id, date=format_date(day)))


@bp.route("/points/<int:point_id>/roster.pdf")
@access.roles_required("leader", "admin")
def point_roster_pdf(point_id):
    """The point's day as an A4 PDF, each shift on its own page."""
    point = point_i_run_or_403(point_id)
    form, refused = _day_form(point)
    if refused:
        return refused
    data = pdf.roster_pdf(rosters.day_roster(current_user, point, form.date.data), clock.now())
    return downloads.attachment(data, f"roster-point-{point.id}-{form.date.data:%Y%m%d}.pdf")


def _week_form(point):
    """The week asked for (any of its days; this week when none), or the page again with what was wrong (400)."""
    form = WeekForm(request.args)
    if not form.validate():
        return form, htmx.render(PLAN_PAGE, None, 400, point=point, plan=None, form=form)
    form.week.data = rosters.monday_of(form.week.data or clock.local_today())
    form.week.raw_data = None
    return form, None


@bp.route("/points/<int:point_id>/plan")
@access.roles_required("leader", "admin")
def week_plan(point_id):
    """The leader's week at a point (?week=dd/mm/yyyy, any day of it): days × shifts, seats, names, open seats."""
    point = point_i_run_or_403(point_id)
    form, refused = _week_form(point)
    if refused:
        return refused
    monday = form.week.data
    return htmx.render(PLAN_PAGE, None, point=point, plan=rosters.week_plan(point, monday), form=form,
                       short_name=rosters.short_name,
                       weeks={key: format_date(monday + timedelta(days=7 * step))
                              for key, step in (("previous", -1), ("shown", 0), ("next", 1))})


@bp.route("/points/<int:point_id>/plan.pdf")
@access.roles_required("leader", "admin")
def week_plan_pdf(point_id):
    """The week plan on one landscape A4 page."""
    point = point_i_run_or_403(point_id)
    form, refused = _week_form(point)
    if refused:
        return refused
    data = pdf.plan_pdf(rosters.week_plan(point, form.week.data), clock.now())
    return downloads.attachment(data, f"plan-point-{point.id}-{form.week.data:%Y%m%d}.pdf")
