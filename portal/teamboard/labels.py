"""The words and colours of what became of a shift message for one volunteer."""
from portal.core import statuses
from portal.i18n import lazy_text as _l

statuses.declare("shift_message_outcome", {
    "notified": (_l("Inbox, email and phone"), "open"),
    "inbox_opted_out": (_l("Inbox only: turned leader messages off"), "closed"),
    "inbox_capped": (_l("Inbox only: daily limit reached"), "pending"),
})
