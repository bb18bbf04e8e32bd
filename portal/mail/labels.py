"""Translated names of the outbox's statuses, shown as tags and in the filter."""
from portal.core import statuses
from portal.i18n import lazy_text as _l

statuses.declare("mail", {
    "pending": (_l("Waiting"), "pending"),
    "sent": (_l("Sent"), "sent"),
    "failed": (_l("Failed"), "failed"),
})
