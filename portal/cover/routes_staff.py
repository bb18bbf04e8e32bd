"""Leaders and organisers see who asked for cover, who took what, and the swaps, at their points."""
from __future__ import annotations

from flask import request
from flask_login import current_user

from portal import access, htmx
from portal.campaigns import points as points_service
from portal.cover import bp, queries


@bp.route("/history")
@access.roles_required("leader", "admin")
def history():
    """The cover requests and swaps at the points I lead (every point for organisers), newest first."""
    point_id = request.args.get("point_id", type=int)
    requests, proposals = queries.history(current_user, point_id)
    led = [] if current_user.has_role("admin") else points_service.points_led_by(current_user)
    return htmx.render("cover/history.html", requests=requests, proposals=proposals, points=led, point_id=point_id)
