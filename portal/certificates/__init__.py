"""Certificates: eligibility, issuing, the PDF, public verification, revocation and correction."""
from datetime import date

from flask import Blueprint

from portal.i18n import lazy_text as _l

bp = Blueprint("certificates", __name__)


@bp.app_template_filter("isodate")
def isodate(value: str) -> str:
    """A signed ISO date (yyyy-mm-dd) as printed: dd/mm/yyyy."""
    return date.fromisoformat(value).strftime("%d/%m/%Y")


@bp.app_template_filter("pretty_code")
def pretty_code(value: str) -> str:
    """A certificate code in its printed groups: 7KQ2-M9XD-4FHT-PW3R."""
    from portal.certificates.codes import pretty

    return pretty(value)


@bp.app_template_global("chrome")
def chrome(part: str):
    """The public pages' head links, masthead or footer: the same for every visitor in a language,
    so rendered once per language and kept (re-rendered each time in debug, where templates change)."""
    from flask import current_app, render_template
    from markupsafe import Markup

    from portal.i18n import current_locale

    key = (part, current_locale())
    cache = current_app.extensions.setdefault("certificate_chrome", {})
    if key not in cache or current_app.debug:
        cache[key] = Markup(render_template(f"certificates/chrome/{part}.html"))
    return cache[key]


FIELD_LABELS = {
    "awarded_to": _l("Awarded to"), "school": _l("School"), "campaign": _l("Campaign"),
    "organisers": _l("Organisers"), "dates": _l("Campaign dates"), "hours": _l("Attended hours"),
    "shifts": _l("Shifts"), "points": _l("Points served"), "issued": _l("Issued on"),
    "code": _l("Certificate code"), "signed_by": _l("Signed by"), "host": _l("Host organisation"),
    "document": _l("Document"), "kind_participation": _l("Certificate of participation"),
    "kind_referral": _l("Internship referral letter"), "kind_commendation": _l("Commendation"),
    "valid_participation": _l("Valid certificate"), "valid_referral": _l("Valid referral letter"),
    "valid_commendation": _l("Valid commendation"),
}


# The public reason for a revocation, by category (the organiser's own words stay private).
REVOKE_CATEGORY_LABELS = {
    "issued_in_error": _l("issued in error"),
    "not_eligible": _l("the conditions for it were not met"),
    "misconduct": _l("a breach of the campaign's rules"),
    "holder_request": _l("at the holder's request"),
    "holder_withdrew": _l("withdrawn at the holder's request (their data was erased)"),
    "other": _l("another reason, recorded by the organisers"),
}

FIELD_LABELS.update({
    "banner_revoked": _l("Revoked"), "banner_superseded": _l("Superseded"), "banner_unknown": _l("Not found"),
})


@bp.app_context_processor
def revocation_labels():
    """The public names of the revocation categories, for the certificate pages."""
    return {"revoke_labels": REVOKE_CATEGORY_LABELS}


@bp.app_template_global("field_labels")
def field_labels(lang: str | None = None) -> dict[str, str]:
    """The names of a certificate's printed fields and statuses in a language (the current one by
    default), translated once per language."""
    from flask import current_app
    from flask_babel import force_locale

    from portal.i18n import current_locale

    cache = current_app.extensions.setdefault("certificate_labels", {})
    lang = lang or current_locale()
    if lang not in cache:
        with force_locale(lang):
            cache[lang] = {key: str(label) for key, label in FIELD_LABELS.items()}
    return cache[lang]


from portal.certificates import routes  # noqa: E402,F401
