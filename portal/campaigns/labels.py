"""Translated names and tones of the campaign statuses, shown with the status_tag macro."""
from portal.core import statuses
from portal.i18n import lazy_text as _l

# Where a campaign stands: drafts are seen by organisers only; students join open ones.
STATUSES = statuses.declare("campaign", {
    "draft": (_l("Draft"), "draft"),
    "open": (_l("Open"), "open"),
    "closed": (_l("Closed"), "closed"),
})
