"""Optional error reporting to Sentry (SENTRY_DSN), with personal data scrubbed before anything leaves.

An event keeps what a developer needs (the exception's type, its stack frames' files, functions and
lines, the endpoint, the request id) and loses what names a person: emails, names, phone numbers,
tokens, cookies, authorisation headers, request bodies, query strings and frames' local variables.
"""
from __future__ import annotations

import re

from flask import Flask, g, has_request_context

REDACTED = "[Filtered]"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Vietnamese numbers (0912 345 678, +84 912345678, 84-28-3823-4567) and any other run of 9+ digits.
PHONE = re.compile(r"(?<![\w.])\+?\d[\d .()-]{7,}\d(?![\w])")
# A long run of letters and digits with at least one digit: a signed link, a session or reset token, a key.
TOKEN = re.compile(r"(?<![\w-])(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{20,}(?:\.[A-Za-z0-9_-]+)*")
# PostgreSQL's DETAIL lines and SQLAlchemy's statement parameters repeat the values of the row.
DB_VALUES = [
    (re.compile(r"(Key \([^)]*\))=\(.*?\)(?= already exists| is not present|\s*$)", re.M), r"\1=(" + REDACTED + ")"),
    (re.compile(r"Failing row contains \(.*\)"), "Failing row contains (" + REDACTED + ")"),
    (re.compile(r"\[parameters: .*?\](?=\n|$)", re.S), "[parameters: " + REDACTED + "]"),
]
# Keys whose values are personal or secret, wherever they appear (form fields, extra data, cookies, headers).
SENSITIVE_KEY = re.compile(r"mail|name|phone|token|secret|passw|cookie|session|csrf|authori[sz]ation|otp|"
                           r"(^|_)(ip|address|key|code|birth|dob)($|_)", re.I)
# Contexts the SDK fills itself (interpreter, system, trace ids): nothing personal, kept as they are.
SDK_CONTEXTS = {"runtime", "os", "trace", "app", "device", "culture", "cloud_resource"}
KEEP_HEADERS = {"host", "content-type", "content-length", "accept", "accept-language", "hx-request", "x-request-id"}
# What the SDK may collect by itself: nothing about people (before_send scrubs what slips through anyway).
COLLECT = {"user_info": False, "cookies": {"mode": "off"}, "url_query_params": {"mode": "off"}, "http_bodies": [],
           "http_headers": {"request": {"mode": "allowlist", "terms": sorted(KEEP_HEADERS)}},
           "database_query_data": False, "queues": False, "stack_frame_variables": False,
           "graphql": {"document": False, "variables": False}, "gen_ai": {"inputs": False, "outputs": False}}


def init_app(app: Flask) -> bool:
    """Start the Sentry SDK when SENTRY_DSN is set (True), else do nothing at all (False)."""
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return False
    # lazy: the SDK is loaded only where error reporting is configured
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration

    # data_collection is this SDK's successor of send_default_pii=False (which it deprecates), and stricter:
    # no user, cookies, bodies, query strings, SQL values or frame variables are collected at all.
    sentry_sdk.init(dsn=dsn, environment=app.config["PORTAL_ENV"], release=app.config.get("SENTRY_RELEASE") or None,
                    integrations=[FlaskIntegration(transaction_style="url")], data_collection=COLLECT,
                    include_local_variables=False, max_request_body_size="never", traces_sample_rate=0,
                    before_send=scrub, before_breadcrumb=scrub_breadcrumb)
    return True


