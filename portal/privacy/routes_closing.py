"""Closing one's account (from "My data") and coming back through the emailed link."""
from __future__ import annotations

from flask import abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, Length

from portal import access, htmx
from portal.accounts.validation import PASSWORD_MAX
from portal.core.validation import InvalidInput
from portal.forms import BaseForm, EmptyForm, show_error
from portal.i18n import lazy_text as _l
from portal.privacy import bp, closing


class CloseAccountForm(BaseForm):
    """Close my account: the password and an explicit "I understand" confirm it."""

    password = PasswordField(_l("Your password"), [DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX)])
    confirm = BooleanField(_l("I understand that my account closes now and my data will be erased."),
                           [DataRequired(_l("Tick the box to confirm that you want to close your account."))])


@bp.app_template_global("closing_context")
def closing_context(form=None) -> dict:
    """What the close-account partial needs: the form and what closing would do now."""
    user = current_user._get_current_object()
    return {"form": form or CloseAccountForm(formdata=None), "preview": closing.preview(user),
            "allowed": closing.may_close(user)}


@bp.route("/me/data/close", methods=["GET", "POST"])
@access.signed_in
def close_account():
    """Confirm, then close the signed-in person's account; they are signed out at once."""
    form = CloseAccountForm()
    if form.validate_on_submit():
        try:
            closing.close(current_user._get_current_object(), password=form.password.data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            logout_user()
            flash(_("Your account is closed and you have been signed out. We have emailed you the date your "
                    "data will be erased and a link to come back before then."), "success")
            return htmx.redirect(url_for("home.index"))
    status = 422 if form.is_submitted() else 200
    return htmx.render("privacy/close_account.html", "privacy/partials/close_account.html", status,
                       closing=closing_context(form))


@bp.route("/account/reopen/<token>", methods=["GET", "POST"])
@access.public
def reopen_account(token):
    """The emailed link: confirm, then reopen a closed account before its erasure."""
    try:
        user = closing.user_for_token(token)
    except closing.ReopenRefused as error:
        return render_template("privacy/reopen_account.html", problem=error.message, form=None), 410
    form = EmptyForm()
    if form.is_submitted():
        if not form.validate():
            abort(400)
        closing.reopen(user)
        flash(_("Your account is open again. Log in with your password."), "success")
        return htmx.redirect(url_for("accounts.login"))
    return render_template("privacy/reopen_account.html", problem=None, form=form, erase_after=user.erase_after)
