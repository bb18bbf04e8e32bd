"""Admins' people pages: list, invite staff, change roles, deactivate."""
from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, htmx
from portal.accounts import bp, services
from portal.accounts.forms import InviteForm, RolesForm
from portal.accounts.models import ROLE_VALUES, User
from portal.audit import labels
from portal.audit import services as audit
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import EmptyForm, show_error
from portal.pagination import page_number

PAGE_SIZE = 25


def _load_user(user_id: int) -> User:
    """Load a person or answer 404."""
    return db.get_or_404(User, user_id)


@bp.route("/admin/people")
@access.roles_required("admin")
def people():
    """The list of everyone with an account, searchable and filterable."""
    search, role, active = (request.args.get(k, "") for k in ("q", "role", "active"))
    page = db.paginate(services.staff_query(search, role, active), page=page_number(), per_page=PAGE_SIZE,
                       error_out=False)
    return htmx.render(
        "accounts/admin/people.html", "accounts/admin/partials/people_table.html",
        page=page, q=search, role=role, active=active, roles=ROLE_VALUES,
    )


@bp.route("/admin/people/invite", methods=["GET", "POST"])
@access.roles_required("admin")
def invite():
    """Invite a staff member by email; the link lets them set a password."""
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = services.invite_staff(
                current_user, form.email.data, form.full_name.data, form.roles.data, form.locale.data
            )
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(_("Invitation sent to %(email)s.", email=user.email), "success")
            return htmx.redirect(url_for("accounts.people"))
    status = 422 if form.is_submitted() else 200
    return htmx.render("accounts/admin/invite.html", None, status, form=form)


@bp.route("/admin/people/<int:user_id>")
@access.roles_required("admin")
def person(user_id):
    """One person's account: roles, status, consent history (each view goes in the security log)."""
    user = _load_user(user_id)
    audit.record_access(current_user, labels.PERSON_VIEWED, "user", user.id)
    return htmx.render(
        "accounts/admin/person.html", None, user=user,
        roles_form=RolesForm(roles=sorted(user.role_names)), status_form=EmptyForm(),
    )


@bp.route("/admin/people/<int:user_id>/roles", methods=["POST"])
@access.roles_required("admin")
def change_roles(user_id):
    """Replace a person's roles; answers with the re-rendered roles widget."""
    user = _load_user(user_id)
    form = RolesForm()
    saved = False
    if form.validate_on_submit():
        try:
            services.set_roles(current_user, user, form.roles.data)
            saved = True
        except InvalidInput as error:
            show_error(form, error)
    if not saved:
        db.session.rollback()
    response = htmx.render(
        "accounts/admin/person.html", "accounts/admin/partials/roles.html",
        200 if saved else 422, user=user, roles_form=form, status_form=EmptyForm(), saved=saved,
    )
    return htmx.trigger(response, "roles-changed") if saved else response


@bp.route("/admin/people/<int:user_id>/active", methods=["POST"])
@access.roles_required("admin")
def change_active(user_id):
    """Deactivate or reactivate an account."""
    user = _load_user(user_id)
    form = EmptyForm()
    if not form.validate_on_submit() or request.form.get("active") not in ("0", "1"):
        abort(400)
    try:
        services.set_active(current_user, user, request.form["active"] == "1")
    except InvalidInput as error:
        flash(str(error.message), "error")
    else:
        flash(_("Account reactivated.") if user.is_active_account else _("Account deactivated."), "success")
    return htmx.redirect(url_for("accounts.person", user_id=user.id))
