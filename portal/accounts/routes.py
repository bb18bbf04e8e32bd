"""Self-service account pages: thin views over the accounts rules (registration, signed links, credentials)."""
from __future__ import annotations

from flask import current_app, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal import access, htmx
from portal.accounts import bp, credentials, registration, sessions, signed_links, staff, two_factor
from portal.accounts.forms import (
    ChangePasswordForm,
    EmailOnlyForm,
    LoginForm,
    NewPasswordForm,
    ProfileForm,
    SignupForm,
)
from portal.accounts.routes_two_factor import start_pending_login
from portal.accounts.validation import canonical_email
from portal.core.urls import safe_next
from portal.core.validation import InvalidInput
from portal.extensions import limiter
from portal.forms import show_error
from portal.i18n import current_locale


def _limit(name):
    return lambda: current_app.config[name]


def _email_key():
    """Rate-limit key per submitted address, so one account cannot be guessed at from many IPs.

    The address is spelt as the form and the services will read it (canonical_email), so
    "Admin@…", "admin\u200b@…" and " ADMIN@… " all count against the same person.
    """
    return "email:" + canonical_email(request.form.get("email") or "")


def _record_lockout(limit):
    """on_breach of the per-account limits: record the lockout in the audit log."""
    credentials.record_lockout(request.form.get("email") or "", f"{request.endpoint} {limit.limit}")


def _link_problem(error: signed_links.TokenError):
    """The page for an expired, tampered or spent link."""
    return htmx.render("accounts/link_problem.html", None, 400, message=error.message)


