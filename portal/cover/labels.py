"""Translated names and tones of the cover request and swap proposal statuses (the status_tag macro shows them)."""
from portal.core import statuses
from portal.i18n import lazy_text as _l

COVER_REQUEST = statuses.declare("cover_request", {
    "open": (_l("Looking for cover"), "pending"),
    "taken": (_l("Covered by a colleague"), "open"),
    "withdrawn": (_l("Request withdrawn"), "closed"),
    "closed": (_l("Closed without cover"), "inactive"),
})

SWAP_PROPOSAL = statuses.declare("swap_proposal", {
    "proposed": (_l("Waiting for an answer"), "pending"),
    "accepted": (_l("Swapped"), "open"),
    "declined": (_l("Swap declined"), "closed"),
    "withdrawn": (_l("Proposal withdrawn"), "closed"),
    "closed": (_l("Out of date"), "inactive"),
})
