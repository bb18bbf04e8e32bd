"""The language switch and the health checks."""
from __future__ import annotations

from flask import Blueprint, current_app, session
from flask_login import current_user
from sqlalchemy import text

from portal import access, htmx
from portal.core.forms import LanguageForm
from portal.core.urls import safe_next
from portal.extensions import db
from portal.i18n import SESSION_KEY

bp = Blueprint("core", __name__)


@bp.route("/language", methods=["POST"])
@access.public
def set_language():
    """Switch the interface language for this browser (and the account, when signed in)."""
    form = LanguageForm()
    lang = form.lang.data
    if form.validate() and lang in current_app.config["LANGUAGES"]:
        session[SESSION_KEY] = lang
        if current_user.is_authenticated and current_user.locale != lang:
            current_user.locale = lang
            db.session.commit()
    return htmx.redirect(safe_next(form.next.data))


@bp.route("/livez")
@access.public
def live():
    """Liveness: the process answers (no database); also the benchmarks' bare baseline."""
    return "ok"


@bp.route("/healthz")
@access.public
def health():
    """Liveness and database check for the load balancer."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
