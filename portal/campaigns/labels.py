"""Translated names of campaign values."""
from portal.i18n import lazy_text as _l

STATUS_LABELS = {
    "draft": _l("Draft"),
    "open": _l("Open"),
    "closed": _l("Closed"),
}