def scrub(event: dict, hint=None) -> dict:
    """before_send: remove every personal detail from an event, keeping the exception's type and frames."""
    known = _known_values(event)
    request = event.get("request")
    if isinstance(request, dict):
        event["request"] = {"method": request.get("method"), "url": _scrub_url(request.get("url") or ""),
                            "headers": {k: scrub_text(v, known) for k, v in (request.get("headers") or {}).items()
                                        if k.lower() in KEEP_HEADERS}}
    user = event.get("user")
    event["user"] = {"id": user["id"]} if isinstance(user, dict) and user.get("id") is not None else {}
    for exception in (event.get("exception") or {}).get("values") or []:
        exception["value"] = scrub_text(exception.get("value") or "", known)
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values") or []:
        for frame in (thread.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    logentry = event.get("logentry")
    if isinstance(logentry, dict):  # keep the message's template, not the values formatted into it
        event["logentry"] = {"message": scrub_text(logentry.get("message") or "", known), "params": []}
    if "message" in event:
        event["message"] = scrub_text(event["message"], known)
    for key in ("extra", "tags"):
        if key in event:
            event[key] = _deep(event[key], known)
    if isinstance(event.get("contexts"), dict):
        event["contexts"] = {k: v if k in SDK_CONTEXTS else _deep(v, known, k) for k, v in event["contexts"].items()}
    crumbs = event.get("breadcrumbs")
    if isinstance(crumbs, dict):
        crumbs["values"] = [scrub_breadcrumb(c, None, known) for c in crumbs.get("values") or []]
    if has_request_context() and g.get("request_id"):
        event.setdefault("tags", {})["request_id"] = g.request_id
    return event


def scrub_breadcrumb(crumb: dict, hint=None, known: tuple[str, ...] = ()) -> dict:
    """before_breadcrumb: keep a breadcrumb's kind and time; scrub its message and drop its data
    (SQL parameters, URLs with query strings)."""
    kept = {k: crumb[k] for k in ("type", "category", "level", "timestamp") if k in crumb}
    if crumb.get("message"):
        kept["message"] = scrub_text(str(crumb["message"]), known)
    return kept


def _known_values(event: dict) -> tuple[str, ...]:
    """The values of this event's personal fields (the user's email and name, a form's fields) and the
    signed-in person's name and email: erased wherever else they appear in the event's text."""
    found = set()

    def collect(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                collect(v, str(k))
        elif isinstance(value, (list, tuple)):
            for v in value:
                collect(v, key)
        elif isinstance(value, str) and key and SENSITIVE_KEY.search(key) and len(value) >= 3:
            found.add(value)

    request = event.get("request") if isinstance(event.get("request"), dict) else {}
    collect({"user": event.get("user"), "extra": event.get("extra"),
             "request": {k: v for k, v in request.items() if k != "env"}})  # env: the server's own name
    user = g.get("_login_user") if has_request_context() else None
    for attr in ("full_name", "email", "phone"):
        value = getattr(user, attr, None)
        if isinstance(value, str) and len(value) >= 3:
            found.add(value)
    return tuple(sorted(found, key=len, reverse=True))  # longest first: a name before its parts


def scrub_text(value, known: tuple[str, ...] = ()) -> str:
    """A string with known personal values, DB row values, emails, tokens and phone numbers replaced."""
    value = str(value)
    for item in known:
        value = value.replace(item, REDACTED)
    for pattern, replacement in DB_VALUES:
        value = pattern.sub(replacement, value)
    for pattern in (EMAIL, TOKEN):
        value = pattern.sub(REDACTED, value)
    return PHONE.sub(lambda m: REDACTED if sum(c.isdigit() for c in m.group()) >= 9 else m.group(), value)


def _deep(value, known: tuple[str, ...], key: str = ""):
    """A structure with sensitive keys' values replaced and every string scrubbed."""
    if key and SENSITIVE_KEY.search(key) and not isinstance(value, (dict, list)):
        return REDACTED
    if isinstance(value, dict):
        return {k: _deep(v, known, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_deep(v, known) for v in value]
    return scrub_text(value, known) if isinstance(value, str) else value


def _scrub_url(url: str) -> str:
    """The URL without its query string or fragment, with token-like path segments masked."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    return "/".join(REDACTED if TOKEN.fullmatch(part) or EMAIL.search(part) else part for part in path.split("/"))
