"""The students' shift finder: the shifts they can take, by day and place."""
from __future__ import annotations

from flask import request
from flask_login import current_user
from sqlalchemy import select

from portal import access, htmx
from portal.campaigns.models import Branch, ServicePoint
from portal.core.converters import small_int
from portal.extensions import db
from portal.forms import EmptyForm
from portal.shifts import bp, finder
from portal.shifts.forms import ShiftFilterForm


def _filters(form: ShiftFilterForm) -> finder.Filters:
    """The finder's filters from a validated form (invalid fields are ignored)."""
    valid = form.validate()
    return finder.Filters(
        date_from=form.date_from.data if valid else None, date_to=form.date_to.data if valid else None,
        branch_id=small_int(form.branch.data), point_id=small_int(form.point.data), only_available=form.available.data,
    )


@bp.route("/")
@access.roles_required("student")
def find():
    """Shifts I can take: by day, with seats left, and why a shift is not for me."""
    form = ShiftFilterForm(request.args)
    form.fill_choices(db.session.scalars(select(Branch).order_by(Branch.name)).all(),
                      db.session.scalars(select(ServicePoint).where(ServicePoint.is_active).order_by(ServicePoint.name)).all())
    rows = finder.rows_for(current_user, finder.shifts_for(current_user, _filters(form)))
    return htmx.render("shifts/find.html", "shifts/partials/shift_list.html", form=form, days=finder.by_day(rows),
                       action_form=EmptyForm())
