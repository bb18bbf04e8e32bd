"""Translated names and tones of the reminders' statuses, shown with the status_tag macro."""
from portal.core import statuses
from portal.i18n import lazy_text as _l

# A booked volunteer's answer to "still coming?", as the shift's leaders see it.
ANSWER = statuses.declare("reminder_answer", {
    "coming": (_l("Coming, confirmed"), "open"),
    "waiting": (_l("Not answered yet"), "draft"),
    "released": (_l("Gave up the seat"), "closed"),
})

# A student's self-booking in a campaign after repeated no-shows.
PAUSE = statuses.declare("booking_pause", {
    "paused": (_l("Self-booking paused"), "closed"),
    "lifted": (_l("Pause lifted"), "open"),
    "none": (_l("Can book"), "inactive"),
})
