"""The words and colours of a guide's status, the one label source for every guides page."""
from portal.core import statuses
from portal.i18n import lazy_text as _l

GUIDE_STATUSES = statuses.declare("guide", {
    "draft": (_l("Draft"), "draft"),
    "in_review": (_l("Waiting for review"), "pending"),
    "published": (_l("Published"), "active"),
    "retired": (_l("Retired"), "inactive"),
})
