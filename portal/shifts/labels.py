"""Translated names and tones of the shift and booking statuses, shown with the status_tag macro."""
from portal.core import statuses
from portal.i18n import lazy_text as _l

# A student's own shift, as My shifts, the shift's page and the booking widget show it (shift_page.MyShift.status,
# and "from_waitlist" for a booking the waitlist made). A waitlist place shows its number instead.
MY_SHIFT = statuses.declare("my_shift", {
    "booked": (_l("Booked"), "open"),
    "from_waitlist": (_l("Booked from the waitlist"), "open"),
    "checked_in": (_l("Present"), "open"),
    "served": (_l("Served"), "open"),
    "over": (_l("Booked"), "open"),
    "cancelled": (_l("You cancelled"), "closed"),
    "released": (_l("Released by your leader"), "closed"),
    "shift_cancelled": (_l("Cancelled by the organisers"), "closed"),
})

# How a shift is staffed, on a point's schedule for its leaders.
STAFFING = statuses.declare("shift_staffing", {
    "cancelled": (_l("Cancelled"), "closed"),
    "understaffed": (_l("Understaffed"), "pending"),
    "full": (_l("Full"), "open"),
})

# A shift a template would create, in the organiser's preview.
PLANNED_SHIFT = statuses.declare("planned_shift", {
    "exists": (_l("Exists"), "draft"),
    "new": (_l("New"), "open"),
})
