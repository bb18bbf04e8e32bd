"""How a notice's text reads in the inbox: its addresses become short links instead of long lines."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app, request
from markupsafe import Markup, escape

from portal.i18n import lazy_text as _l
from portal.notifications import bp

URL = re.compile(r"https?://[^\s<>\"']+")
TRAILING = ".,;:!?)"  # sentence punctuation after an address is not part of it


def _own_host() -> str:
    """The portal's own host: BASE_URL's, else the one the request came to."""
    base = current_app.config.get("BASE_URL") or request.host_url
    return urlsplit(base).netloc


@bp.app_template_filter("notice_body")
def notice_body(text: str) -> Markup:
    """The text escaped, each http(s) address a link labelled "Open the page" (ours) or by its site (others')."""
    parts, last, own = [], 0, _own_host()
    for found in URL.finditer(text or ""):
        url = found.group(0).rstrip(TRAILING)
        host = urlsplit(url).netloc
        label = _l("Open the page") if host == own else host.removeprefix("www.")
        parts.append(escape(text[last:found.start()]))
        parts.append(Markup('<a href="{0}" rel="noopener noreferrer">{1}</a>').format(url, label))
        last = found.start() + len(url)
    parts.append(escape((text or "")[last:]))
    return Markup("").join(parts)
