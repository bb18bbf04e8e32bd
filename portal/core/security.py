"""Security headers on every response."""
from __future__ import annotations

from flask import abort, current_app
from flask import request as current
from flask_login import current_user

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def reject_nul(request=None):
    """before_request hook: a NUL character is never meaningful text, and PostgreSQL refuses it.

    Refuse it up front with a 400 page, rather than failing deep in a query.
    """
    req = request or current
    values = list(req.args.values()) + (list(req.form.values()) if req.method in ("POST", "PUT", "PATCH") else [])
    if any("\x00" in value for value in values) or "\x00" in req.path:
        abort(400)


HSTS = "max-age=31536000; includeSubDomains"


def add_headers(response):
    """after_request hook: CSP without inline scripts, and the usual hardening headers.

    Pages for a signed-in person show personal data: no cache (browser, proxy, back button after
    logging out) may keep them. An https deployment tells browsers never to use plain http.
    """
    headers = response.headers
    if current.endpoint != "static" and current_user.is_authenticated:
        headers["Cache-Control"] = "private, no-store"
    if current_app.config.get("BASE_URL", "").startswith("https://"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
    return response
