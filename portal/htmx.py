"""The one module that knows htmx's request and response headers."""
from __future__ import annotations

import json

from flask import make_response, render_template
from flask import redirect as flask_redirect

from portal.extensions import htmx as _htmx


def is_htmx() -> bool:
    """Tell whether the request was made by htmx."""
    return bool(_htmx)


def is_fragment_request() -> bool:
    """A fragment is due only for an htmx request that is neither boosted nor a history restore."""
    return is_htmx() and not _htmx.boosted and not _htmx.history_restore_request


def render(page_template: str, partial: str | None = None, status: int = 200, /, **context):
    """Render the partial for a fragment request, else the whole page."""
    template = partial if partial and is_fragment_request() else page_template
    return make_response(render_template(template, **context), status)


def client_redirect(url: str, status: int = 200):
    """Ask htmx to navigate to `url` (a full page load)."""
    response = make_response("", status)
    response.headers["HX-Redirect"] = url
    return response


def redirect(url: str):
    """Redirect after a non-GET: HX-Redirect for htmx, 303 See Other otherwise."""
    if is_fragment_request():
        return client_redirect(url)
    return flask_redirect(url, code=303)


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
