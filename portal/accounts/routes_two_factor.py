"""Two-factor sign-in pages: the code step of logging in, enrolment, recovery codes, turning it off."""
from __future__ import annotations

import time

from flask import current_app, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from markupsafe import Markup

from portal import access, htmx
from portal.accounts import bp, credentials, two_factor
from portal.accounts.forms import CodeForm, DisableTwoFactorForm
from portal.accounts.models import User
from portal.core.urls import safe_next
from portal.core.validation import InvalidInput
from portal.extensions import db, limiter
from portal.forms import EmptyForm, show_error

# Who has given the right password and now owes a code; kept in the session, not signed in.
PENDING = "login_pending"
PENDING_MAX_AGE = 300  # seconds to type the code
MAX_FAILURES = 5  # wrong codes before the half-done sign-in ends (the rate limits also count)


def _limit():
    return current_app.config["RATELIMIT_2FA"]


def _account_key():
    """Rate-limit key for code attempts: the account half-way through signing in, or signed in."""
    pending = session.get(PENDING) or {}
    uid = pending.get("uid") or (current_user.id if current_user.is_authenticated else "")
    return f"2fa:{uid}"


def _record_lockout(limit):
    """on_breach of the per-account code limit: record it and end the half-done sign-in."""
    user = db.session.get(User, (session.get(PENDING) or {}).get("uid") or 0)
    session.pop(PENDING, None)
    if user is not None:
        credentials.record_lockout(user.email, f"login_code {limit.limit}")


def start_pending_login(user: User, remember: bool, next_url: str) -> None:
    """Remember, in the session, that this person gave the right password and owes a code."""
    session[PENDING] = {"uid": user.id, "remember": bool(remember), "next": next_url or "",
                        "since": int(time.time()), "fails": 0}


def _pending_user():
    """The person half-way through signing in and their pending state, or (None, None)."""
    pending = session.get(PENDING)
    if not pending or time.time() - pending.get("since", 0) > PENDING_MAX_AGE:
        return None, None
    user = db.session.get(User, pending.get("uid"))
    if user is None or not user.is_active_account or not two_factor.is_enabled(user):
        return None, None
    return user, pending


def _wrong_code(user: User, pending: dict, form: CodeForm):
    """Count a wrong code; after MAX_FAILURES the person starts again from the password."""
    db.session.rollback()
    two_factor.record_failure(user, "login")
    pending["fails"] = pending.get("fails", 0) + 1
    if pending["fails"] >= MAX_FAILURES:
        session.pop(PENDING, None)
        return htmx.redirect(url_for("accounts.login"), _("Too many wrong codes. Enter your email and password again."),
                             "error")
    session[PENDING] = pending
    form.code.errors.append(two_factor.WRONG_CODE)
    return None


def _signed_in(user: User, pending: dict, method: str):
    """Finish the sign-in the code completed, and go where the person was heading."""
    session.pop(PENDING, None)
    credentials.complete_login(user, method)
    login_user(user, remember=pending["remember"])
    spent = _("You signed in with a recovery code, which now cannot be used again. %(n)d codes are left.",
              n=two_factor.recovery_codes_left(user)) if method == "recovery" else None
    return htmx.redirect(safe_next(pending["next"]), spent, "warning")


@bp.route("/login/code", methods=["GET", "POST"])
@access.public
@limiter.limit(_limit, methods=["POST"])
@limiter.limit(_limit, methods=["POST"], key_func=_account_key, on_breach=_record_lockout)
def login_code():
    """Second step of logging in: a code from the authenticator app, or a recovery code."""
    user, pending = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        return htmx.redirect(url_for("accounts.login"), _("Enter your email and password first."), "warning")
    form = CodeForm()
    if form.validate_on_submit():
        method = two_factor.use_code(user, form.code.data)
        if method is not None:
            return _signed_in(user, pending, method)
        ended = _wrong_code(user, pending, form)
        if ended is not None:
            return ended
    return htmx.render("accounts/login_code.html", None, 422 if form.is_submitted() else 200, form=form)


@bp.route("/account/two-factor/setup", methods=["GET", "POST"])
@access.signed_in
def two_factor_setup():
    """Enrol: scan the QR code (or type the secret), then confirm with a code from the app."""
    if two_factor.is_enabled(current_user):
        return htmx.redirect(url_for("accounts.profile"))
    secret = two_factor.pending_secret(current_user)
    form = CodeForm()
    if secret and form.validate_on_submit():
        try:
            codes = two_factor.confirm_enrolment(current_user, form.code.data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            return htmx.render("accounts/recovery_codes.html", codes=codes, enrolled=True)
    qr = Markup(two_factor.qr_svg(two_factor.provisioning_uri(current_user, secret))) if secret else None
    status = 422 if form.is_submitted() else 200
    return htmx.render(
        "accounts/two_factor_setup.html", None, status, form=form, start_form=EmptyForm(), qr=qr,
        secret=two_factor.grouped(secret) if secret else None, required=two_factor.is_required(current_user),
    )


@bp.route("/account/two-factor/start", methods=["POST"])
@access.signed_in
def two_factor_start():
    """Make a new secret to enrol (a POST: a page view never writes)."""
    if not two_factor.is_enabled(current_user):
        two_factor.start_enrolment(current_user)
    return htmx.redirect(url_for("accounts.two_factor_setup"))


@bp.route("/account/two-factor/recovery-codes", methods=["GET", "POST"])
@access.signed_in
@limiter.limit(_limit, methods=["POST"], key_func=_account_key)
def recovery_codes():
    """Make ten new recovery codes (the old ones stop working), given a current code."""
    if not two_factor.is_enabled(current_user):
        return htmx.redirect(url_for("accounts.two_factor_setup"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.regenerate_recovery_codes(current_user, form.code.data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            return htmx.render("accounts/recovery_codes.html", codes=codes, enrolled=False)
    return htmx.render("accounts/recovery_codes_new.html", None, 422 if form.is_submitted() else 200, form=form,
                       left=two_factor.recovery_codes_left(current_user))


@bp.route("/account/two-factor/disable", methods=["GET", "POST"])
@access.signed_in
@limiter.limit(_limit, methods=["POST"], key_func=_account_key)
def two_factor_disable():
    """Turn two-factor sign-in off, given the password and a code."""
    if not two_factor.is_enabled(current_user):
        return htmx.redirect(url_for("accounts.profile"))
    form = DisableTwoFactorForm()
    if form.validate_on_submit():
        try:
            two_factor.disable(current_user, form.password.data, form.code.data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            return htmx.redirect(url_for("accounts.profile"), _("Two-factor sign-in is off."))
    return htmx.render("accounts/two_factor_disable.html", None, 422 if form.is_submitted() else 200, form=form,
                       required=two_factor.is_required(current_user))
