"""A person's own data: "My data" (what we hold, download, correction, consents), re-consent,
closing one's account and coming back through the emailed link."""
from __future__ import annotations

from flask import abort, current_app, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from portal import access, htmx
from portal.accounts import consent
from portal.audit import services as audit
from portal.core import downloads
from portal.core.urls import safe_next
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import EmptyForm, show_error
from portal.privacy import bp, closing, export, notice, register_terms
from portal.privacy import requests as privacy_requests
from portal.privacy.forms import CloseAccountForm, ConsentForm, CorrectionForm


def _me():
    return current_user._get_current_object()


def _page_context(correction_form=None, consent_form=None) -> dict:
    """What the "My data" page and its partials need."""
    user = _me()
    return dict(kinds=export.counts(user), consents=consent.states(user), optional=consent.OPTIONAL_PURPOSES,
                labels=consent.LABELS, descriptions=consent.DESCRIPTIONS, latest=export.latest(user),
                correction_form=correction_form or CorrectionForm(formdata=None),
                consent_form=consent_form or ConsentForm(formdata=None), groups=register_terms.GROUPS)


@bp.route("/me/data")
@access.signed_in
def my_data():
    """What the portal holds about me, by kind, with download, correction and consents."""
    return htmx.render("privacy/my_data.html", None, 200, **_page_context())


@bp.route("/me/data/export", methods=["POST"])
@access.signed_in
def create_export():
    """Build my data's ZIP now (valid 24 hours) and offer the link."""
    export.build(_me())
    return htmx.redirect(url_for("privacy.my_data"),
                         _("Your data is ready. The download link works for 24 hours, only for you."))


@bp.route("/me/data/export/<int:export_id>")
@access.signed_in
def download_export(export_id):
    """Download my own export while it is valid; anyone else's is a 404."""
    record = export.download(export_id, _me())
    if record is None:
        abort(404)
    return downloads.attachment(record.content, export.filename(record))


@bp.route("/me/data/consent/<purpose>", methods=["POST"])
@access.signed_in
def set_consent(purpose):
    """Give or withdraw one optional consent (audited); the panel re-renders."""
    if purpose not in consent.OPTIONAL_PURPOSES:
        abort(404)
    form = ConsentForm()
    if not form.validate():
        return htmx.answer("privacy/partials/consents.html", redirect_to=url_for("privacy.my_data") + "#consents",
                           status_code=422, flash_message=form.given.errors[0], flash_category="error",
                           **_page_context(consent_form=form))
    user = _me()
    if form.given.data == "yes" and not consent.has_consent(user, purpose):
        consent.grant(user, purpose, notice.current_version())
        audit.record(user, "consent.grant", "user", user.id, after={"purpose": purpose})
    elif form.given.data == "no" and consent.withdraw(user, purpose):
        audit.record(user, "consent.withdraw", "user", user.id, after={"purpose": purpose})
    db.session.commit()
    return htmx.answer("privacy/partials/consents.html", redirect_to=url_for("privacy.my_data") + "#consents",
                       flash_message=_("Your choice has been saved."), **_page_context())


@bp.route("/me/data/correction", methods=["POST"])
@access.signed_in
def ask_correction():
    """Ask the organisers to correct what others recorded; opens a data request."""
    form = CorrectionForm()
    if form.validate_on_submit():
        try:
            privacy_requests.open_request(_me(), "correction", form.details.data, channel="portal")
        except InvalidInput as error:
            show_error(form, error)
        else:
            db.session.commit()
            return htmx.redirect(url_for("privacy.my_data"), _("Your request has been sent to the organisers. "
                                                               "They answer within the legal deadline."))
    return htmx.render("privacy/my_data.html", "privacy/partials/correction.html", 422,
                       **_page_context(form))


@bp.route("/privacy/accept", methods=["GET", "POST"])
@access.signed_in
def reconsent():
    """The notice changed: see what changed, and accept to go on."""
    user = _me()
    form = EmptyForm()
    if form.validate_on_submit():
        if notice.needs_reconsent(user):
            notice.accept(user)
            audit.record(user, "consent.grant", "user", user.id,
                         after={"purpose": consent.PROGRAMME, "notice_version": notice.current_version()})
            db.session.commit()
        return htmx.redirect(safe_next(request.values.get("next")))
    return htmx.render("privacy/reconsent.html", None, 200, form=form, next=safe_next(request.values.get("next")),
                       changes=notice.changes_since(notice.accepted_version(user)),
                       version=notice.current_version())


# --- closing one's account --------------------------------------------------------------------------


@bp.app_template_global("closing_context")
def closing_context(form=None) -> dict:
    """What the close-account partial needs: the form and what closing would do now."""
    user = _me()
    return {"form": form or CloseAccountForm(formdata=None), "preview": closing.preview(user),
            "allowed": closing.may_close(user)}


@bp.route("/me/data/close", methods=["GET", "POST"])
@access.signed_in
def close_account():
    """Confirm, then close the signed-in person's account; they are signed out at once."""
    form = CloseAccountForm()
    if form.validate_on_submit():
        try:
            closing.close(_me(), password=form.password.data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            logout_user()
            return htmx.redirect(url_for("home.index"), _(
                "Your account is closed and you have been signed out. We have emailed you the date your "
                "data will be erased and a link to come back before then."))
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
        return htmx.render("privacy/reopen_account.html", None, 410, problem=error.message, form=None)
    form = EmptyForm()
    if form.validate_on_submit():
        closing.reopen(user)
        return htmx.redirect(url_for("accounts.login"), _("Your account is open again. Log in with your password."))
    return htmx.render("privacy/reopen_account.html", None, 200, problem=None, form=form,
                       erase_after=user.erase_after)


# --- the notice changed: accept it before going on ----------------------------------------------------

# Endpoints a person who must re-consent may still use (public ones aside).
NOTICE_CHECKED = "notice_checked"
RECONSENT_OPEN = {"privacy.reconsent", "privacy.close_account", "accounts.logout", *access.TWO_FACTOR_ENROLMENT,
                  *access.HELD_PAGE_CALLS}


@bp.before_app_request
def require_reconsent():
    """A signed-in person whose accepted notice is older accepts the new one before going on."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in RECONSENT_OPEN or not current_user.is_authenticated:
        return None
    rule = access.rule_for(current_app, endpoint)
    # The session remembers the version already checked, so a page costs no query once accepted.
    checked = f"{current_user.id}:{notice.current_version()}"
    if rule is None or rule.public or session.get(NOTICE_CHECKED) == checked:
        return None
    if not notice.needs_reconsent(current_user):
        session[NOTICE_CHECKED] = checked
        return None
    target = url_for("privacy.reconsent", next=request.full_path.rstrip("?") if request.method == "GET" else None)
    return htmx.navigate(target)
