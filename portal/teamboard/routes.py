"""A point's team board: leaders and organisers post, volunteers booked there read and mark "seen"."""
from __future__ import annotations

from flask import Response, abort, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import access, htmx
from portal.campaigns import points as points_service
from portal.campaigns.models import Branch, ServicePoint
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import EmptyForm, show_error
from portal.operations.loaders import point_i_run_or_403
from portal.teamboard import bp, images, tasks
from portal.teamboard import services as teamboard
from portal.teamboard.forms import ManyPostForm, post_form
from portal.teamboard.loaders import point_board_or_403, post_i_manage, post_i_read, post_i_see
from portal.teamboard.models import TeamPostImage


def _board_page(point: ServicePoint, form=None, status: int = 200):
    """The board: posts (pinned first); for those who run the point, the post form and who read each post."""
    posts = teamboard.board(point.id)
    runs = points_service.runs_point(current_user, point.id)
    reader = not runs and teamboard.is_volunteer_at(current_user, point.id)
    return htmx.render("teamboard/board.html", None, status, point=point, posts=posts, runs=runs, reader=reader,
                       form=form or (post_form(teamboard.upcoming_shifts(point.id)) if runs else None),
                       readers=teamboard.readers(point.id, posts) if runs else {},
                       shifts=teamboard.shifts_to_message(point.id) if runs else [],
                       seen=teamboard.seen_ids(current_user.id, [p.id for p in posts]), action_form=EmptyForm())


def _draft(form) -> teamboard.Draft:
    """What the form says, with the picture checked and re-encoded (InvalidInput when it is not one)."""
    data = images.read_upload(form.image.data)
    return teamboard.Draft(body=form.body.data, link=form.link.data or "", pinned=form.pinned.data,
                           shift_id=getattr(form, "shift_id", None) and form.shift_id.data,
                           need_count=getattr(form, "need_count", None) and form.need_count.data,
                           image=images.reencode(data) if data else None)


@bp.route("/points/<int:point_id>/board")
@access.roles_required("student", "leader", "admin")
def board(point_id):
    """A point's team board, for its leaders, the organisers and the volunteers booked there in 14 days."""
    return _board_page(point_board_or_403(point_id))


@bp.route("/points/<int:point_id>/board", methods=["POST"])
@access.roles_required("leader", "admin")
def create_post(point_id):
    """Post an update (text, link, picture, or a call for N more people on a shift) on the point's board."""
    point = point_i_run_or_403(point_id)
    form = post_form(teamboard.upcoming_shifts(point.id))
    if not form.validate_on_submit():
        return _board_page(point, form, 422)
    try:
        post = teamboard.create_post(current_user, [point.id], _draft(form))
    except InvalidInput as error:
        show_error(form, error)
        return _board_page(point, form, 422)
    tasks.announce(post.id)
    return htmx.redirect(url_for("teamboard.board", point_id=point.id), _("Posted on the board."))


@bp.route("/board/posts/<int:post_id>/image")
@access.roles_required("student", "leader", "admin")
def post_image(post_id):
    """A post's picture, as the portal re-encoded it, to those who may see the post."""
    post, _point = post_i_see(post_id)
    image = db.session.get(TeamPostImage, post.id)
    if image is None:
        abort(404)
    response = Response(image.data, mimetype=image.content_type)
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@bp.route("/board/posts/<int:post_id>/seen", methods=["POST"])
@access.roles_required("student")
def mark_seen(post_id):
    """A volunteer says they saw a post; the button becomes "Seen"."""
    post, point = post_i_read(post_id)  # the CSRF token is checked before any view (CSRFProtect)
    teamboard.mark_seen(current_user, post)
    return htmx.answer("teamboard/partials/seen_button.html",
                       redirect_to=url_for("teamboard.board", point_id=point.id), post=post, seen={post.id})


@bp.route("/board/posts/<int:post_id>/pin", methods=["POST"])
@access.roles_required("leader", "admin")
def toggle_pin(post_id):
    """Pin a post to the top of its boards, or unpin it."""
    post = post_i_manage(post_id)
    teamboard.set_pinned(current_user, post, not post.pinned)
    point = next(p for p in post.points if points_service.runs_point(current_user, p.id))
    return htmx.redirect(url_for("teamboard.board", point_id=point.id),
                         _("Pinned to the top.") if post.pinned else _("Unpinned."))


def _many_form() -> ManyPostForm:
    """The organiser's form with every active point and every branch to choose from."""
    form = ManyPostForm()
    form.point_ids.choices = [(p.id, p.name) for p in db.session.scalars(
        select(ServicePoint).where(ServicePoint.is_active).order_by(ServicePoint.name))]
    form.branch_ids.choices = [(b.id, b.name) for b in db.session.scalars(select(Branch).order_by(Branch.name))]
    return form


@bp.route("/board/new", methods=["GET", "POST"])
@access.roles_required("admin")
def new_post_many():
    """An organiser posts once on several points' boards, or on every active point of a branch."""
    form = _many_form()
    if not form.validate_on_submit():
        return htmx.render("teamboard/new.html", None, 422 if form.is_submitted() else 200, form=form)
    point_ids = set(form.point_ids.data) | set(db.session.scalars(select(ServicePoint.id).where(
        ServicePoint.branch_id.in_(form.branch_ids.data or [-1]), ServicePoint.is_active)))
    try:
        post = teamboard.create_post(current_user, sorted(point_ids), _draft(form))
    except InvalidInput as error:
        show_error(form, error)
        return htmx.render("teamboard/new.html", None, 422, form=form)
    tasks.announce(post.id)
    return htmx.redirect(url_for("teamboard.new_post_many"),
                         _("Posted on the boards of %(count)d points.", count=len(point_ids)))
