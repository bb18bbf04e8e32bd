"""Campaign pages: everyone signed in sees campaigns; organisers create and edit them."""
from __future__ import annotations

from flask import flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, htmx
from portal.campaigns import bp
from portal.campaigns import points as points_service
from portal.campaigns import services as campaigns
from portal.campaigns.forms import CampaignForm, PointForm, StaffForm
from portal.campaigns.loaders import campaign_or_404
from portal.campaigns.models import STAFF_ROLES, ServicePoint
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import choices, show_error


def _data(form: CampaignForm) -> campaigns.CampaignData:
    """Turn the form into the service's input."""
    fields = {f: form[f].data for f in campaigns.CampaignData.__dataclass_fields__ if f != "organisers"}
    return campaigns.CampaignData(organisers=campaigns.parse_organisers(form.organiser_text.data), **fields)


@bp.route("/")
@access.signed_in
def index():
    """All campaigns, newest first."""
    return htmx.render("campaigns/index.html", None,
                       campaigns=campaigns.listing(include_drafts=current_user.has_role("admin")))


@bp.route("/<slug>")
@access.signed_in
def show(slug):
    """One campaign's page."""
    campaign = campaign_or_404(slug)
    return htmx.render("campaigns/show.html", None, campaign=campaign,
                       enrolled=campaigns.is_enrolled(current_user, campaign))


@bp.route("/new", methods=["GET", "POST"])
@access.roles_required("admin")
def create():
    """Create a campaign."""
    form = CampaignForm(status="draft")
    if form.validate_on_submit():
        try:
            campaign = campaigns.create(current_user, _data(form))
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(_("Campaign created."), "success")
            return htmx.redirect(url_for("campaigns.show", slug=campaign.slug))
    status = 422 if form.is_submitted() else 200
    return htmx.render("campaigns/form.html", None, status, form=form, campaign=None)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@access.roles_required("admin")
def edit(slug):
    """Edit a campaign."""
    campaign = campaign_or_404(slug)
    form = CampaignForm(obj=campaign, organiser_text="\n".join(campaign.organiser_names))
    if form.validate_on_submit():
        try:
            campaigns.update(current_user, campaign, _data(form))
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(_("Campaign saved."), "success")
            return htmx.redirect(url_for("campaigns.show", slug=campaign.slug))
    status = 422 if form.is_submitted() else 200
    return htmx.render("campaigns/form.html", None, status, form=form, campaign=campaign)


@bp.route("/points")
@access.signed_in
def points():
    """The service points, grouped by branch."""
    led = {p.id for p in points_service.points_led_by(current_user)} if current_user.has_role("leader") else set()
    return htmx.render("campaigns/points.html", None, branches=campaigns.branches_with_points(), led=led)


@bp.route("/<slug>/join", methods=["POST"])
@access.roles_required("student")
def join(slug):
    """A student joins an open campaign."""
    campaign = campaign_or_404(slug)
    try:
        campaigns.join(current_user, campaign)
    except InvalidInput as error:
        flash(str(error.message), "error")
    else:
        flash(_("Welcome to the campaign! Start with the training."), "success")
    return htmx.redirect(url_for("training.my_training", slug=campaign.slug))


@bp.route("/<slug>/staff", methods=["GET", "POST"])
@access.roles_required("admin")
def staff(slug):
    """Assign trainers and leaders to a campaign."""
    campaign = campaign_or_404(slug)
    form = StaffForm()
    if form.is_submitted():
        try:
            if not form.validate():
                raise InvalidInput(next(iter(form.errors.values()))[0])
            campaigns.set_staff(current_user, campaign, form.user_id.data, form.role.data, form.assigned.data == "1")
        except InvalidInput as error:
            flash(str(error.message), "error")
        return htmx.redirect(url_for("campaigns.staff", slug=slug))
    return htmx.render("campaigns/staff.html", None, campaign=campaign,
                       candidates={r: campaigns.staff_candidates(r) for r in STAFF_ROLES},
                       assigned={r: campaigns.staff_of(campaign, r) for r in STAFF_ROLES})


def _point_form(point=None):
    """The point form with the leaders to choose from."""
    form = PointForm(obj=point, branch_name=point.branch.name if point else "",
                     leader_ids=[u.id for u in point.leaders] if point else [],
                     is_active=point.is_active if point else True)
    form.leader_ids.choices = choices((u.id, u.full_name) for u in points_service.leader_candidates())
    return form


@bp.route("/points/new", methods=["GET", "POST"])
@access.roles_required("admin")
def create_point():
    """Add a service point."""
    return _save_point(None)


@bp.route("/points/<int:point_id>/edit", methods=["GET", "POST"])
@access.roles_required("admin")
def edit_point(point_id):
    """Edit a service point's details and leaders."""
    return _save_point(db.get_or_404(ServicePoint, point_id))


def _save_point(point):
    """Shared create/edit flow of the point form."""
    form = _point_form(point)
    if form.validate_on_submit():
        data = points_service.PointData(**{f: form[f].data for f in points_service.PointData.__dataclass_fields__})
        try:
            saved = points_service.save_point(current_user, point, data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(_("Service point saved."), "success")
            return htmx.redirect(url_for("campaigns.points") + f"#point-{saved.id}")
    return htmx.render("campaigns/point_form.html", None, 422 if form.is_submitted() else 200, form=form, point=point)
