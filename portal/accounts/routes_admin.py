"""Admins' people pages: list, invite staff, change roles, deactivate."""
from __future__ import annotations

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, htmx
from portal.accounts import bp, staff
from portal.accounts.forms import ActiveForm, InviteForm, RolesForm
from portal.accounts.models import ROLE_VALUES, User
from portal.audit import labels as audit_labels
from portal.audit import services as audit
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import show_error
from portal.pagination import page_number

PAGE_SIZE = 25


def _load_user(user_id: int) -> User:
    """Load a person or answer 404."""
    return db.get_or_404(User, user_id)


def _status_form(user: User) -> ActiveForm:
    """The deactivate/reactivate button's form, set to the change it makes."""
    return ActiveForm(active="0" if user.is_active_account else "1")


@bp.route("/admin/people")
@access.roles_required("admin")
def people():
    """The list of everyone with an account, searchable and filterable."""
    search, role, active = (request.args.get(k, "") for k in ("q", "role", "active"))
    page = db.paginate(staff.staff_query(search, role, active), page=page_number(), per_page=PAGE_SIZE,
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
            user = staff.invite_staff(current_user, form.email.data, form.full_name.data, form.roles.data,
                                      form.locale.data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            return htmx.redirect(url_for("accounts.people"), _("Invitation sent to %(email)s.", email=user.email))
    return htmx.render("accounts/admin/invite.html", None, 422 if form.is_submitted() else 200, form=form)


@bp.route("/admin/people/<int:user_id>")
@access.roles_required("admin")
def person(user_id):
    """One person's account: roles, status, consent history (each view goes in the security log)."""
    user = _load_user(user_id)
    audit.record_access(current_user, audit_labels.PERSON_VIEWED, "user", user.id)
    return htmx.render("accounts/admin/person.html", None, user=user,
                       roles_form=RolesForm(roles=sorted(user.role_names)), status_form=_status_form(user))


@bp.route("/admin/people/<int:user_id>/summary")
@access.roles_required("admin")
def person_summary(user_id):
    """The person page's heading (name, status, roles), refreshed when their roles change; a plain
    request goes to the whole page."""
    user = _load_user(user_id)
    return htmx.answer("accounts/admin/partials/person_summary.html",
                       redirect_to=url_for("accounts.person", user_id=user.id), user=user)


@bp.route("/admin/people/<int:user_id>/roles", methods=["POST"])
@access.roles_required("admin")
def change_roles(user_id):
    """Replace a person's roles; answers with the re-rendered roles widget, and tells the page's heading."""
    user = _load_user(user_id)
    form = RolesForm()
    saved = False
    if form.validate_on_submit():
        try:
            staff.set_roles(current_user, user, form.roles.data)
            saved = True
        except InvalidInput as error:
            show_error(form, error)
    return htmx.answer(
        "accounts/admin/partials/roles.html", page_template="accounts/admin/person.html",
        status_code=200 if saved else 422, event="roles-changed" if saved else None,
        user=user, roles_form=form, status_form=_status_form(user), saved=saved,
    )


@bp.route("/admin/people/<int:user_id>/active", methods=["POST"])
@access.roles_required("admin")
def change_active(user_id):
    """Deactivate or reactivate an account; back to the person's page, which says what happened."""
    user = _load_user(user_id)
    form = ActiveForm()
    if form.validate_on_submit():
        try:
            staff.set_active(current_user, user, form.active.data == "1")
        except InvalidInput as error:
            show_error(form, error)
    refusal = next(iter(form.active.errors + form.form_errors), None)
    # Flashed here rather than through flash_message: the form posts with htmx (for its confirmation),
    # and htmx.answer's client redirect does not carry a message.
    if refusal:
        flash(str(refusal), "error")
    else:
        flash(_("Account reactivated.") if user.is_active_account else _("Account deactivated."), "success")
    return htmx.redirect(url_for("accounts.person", user_id=user.id), status=422 if refusal else 200)
