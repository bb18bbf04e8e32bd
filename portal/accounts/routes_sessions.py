"""Sessions on the web: Flask-Login's loader and login signal, rotation, and "sign out everywhere".

accounts/sessions.py holds the rules; this module moves tokens in and out of the cookies.
"""
from __future__ import annotations

from flask import current_app, flash, g, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, user_logged_in

from portal import access, htmx
from portal.accounts import bp, sessions
from portal.extensions import db


def load_user(token: str):
    """Flask-Login's user_loader: the person of a live session token (session or remember cookie)."""
    return sessions.load(token)


def _use(user, replacing=None, remember: bool = False) -> None:
    """Put a new session of `user` in this browser's cookies (session and, if granted, remember-me)."""
    token = sessions.start(user, remember, request.headers.get("User-Agent", ""), replacing=replacing)
    session["_user_id"] = token
    if user.current_session.is_remember:
        session["_remember"] = "set"  # Flask-Login rewrites the remember cookie with the new token
    elif current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
        session["_remember"] = "clear"  # an old one, or an organiser's: it must not outlive this session
    else:
        session.pop("_remember", None)
    sessions.ended_for(db.session).discard(user.id)


@user_logged_in.connect
def _on_login(sender, user, **extra) -> None:
    """Every login_user() opens a new server-side session (a new id, so a planted one is useless).

    Called again for a browser already signed in (after a password change), it rotates that
    session: the old token stops working and the new one keeps its remember-me and absolute end.
    """
    _use(user, replacing=getattr(user, "current_session", None), remember=session.get("_remember") == "set")


def rotate_after_change(response):
    """after_request hook: when this request changed the signed-in person's own password or roles,
    their session ended with it (accounts/sessions.py); carry on in a new one rather than log out."""
    user = g.get("_login_user")
    changed = db.session.info.get("sessions_ended_for")
    if not changed or user is None or not user.is_authenticated or user.id not in changed:
        return response
    db.session.rollback()  # whatever the view left uncommitted would be discarded anyway
    if user.is_active_account:
        _use(user, replacing=user.current_session)
    return response


@bp.route("/profile/sessions/end-all", methods=["POST"])
@access.signed_in
def end_all_sessions():
    """End every session of the person; this browser carries on in a new one, so that a copy of
    its cookie stops working as well."""
    user = current_user._get_current_object()
    sessions.sign_out(user, everywhere=True)
    _use(user, replacing=user.current_session)
    # Flashed here rather than through flash_message: the form posts with htmx (for its confirmation),
    # and htmx.answer's client redirect does not carry a message.
    flash(_("You have been signed out on every other device. Anyone using them must log in again."), "success")
    return htmx.redirect(url_for("accounts.profile"))


@bp.app_template_global("user_sessions")
def user_sessions():
    """The signed-in person's live sessions, for the profile page's panel."""
    return sessions.active(current_user._get_current_object()) if current_user.is_authenticated else []
