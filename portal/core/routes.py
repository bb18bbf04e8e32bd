"""The language switch, the health checks and the monitoring figures."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, request, session
from flask_login import current_user

from portal import access, htmx
from portal.core import metrics
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
    """Readiness: the database, Redis (when configured) and the job queue's age; 503 when one fails."""
    report, healthy = metrics.health()
    return report, 200 if healthy else 503, {"Cache-Control": "no-store"}


@bp.route("/metrics")
@access.public
def prometheus():
    """Prometheus figures, for a scraper holding METRICS_TOKEN as its bearer token (404 when none is set)."""
    if not current_app.config.get("METRICS_TOKEN"):
        abort(404)
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not metrics.token_matches(given.strip()):
        return "unauthorised\n", 401, {"WWW-Authenticate": 'Bearer realm="metrics"', "Content-Type": "text/plain"}
    body, content_type = metrics.exposition()
    return body, 200, {"Content-Type": content_type, "Cache-Control": "no-store"}
