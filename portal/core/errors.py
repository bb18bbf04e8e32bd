"""Error pages in the visitor's language: whole pages, or fragments for htmx requests."""
from __future__ import annotations

from flask import make_response, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal import htmx
from portal.core import input_guard
from portal.extensions import db
from portal.i18n import lazy_text as _l

MESSAGES = {
    400: (_l("Something in the request was not right"), _l("Go back, check what you entered and try again.")),
    403: (_l("You do not have access to this page"),
          _l("If you think you should, ask the campaign organisers to give your account the right role.")),
    404: (_l("Page not found"), _l("Check the address, or go back to the home page.")),
    405: (_l("This action is not allowed here"), _l("Go back and use the buttons on the page.")),
    413: (_l("The file is too large"), _l("Upload a file of at most 5 MB; split a large sheet into smaller ones.")),
    429: (_l("Too many attempts"), _l("For your safety we paused this for a moment. Wait a minute, then try again.")),
    500: (_l("Sorry, something went wrong on our side"),
          _l("Nothing you entered was saved. Try again in a few minutes; if it keeps happening, "
             "tell the organisers.")),
}


def _page(code: int, title=None, detail=None):
    """Render the error page (or its fragment) with status `code`."""
    default_title, default_detail = MESSAGES.get(code, MESSAGES[500])
    context = {"code": code, "title": title or default_title, "detail": detail or default_detail}
    if htmx.is_fragment_request():
        # Shown in the page's error region, whatever element made the request.
        response = make_response(render_template("errors/partials/error.html", **context), code)
        return htmx.retarget(response, "#htmx-errors")
    return render_template("errors/error.html", **context), code


def handle_http(error: HTTPException):
    """Known HTTP errors; a refusal that says more (input_guard.BadInput) brings its own words."""
    return _page(error.code or 500, getattr(error, "title", None), getattr(error, "detail", None))


def handle_csrf(error: CSRFError):
    """A missing or stale form token, usually an old tab: say what to do."""
    return _page(
        400,
        _l("This form has expired"),
        _l("Reload the page and submit the form again. Nothing was saved."),
    )


def handle_500(error):
    """Unexpected errors: undo the half-done transaction and apologise."""
    db.session.rollback()
    return _page(500)


def init_app(app) -> None:
    """Register the handlers, and the guard that turns malformed input into a 400 page."""
    input_guard.init_app(app)
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(InternalServerError, handle_500)