@bp.route("/signup", methods=["GET", "POST"])
@access.public
@limiter.limit(_limit("RATELIMIT_SIGNUP"), methods=["POST"])
@limiter.limit(_limit("RATELIMIT_SIGNUP"), methods=["POST"], key_func=_email_key, on_breach=_record_lockout)
def signup():
    """Student sign-up, with consent; sends the verification email."""
    form = SignupForm()
    if form.validate_on_submit():
        data = registration.StudentSignup(locale=current_locale(), **{
            f: form[f].data for f in registration.StudentSignup.__dataclass_fields__ if f != "locale"
        })
        try:
            user = registration.register_student(data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            session["signup_email"] = user.email  # shown on the next page, kept out of URLs and logs
            return htmx.redirect(url_for("accounts.signup_done"))
    status = 422 if form.is_submitted() else 200
    return htmx.render("accounts/signup.html", "accounts/partials/signup_form.html", status, form=form)


@bp.route("/signup/check-email")
@access.public
def signup_done():
    """Tell the new student to open the link in their email."""
    return htmx.render("accounts/signup_done.html", email=session.get("signup_email", ""))


@bp.route("/account/verify/<token>")
@access.public
def verify_email(token):
    """Confirm an email address from the signed link."""
    try:
        signed_links.verify_email(token)
    except signed_links.TokenError as error:
        return _link_problem(error)
    return htmx.redirect(url_for("accounts.login"), _("Your email address is confirmed. You can log in now."))


@bp.route("/account/verify/resend", methods=["GET", "POST"])
@access.public
@limiter.limit(_limit("RATELIMIT_RESET"), methods=["POST"])
@limiter.limit(_limit("RATELIMIT_RESET"), methods=["POST"], key_func=_email_key)
def resend_verification():
    """Send the verification email again."""
    form = EmailOnlyForm()
    if form.validate_on_submit():
        signed_links.resend_verification(form.email.data)
        session["signup_email"] = form.email.data
        return htmx.redirect(url_for("accounts.signup_done"))
    return htmx.render("accounts/resend.html", None, 422 if form.is_submitted() else 200, form=form)


@bp.route("/login", methods=["GET", "POST"])
@access.public
@limiter.limit(_limit("RATELIMIT_LOGIN"), methods=["POST"])
@limiter.limit(_limit("RATELIMIT_LOGIN"), methods=["POST"], key_func=_email_key, on_breach=_record_lockout)
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return htmx.redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    unverified = False
    if form.validate_on_submit():
        try:
            user = credentials.authenticate(form.email.data, form.password.data)
        except credentials.LoginRefused as refusal:
            form.form_errors.append(refusal.message)
            unverified = refusal.unverified
        else:
            return _after_password(user, form.remember.data, form.next.data)
    status = 422 if form.is_submitted() else 200
    return htmx.render("accounts/login.html", None, status, form=form, unverified=unverified)


def _after_password(user, remember: bool, next_url: str):
    """Sign in at once; or, with two-factor sign-in on, remember who is half-way (not signed in)
    and ask for a code."""
    if two_factor.is_enabled(user):
        start_pending_login(user, remember, next_url)
        return htmx.redirect(url_for("accounts.login_code"))
    credentials.complete_login(user)
    login_user(user, remember=remember)
    if access.must_enrol_two_factor(user):  # an organiser's first stop: nothing else would open
        return htmx.redirect(url_for("accounts.two_factor_setup"))
    return htmx.redirect(safe_next(next_url))


@bp.route("/logout", methods=["POST"])
@access.signed_in
def logout():
    """Log out (a POST, so another site cannot log you out)."""
    sessions.sign_out(current_user._get_current_object())  # the server-side session ends: a copied cookie is refused
    logout_user()
    return htmx.redirect(url_for("home.index"), _("You have logged out."))


@bp.route("/password/forgot", methods=["GET", "POST"])
@access.public
@limiter.limit(_limit("RATELIMIT_RESET"), methods=["POST"])
@limiter.limit(_limit("RATELIMIT_RESET"), methods=["POST"], key_func=_email_key, on_breach=_record_lockout)
def forgot_password():
    """Ask for a password reset link; the answer is the same whether the account exists or not."""
    form = EmailOnlyForm()
    if form.validate_on_submit():
        credentials.request_password_reset(form.email.data)
        return htmx.render("accounts/forgot_sent.html", email=form.email.data)
    return htmx.render("accounts/forgot.html", None, 422 if form.is_submitted() else 200, form=form)


def _new_password_page(token, load, act, template, success):
    """Shared flow of the reset and invitation links: check the link, then set the password."""
    try:
        user = load(token)
    except signed_links.TokenError as error:
        return _link_problem(error)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            act(token, form.password.data)
        except InvalidInput as error:
            show_error(form, error)
        except signed_links.TokenError as error:
            return _link_problem(error)
        else:
            return htmx.redirect(url_for("accounts.login"), success)
    return htmx.render(template, None, 422 if form.is_submitted() else 200, form=form, user=user)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@access.public
@limiter.limit(_limit("RATELIMIT_RESET"), methods=["POST"])
def reset_password(token):
    """Choose a new password through an emailed link that works once."""
    return _new_password_page(token, signed_links.load_reset, credentials.reset_password, "accounts/reset.html",
                              _("Your password has been changed. Log in with the new one."))


@bp.route("/invite/<token>", methods=["GET", "POST"])
@access.public
@limiter.limit(_limit("RATELIMIT_RESET"), methods=["POST"])
def accept_invite(token):
    """A staff member sets their first password through the invitation link."""
    return _new_password_page(token, signed_links.load_invite, staff.accept_invite, "accounts/accept_invite.html",
                              _("Your account is ready. Log in with your new password."))


@bp.route("/profile", methods=["GET", "POST"])
@access.signed_in
def profile():
    """See and edit one's own details."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            registration.update_profile(current_user, **{f: form[f].data for f in registration.PROFILE_FIELDS})
        except InvalidInput as error:
            show_error(form, error)
        else:
            return htmx.redirect(url_for("accounts.profile"), _("Your details have been saved."))
    return htmx.render("accounts/profile.html", None, 422 if form.is_submitted() else 200, form=form,
                       two_factor_codes_left=two_factor.recovery_codes_left(current_user))


@bp.route("/profile/password", methods=["GET", "POST"])
@access.signed_in
def change_password():
    """Change one's password, given the current one."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            credentials.change_password(current_user, form.current_password.data, form.password.data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            login_user(current_user._get_current_object())  # keep this session; the others end
            return htmx.redirect(url_for("accounts.profile"), _("Your password has been changed."))
    return htmx.render("accounts/change_password.html", None, 422 if form.is_submitted() else 200, form=form)
