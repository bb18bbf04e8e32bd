"""The students' shift finder: the shifts they can take, a week at a time, and their preferred points."""
from __future__ import annotations

from datetime import timedelta

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import access, htmx
from portal.accounts.models import PREFERRED_POINTS_MAX
from portal.campaigns.models import Branch, ServicePoint
from portal.core.converters import small_int
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import EmptyForm, show_error
from portal.i18n import lazy_text as _l
from portal.shifts import bp, finder, preferences
from portal.shifts.forms import PreferredPointsForm, ShiftFilterForm


def _filters(form: ShiftFilterForm) -> finder.Filters:
    """The finder's filters from the form; refused dates fall back to the default range, with their errors."""
    form.validate()
    dates_ok = not form.date_errors()
    return finder.Filters(
        date_from=form.date_from.data if dates_ok else None, date_to=form.date_to.data if dates_ok else None,
        when=(form.when.data or None) if dates_ok and not (form.date_from.data or form.date_to.data) else None,
        week=form.week.data if dates_ok else None, page=form.page.data if dates_ok and form.page.data else 1,
        branch_id=small_int(form.branch.data), point_id=small_int(form.point.data), only_available=form.available.data,
    )


def _places():
    """The branches and the active points, by name (two queries)."""
    branches = db.session.scalars(select(Branch).order_by(Branch.name)).all()
    points = db.session.scalars(select(ServicePoint).where(ServicePoint.is_active).order_by(ServicePoint.name)).all()
    return branches, points


CHIPS = ("today", "tomorrow", "week", "weekend")


def _links(form: ShiftFilterForm, page: finder.Page) -> dict:
    """The finder's links (chips, more of this week, the weeks around), keeping the place filters."""
    place = {"branch": form.branch.data or None, "point": form.point.data or None,
             "available": "y" if form.available.data else None}
    asked = {k: v for k, v in request.args.items() if k not in ("page", "week")} if not form.date_errors() else place
    win, links = page.window, {"chips": [(None, url_for("shifts.find", **place))]}
    links["chips"] += [(key, url_for("shifts.find", when=key, **place)) for key in CHIPS]
    if page.has_more:
        links["more"] = url_for("shifts.find", **asked, week=win.page_start.isoformat(), page=page.number + 1)
    if win.previous:
        links["previous"] = (url_for("shifts.find", **asked, week=win.previous.isoformat()), win.previous,
                             win.page_start - timedelta(days=1))
    if win.next:
        last = win.next + timedelta(days=finder.WEEK_DAYS - 1)
        links["next"] = (url_for("shifts.find", **asked, week=win.next.isoformat()), win.next,
                         min(last, win.end) if win.end else last)
    return links


def _candidates(form: ShiftFilterForm, points) -> list:
    """The points a "save these as my preferred points" button saves: the chosen point, or the branch's."""
    if small_int(form.point.data):
        return [p for p in points if p.id == small_int(form.point.data)]
    if small_int(form.branch.data):
        return [p for p in points if p.branch_id == small_int(form.branch.data)]
    return []


@bp.route("/shifts/")
@access.roles_required("student")
def find():
    """Shifts I can take: a week at a time, my preferred points first, what stops me said once."""
    form = ShiftFilterForm(request.args)
    branches, points = _places()
    form.fill_choices(branches, points)
    filters = _filters(form)
    page = finder.page_for(current_user, filters)
    if page.window.week_refused:
        form.week.errors.append(_l("That week is not within the dates chosen: showing their first week."))
    return htmx.render("shifts/find.html", "shifts/partials/shift_list.html", form=form, page=page, filters=filters,
                       links=_links(form, page), candidates=_candidates(form, points), action_form=EmptyForm())


@bp.route("/shifts/preferred-points", methods=["GET", "POST"])
@access.roles_required("student")
def preferred_points():
    """Choose the service points whose shifts the finder lists first."""
    form = PreferredPointsForm(data={"points": [str(i) for i in preferences.point_ids(current_user)]}
                               if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            saved = preferences.save(current_user, form.points.data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(_("Your preferred points are saved: their shifts come first.") if saved
                  else _("You have no preferred points now."), "success")
            return htmx.redirect(url_for("shifts.find"))
    branches, points = _places()
    return htmx.render("shifts/preferred_points.html", None, 422 if form.is_submitted() else 200, form=form,
                       branches=branches, points=points, max_points=PREFERRED_POINTS_MAX)
