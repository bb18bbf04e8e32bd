"""Helpers for URLs that come from the visitor."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for


def safe_next(target: str | None) -> str:
    """Follow a `next` parameter only to a path on this site, never to another host."""
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and not any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target)):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("core.home")


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
