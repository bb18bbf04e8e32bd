"""The home page, the language switch, the privacy notice and a health check."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session
from flask_login import current_user
from sqlalchemy import text

from portal import access
from portal.campaigns import services as campaigns
from portal.core.urls import safe_next
from portal.extensions import db
from portal.forms import EmptyForm
from portal.i18n import SESSION_KEY

bp = Blueprint("core", __name__)


@bp.route("/")
@access.public
def home():
    """The welcome page for visitors; for people who are signed in, each of their roles' status and work."""
    if current_user.is_authenticated:
        from portal.home import services as home_page  # the top floor: it reads every domain

        return render_template("home/index.html", **home_page.sections(current_user))
    current = [c for c in campaigns.listing(include_drafts=False) if c.status == "open"]
    branches, points = campaigns.directory_counts()
    return render_template("core/home.html", campaigns=current, branches=branches, points=points)


@bp.route("/language", methods=["POST"])
@access.public
def set_language():
    """Switch the interface language for this browser (and the account, when signed in)."""
    form = EmptyForm()
    lang = request.form.get("lang")
    if form.validate_on_submit() and lang in current_app.config["LANGUAGES"]:
        session[SESSION_KEY] = lang
        if current_user.is_authenticated and current_user.locale != lang:
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_next(request.form.get("next")), 303)


@bp.route("/privacy")
@access.public
def privacy():
    """The privacy notice that students accept at sign-up, generated from the processing register."""
    from portal.accounts import consent
    from portal.privacy import notice, register

    return render_template("core/privacy.html", version=current_app.config["PRIVACY_NOTICE_VERSION"],
                           rows=register.register_rows(), kinds=register.DATA_KINDS, purposes=consent.PURPOSES,
                           labels=consent.LABELS, descriptions=consent.DESCRIPTIONS, versions=notice.history(),
                           grace_days=current_app.config.get("PRIVACY_ERASURE_GRACE_DAYS", 30))


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
