"""Helpers for URLs that come from the visitor."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, has_request_context, request, url_for

from portal import access


def safe_next(target: str | None) -> str:
    """Follow a `next` parameter only to a path on this site, never to another host."""
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and not any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target)):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("home.index")


def external_url(endpoint: str, **values) -> str:
    """An absolute link for emails, QR codes and calendars.

    BASE_URL when set (required in production, so a forged Host header cannot steer links);
    on a developer machine without it, the address the request came to.
    """
    base = current_app.config["BASE_URL"]
    if not base:
        base = request.url_root.rstrip("/") if has_request_context() else "http://127.0.0.1:5000"
    if has_request_context():
        return base + url_for(endpoint, **values)
    # Commands and workers have no request: build the path from the URL map directly.
    return base + current_app.url_map.bind("localhost").build(endpoint, values)


def moved(bp, old_rule: str, new_rule: str, methods: tuple[str, ...] = ("GET",)) -> None:
    """Keep an old address working: the URL map answers it with a permanent redirect (308, so a
    form's POST follows too) to `new_rule`, an absolute path with the same placeholders."""
    bp.add_url_rule(old_rule, endpoint="moved", view_func=_never_runs, redirect_to=new_rule, methods=list(methods))


@access.public
def _never_runs(**_values):
    """The endpoint of moved addresses: the URL map redirects before any view is called."""
    abort(404)
