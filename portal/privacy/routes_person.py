"""A person's own data: "My data" (what we hold, download, correction, consents), re-consent,
and the organisers' processing register page."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import HiddenField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

from portal import access, htmx
from portal.accounts import consent
from portal.audit import services as audit
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import BaseForm, EmptyForm, show_error
from portal.i18n import lazy_text as _l
from portal.privacy import bp, export, notice, register, requests

CORRECTION_MAX = 2000


class CorrectionForm(BaseForm):
    """Ask for a correction of what others recorded (hours, attendance)."""

    details = TextAreaField(
        _l("What is wrong, and what should it say?"),
        [DataRequired(_l("Say what is wrong and what it should say.")), Length(max=CORRECTION_MAX)],
        description=_l("For example: the date of the shift, what was recorded and what really happened."),
    )


class ConsentForm(BaseForm):
    """Give or withdraw one optional consent."""

    given = HiddenField(validators=[AnyOf(["yes", "no"])])


def _me():
    return current_user._get_current_object()


def _page_context(correction_form=None) -> dict:
    """What the "My data" page and its partials need."""
    user = _me()
    return dict(kinds=export.counts(user), consents=consent.states(user), optional=consent.OPTIONAL_PURPOSES,
                labels=consent.LABELS, descriptions=consent.DESCRIPTIONS, latest=export.latest(user),
                correction_form=correction_form or CorrectionForm(formdata=None),
                consent_form=ConsentForm(formdata=None), groups=register.GROUPS)


@bp.route("/me/data")
@access.signed_in
def my_data():
    """What the portal holds about me, by kind, with download, correction and consents."""
    return htmx.render("privacy/my_data.html", None, 200, **_page_context())


@bp.route("/me/data/export", methods=["POST"])
@access.signed_in
def create_export():
    """Build my data's ZIP now (valid 24 hours) and offer the link."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    export.build(_me())
    flash(_("Your data is ready. The download link works for 24 hours, only for you."), "success")
    return htmx.redirect(url_for("privacy.my_data"))


@bp.route("/me/data/export/<int:export_id>")
@access.signed_in
def download_export(export_id):
    """Download my own export while it is valid; anyone else's is a 404."""
    record = export.download(export_id, _me())
    if record is None:
        abort(404)
    return Response(record.content, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{export.filename(record)}"'})


@bp.route("/me/data/consent/<purpose>", methods=["POST"])
@access.signed_in
def set_consent(purpose):
    """Give or withdraw one optional consent (audited); the panel re-renders."""
    form = ConsentForm()
    if purpose not in consent.OPTIONAL_PURPOSES:
        abort(404)
    if not form.validate_on_submit():
        abort(400)
    user = _me()
    if form.given.data == "yes" and not consent.has_consent(user, purpose):
        consent.grant(user, purpose, notice.current_version())
        audit.record(user, "consent.grant", "user", user.id, after={"purpose": purpose})
    elif form.given.data == "no" and consent.withdraw(user, purpose):
        audit.record(user, "consent.withdraw", "user", user.id, after={"purpose": purpose})
    db.session.commit()
    if not htmx.is_fragment_request():
        flash(_("Your choice has been saved."), "success")
        return redirect(url_for("privacy.my_data") + "#consents", 303)
    return htmx.render("privacy/my_data.html", "privacy/partials/consents.html", 200, **_page_context())


@bp.route("/me/data/correction", methods=["POST"])
@access.signed_in
def ask_correction():
    """Ask the organisers to correct what others recorded; opens a data request."""
    form = CorrectionForm()
    if form.validate_on_submit():
        try:
            requests.open_request(_me(), "correction", form.details.data, channel="portal")
        except InvalidInput as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your request has been sent to the organisers. They answer within the legal deadline."), "success")
            return htmx.redirect(url_for("privacy.my_data"))
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
        return htmx.redirect(_safe_next())
    return htmx.render("privacy/reconsent.html", None, 200, form=form, next=_safe_next(),
                       changes=notice.changes_since(notice.accepted_version(user)),
                       version=notice.current_version())


def _safe_next() -> str:
    from portal.core.urls import safe_next

    return safe_next(request.values.get("next"))


@bp.route("/admin/privacy/register")
@access.roles_required("admin")
def processing_register():
    """The processing register, for organisers: every kind of data and every column."""
    return htmx.render("privacy/register.html", None, 200, rows=register.register_rows(),
                       tables=register.TABLES, kinds=register.DATA_KINDS,
                       erase_labels=register.ERASE_LABELS)


# Endpoints a person who must re-consent may still use (public ones aside).
NOTICE_CHECKED = "notice_checked"
RECONSENT_OPEN = {"privacy.reconsent", "privacy.close_account", "accounts.logout", *access.TWO_FACTOR_ENROLMENT}


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
