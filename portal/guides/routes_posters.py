"""Posters to print and e-posters to share, for organisers (any point) and a point's leaders (their points): one per
guide and point in four shapes, and the point's "tờ rơi" sheet with every guide it uses."""
from __future__ import annotations

from flask import abort, request
from flask_login import current_user
from sqlalchemy import select

from portal import access, htmx
from portal.core import downloads
from portal.extensions import db
from portal.guides import bp, posters
from portal.guides.models import Guide, point_code
from portal.operations.loaders import point_i_run_or_403
from portal.pagination import paginate_list

PER_PAGE = 20


def guide_i_print_or_404(guide_id: int) -> Guide:
    """A guide the current user may print: published, or in review for an organiser's preview (else 404)."""
    guide = db.session.scalar(select(Guide).where(Guide.id == guide_id,
                                                  Guide.status.in_(posters.viewable_statuses(current_user))))
    if guide is None:
        abort(404)
    return guide


@bp.route("/guides/<int:guide_id>/posters", endpoint="posters")
@access.roles_required("leader", "admin")
def posters_page(guide_id):
    """The points whose posters of this guide the user may download, four files each (?q= to search)."""
    guide = guide_i_print_or_404(guide_id)
    query = request.args.get("q", "").strip()[:80]
    page = paginate_list(posters.points_for(current_user, query), PER_PAGE)
    return htmx.render("guides/posters.html", None, guide=guide, page=page, query=query, point_code=point_code)


@bp.route("/guides/<int:guide_id>/poster/<int:point_id>/<name>")
@access.roles_required("leader", "admin")
def poster(guide_id, point_id, name):
    """One poster of the guide for the point: a4.pdf, a3.pdf, 1080x1350.png or 1080x1920.png."""
    if name not in posters.KINDS:
        abort(404)
    guide = guide_i_print_or_404(guide_id)
    point = point_i_run_or_403(point_id)
    return downloads.attachment(posters.render(name, guide, point), posters.filename(name, guide, point))


@bp.route("/points/<int:point_id>/to-roi.pdf")
@access.roles_required("leader", "admin")
def leaflet(point_id):
    """The point's "tờ rơi": one A4 page with a QR code for each guide its leaders chose."""
    point = point_i_run_or_403(point_id)
    return downloads.attachment(posters.leaflet(point), f"to-roi-{point_code(point)}.pdf")
