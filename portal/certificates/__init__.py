"""Certificates: eligibility, issuing, the PDF, public verification, revocation and correction."""
from datetime import date

from flask import Blueprint, current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup

from portal.certificates import codes, verification
from portal.certificates.labels import FIELD_LABELS, REVOKE_CATEGORY_LABELS
from portal.i18n import current_locale, format_datetime_local

bp = Blueprint("certificates", __name__)


@bp.app_template_filter("isodate")
def isodate(value: str) -> str:
    """A signed ISO date (yyyy-mm-dd) as printed: dd/mm/yyyy."""
    return date.fromisoformat(value).strftime("%d/%m/%Y")


@bp.app_template_filter("iso_instant")
def iso_instant(value) -> str:
    """A credential's XML Schema dateTime as a Hanoi date and time (dd/mm/yyyy HH:MM), or as it was written."""
    moment = verification.instant(value)
    return format_datetime_local(moment) if moment else str(value or "")


@bp.app_template_filter("pretty_code")
def pretty_code(value: str) -> str:
    """A certificate code in its printed groups: 7KQ2-M9XD-4FHT-PW3R."""
    return codes.pretty(value)


@bp.app_template_global("chrome")
def chrome(part: str):
    """The public pages' head links, masthead or footer: the same for every visitor in a language,
    so rendered once per language and kept (re-rendered each time in debug, where templates change)."""
    key = (part, current_locale())
    cache = current_app.extensions.setdefault("certificate_chrome", {})
    if key not in cache or current_app.debug:
        cache[key] = Markup(render_template(f"certificates/chrome/{part}.html"))
    return cache[key]


@bp.app_context_processor
def revocation_labels():
    """The public names of the revocation categories, for the certificate pages."""
    return {"revoke_labels": REVOKE_CATEGORY_LABELS}


@bp.app_template_global("field_labels")
def field_labels(lang: str | None = None) -> dict[str, str]:
    """The names of a certificate's printed fields and statuses in a language (the current one by
    default), translated once per language."""
    cache = current_app.extensions.setdefault("certificate_labels", {})
    lang = lang or current_locale()
    if lang not in cache:
        with force_locale(lang):
            cache[lang] = {key: str(label) for key, label in FIELD_LABELS.items()}
    return cache[lang]


from portal.certificates import routes, routes_admin, routes_public, routes_student  # noqa: E402,F401  (the routes register on bp)
