"""A point's guides: its leaders choose and order the guides it uses most; volunteers open them quickly."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, htmx
from portal.campaigns.models import ServicePoint
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import BaseForm, MultiCheckboxField
from portal.guides import bp, point_services
from portal.i18n import lazy_text as _l
from portal.operations.loaders import point_i_run_or_403


class PointGuidesForm(BaseForm):
    """The point's guides: the ticked ones (`guide`, repeated); each one's place is read from `position-<id>`."""

    guide = MultiCheckboxField(validate_choice=False)  # the service checks that each is a published guide


def _choice(form_data) -> list[int]:
    """The ticked guides' ids, ordered by the numbers typed beside them (ties keep the list's order)."""
    ticked = []
    for n, raw in enumerate(form_data.getlist("guide")):
        if not raw.isdigit() or len(raw) > 9:
            raise InvalidInput(_l("Only published guides can be chosen. Reload the page and try again."), "guides")
        position = (form_data.get(f"position-{raw}") or "").strip()
        if position and (not position.isdigit() or len(position) > 3):
            raise InvalidInput(_l("Give each chosen guide a place as a whole number (1 comes first)."), "guides")
        ticked.append((int(position) if position else 999, n, int(raw)))
    return [guide_id for _position, _n, guide_id in sorted(ticked)]


def _choice_page(point: ServicePoint, form: PointGuidesForm, error=None, status: int = 200):
    """The page: every published guide with a tick and a place, the chosen ones first in their order."""
    chosen = point_services.chosen(point.id)
    positions = {g.id: n for n, g in enumerate(chosen, start=1)}
    others = [g for g in point_services.published() if g.id not in positions]
    return htmx.render("guides/point_guides.html", None, status, point=point, form=form, error=error,
                       guides=chosen + others, positions=positions, chosen=chosen)


@bp.route("/points/<int:point_id>/guides", methods=["GET", "POST"])
@access.roles_required("leader", "admin")
def point_guides(point_id):
    """The point's leaders (and organisers) choose the published guides it uses most, and their order."""
    point = point_i_run_or_403(point_id)
    form = PointGuidesForm()
    if not form.validate_on_submit():
        return _choice_page(point, form, status=422 if form.is_submitted() else 200)
    try:
        point_services.set_chosen(current_user, point, _choice(request.form))
    except InvalidInput as error:
        db.session.rollback()
        return _choice_page(point, form, error.message, 422)
    return htmx.redirect(url_for("guides.point_guides", point_id=point.id), _("The point's guides are saved."))


@bp.route("/points/<int:point_id>/quick-guides")
@access.signed_in
def quick(point_id):
    """"Hướng dẫn nhanh": the point's guides as large buttons, each opening the public page (no scan counted)."""
    point = db.get_or_404(ServicePoint, point_id)
    return htmx.render("guides/quick.html", point=point, guides=point_services.quick_guides(point.id))
