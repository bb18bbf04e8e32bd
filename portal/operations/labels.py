"""Translated names and tones of the operations statuses, shown with the status_tag macro."""
from portal.core import statuses
from portal.i18n import lazy_text as _l

# A volunteer's attendance of one shift, as their ledger and Today's row show it.
ATTENDANCE = statuses.declare("attendance", {
    "present": (_l("Present"), "open"),
    "no_show": (_l("No-show"), "closed"),
    "expected": (_l("Not recorded yet"), "draft"),
})

# Where a citizen's feedback stands.
FEEDBACK = statuses.declare("feedback", {
    "new": (_l("New"), "pending"),
    "forwarded": (_l("Forwarded"), "role"),
    "resolved": (_l("Resolved"), "open"),
})
