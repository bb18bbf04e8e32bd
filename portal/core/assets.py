"""Static files under content-hashed addresses, so browsers and proxies may keep them for a year.

`url_for('static', filename='css/app.css')` becomes `/static/css/app.css?v=<12 hex of its sha256>`: a
new file content is a new address. Each file is hashed once per process (a deploy restarts the
processes); in development the file's size and time are checked on each use, so an edited file shows
at once. A static answer whose `v` is the file's current version may be kept for a year, unchanged;
any other (no `v`, or another server's older or newer version during a rolling deploy) is revalidated.
"""
from __future__ import annotations

import hashlib
import os

from flask import Flask, current_app, request

IMMUTABLE = "public, max-age=31536000, immutable"
VERSION_LENGTH = 12


def init_app(app: Flask) -> None:
    """Version every static address this app builds, and let versioned answers be cached."""
    app.extensions["static_versions"] = {}
    app.url_defaults(add_version)
    app.after_request(cache_versioned)


def version_of(filename: str) -> str | None:
    """The first 12 hex digits of the file's sha256 (None when it does not exist), cached per process."""
    cache = current_app.extensions["static_versions"]
    folder = current_app.static_folder
    path = os.path.join(folder, filename)
    watch = current_app.debug or current_app.config.get("PORTAL_ENV") == "development"
    if not watch and filename in cache:
        return cache[filename][1]
    try:
        stat = os.stat(path)
    except (OSError, ValueError):
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = cache.get(filename)
    if cached and cached[0] == stamp:
        return cached[1]
    if not os.path.realpath(path).startswith(os.path.realpath(folder) + os.sep):
        return None  # never hash a file outside the static folder
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    cache[filename] = (stamp, digest.hexdigest()[:VERSION_LENGTH])
    return cache[filename][1]


def add_version(endpoint: str, values: dict) -> None:
    """url_defaults hook: give a static address its `v` (its content's version)."""
    if endpoint != "static" or "v" in values or not values.get("filename"):
        return
    version = version_of(values["filename"])
    if version:
        values["v"] = version


def cache_versioned(response):
    """after_request hook: a static file asked for at its current version may be kept for a year."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    wanted = request.args.get("v")
    if wanted and wanted == version_of(filename):
        response.headers["Cache-Control"] = IMMUTABLE
        response.expires = None  # Cache-Control rules; no second, differing lifetime
    return response
