"""Public routes of the credential mechanism: the keys, the verification page, a code typed by hand."""
from __future__ import annotations

from flask import current_app, jsonify, make_response, request, url_for
from flask_babel import gettext as _

from portal import access, htmx
from portal.certificates import bp, codes, records, signing, verification
from portal.certificates.forms import CredentialFileForm, LookupForm
from portal.core import clock
from portal.core.urls import external_url
from portal.extensions import csrf, limiter


def _verify_limit():
    """The verification pages' shared rate limit, from the settings."""
    return current_app.config["RATELIMIT_VERIFY"]


def _lang() -> str | None:
    """The ?lang= a visitor chose, kept across our redirects (None: the default)."""
    asked = request.args.get("lang")
    return asked if asked in current_app.config["LANGUAGES"] else None


def _private(response):
    """Verification pages are not for search engines, caches or the next site's Referer."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/.well-known/jwks.json")
@access.public
@limiter.limit("120 per minute")
def jwks():
    """The public keys (current and retired) that verify our certificate signatures."""
    response = jsonify(signing.jwks())
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.route("/verify")
@access.public
@limiter.shared_limit(_verify_limit, scope="verify")
def lookup():
    """Type a code by hand: found codes go to their page, others get a clear message."""
    form = LookupForm(request.args)
    if "code" not in request.args:
        return _private(htmx.render("certificates/lookup.html", form=form))
    if form.validate():
        code = codes.normalise(form.code.data)
        if code:
            return _private(htmx.redirect(url_for("certificates.verify", code=code, lang=_lang())))
        form.code.errors.append(_bad_code_message())
    return _private(htmx.render("certificates/lookup.html", None, 422, form=form))


def _bad_code_message():
    """What a visitor is told when what they typed cannot be a code."""
    return _("That is not a certificate code: it has 16 letters and digits, such as 7KQ2-M9XD-4FHT-PW3R.")


@bp.route("/verify/file", methods=["GET", "POST"])
@access.public
@csrf.exempt  # reads only: the file is checked and forgotten, and the page sets no cookie
@limiter.shared_limit(_verify_limit, scope="verify")
@limiter.limit(lambda: current_app.config["RATELIMIT_VERIFY_FILE"], methods=["POST"])
def verify_file():
    """Check a credential file (its Open Badges JSON or its PDF) offline: key, signature, dates and status."""
    form = CredentialFileForm()
    if request.method == "GET":
        return _private(htmx.render("certificates/file_check.html", form=form, report=None))
    report = None
    if form.validate():
        try:
            report = verification.verify(verification.read_file(form.file.data.read(verification.MAX_BYTES + 1)))
        except verification.Unreadable:
            form.file.errors.append(_("This file is not a credential: choose the .json file or the certificate's PDF."))
    return _private(htmx.render("certificates/file_check.html", None, 200 if report else 422, form=form,
                                report=report, checked_at=clock.local_now()))


@bp.route("/verify/<code>")
@access.public
@limiter.shared_limit(_verify_limit, scope="verify")
def verify(code):
    """The public status of a certificate: valid, revoked, superseded or not found. No JavaScript needed."""
    credential = records.public_record(code)
    if credential is None:
        return _private(htmx.render("certificates/verify.html", None, 404, credential=None, code=code[:40],
                                    form=LookupForm(), checked_at=clock.local_now()))
    if credential.code != code:  # typed in lower case or with hyphens: the one canonical address
        return _private(htmx.redirect(url_for("certificates.verify", code=credential.code, lang=_lang())))
    replacement = records.replacement_of(credential) if credential.status == "superseded" else None
    return _private(htmx.render("certificates/verify.html", credential=credential, claims=credential.claims,
                                replacement=replacement, form=LookupForm(), checked_at=clock.local_now(),
                                masked=records.masked_name(credential.claims["name"]),
                                key_state=records.key_state(credential.kid),
                                jwks_url=external_url("certificates.jwks")))


@bp.route("/verify/<code>/holder", methods=["POST"])
@access.public
@csrf.exempt  # reads only; POST keeps the token out of URLs and logs, and the page sets no cookie
@limiter.shared_limit(_verify_limit, scope="verify")
def holder(code):
    """The full name, for whoever holds the token from the QR code (sent from the page's #fragment)."""
    credential = records.public_record(code)
    if credential is None:
        return _private(make_response("", 404))
    matches = records.token_matches(credential, request.form.get("token", ""))
    return _private(htmx.render("certificates/partials/holder.html", credential=credential, claims=credential.claims,
                                matches=matches, checked=True, masked=records.masked_name(credential.claims["name"])))

