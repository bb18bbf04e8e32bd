"""The one module that knows htmx's request and response headers, and the one way a view answers."""
from __future__ import annotations

import json

from flask import flash, make_response, render_template
from flask import redirect as flask_redirect

from portal.extensions import htmx as _htmx


def is_htmx() -> bool:
    """Tell whether the request was made by htmx (boosted and history requests included)."""
    return bool(_htmx)


def is_fragment_request() -> bool:
    """A fragment is due only for an htmx request that is neither boosted nor a history restore."""
    return is_htmx() and not _htmx.boosted and not _htmx.history_restore_request


def answer(fragment: str | None = None, /, *, page_template: str | None = None, redirect_to: str | None = None,
           status_code: int = 200, flash_message=None, flash_category: str = "success", event: str | None = None,
           event_detail=None, **context):
    """The one way a view answers, so no view asks which kind of request it has.

    An htmx fragment request gets `fragment` rendered with `context` (and `event` triggered), or,
    when there is no fragment, a client redirect to `redirect_to`. Any other request gets a 303 to
    `redirect_to` with `flash_message` shown there, or else the whole `page_template` with `context`.
    """
    if is_fragment_request() and fragment:
        response = make_response(render_template(fragment, **context), status_code)
        return trigger(response, event, event_detail) if event else response
    if redirect_to is not None:
        if flash_message:  # shown by the page the browser lands on, after a 303 or htmx's full reload
            flash(str(flash_message), flash_category)
        return client_redirect(redirect_to, status_code) if is_fragment_request() else flask_redirect(redirect_to, 303)
    return make_response(render_template(page_template or fragment, **context), status_code)


def render(page_template: str, partial: str | None = None, status: int = 200, /, **context):
    """Render the partial for a fragment request, else the whole page (a GET, or a POST re-shown with errors)."""
    return answer(partial, page_template=page_template, status_code=status, **context)


def redirect(url: str, flash_message=None, flash_category: str = "success", status: int = 200):
    """Go to `url` after a request: HX-Redirect for htmx, 303 See Other otherwise, with an optional message."""
    return answer(redirect_to=url, status_code=status, flash_message=flash_message, flash_category=flash_category)


def navigate(url: str, status: int = 200):
    """For request hooks (sign-in, two-factor, re-consent): send any htmx request, boosted ones too, to `url`
    with a full page load; a plain request gets a 302."""
    return client_redirect(url, status) if is_htmx() else flask_redirect(url)


def client_redirect(url: str, status: int = 200):
    """Ask htmx to navigate to `url` (a full page load)."""
    response = make_response("", status)
    response.headers["HX-Redirect"] = url
    return response


def trigger(response, event: str, detail=None):
    """Add an htmx event (kebab-case, past tense) to a response."""
    events = json.loads(response.headers.get("HX-Trigger", "{}") or "{}")
    events[event] = detail if detail is not None else True
    response.headers["HX-Trigger"] = json.dumps(events)
    return response


def add_vary(response):
    """after_request hook: a cache must not serve a fragment for a page, or the reverse."""
    response.vary.add("HX-Request")
    return response


def retarget(response, selector: str, swap: str = "innerHTML"):
    """Have htmx swap this response into `selector` instead of the element that asked."""
    response.headers["HX-Retarget"] = selector
    response.headers["HX-Reswap"] = swap
    return response
