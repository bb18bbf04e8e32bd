"""Helpers for URLs that come from the visitor."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for


def safe_next(target: str | None) -> str:
    """Follow a `next` parameter only to a path on this site, never to another host."""
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and not any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target)):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("core.home")
