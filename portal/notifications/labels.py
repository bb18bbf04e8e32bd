"""The words and colours of a notice's delivery on one channel."""
from portal.core import statuses
from portal.i18n import lazy_text as _l

statuses.declare("delivery", {
    "pending": (_l("Waiting to go out"), "draft"),
    "sent": (_l("Delivered to the channel"), "open"),
    "failed": (_l("Could not be delivered"), "failed"),
    "skipped": (_l("Not sent on this channel"), "closed"),
})

CHANNEL_NAMES = {
    "inbox": _l("In the portal"),
    "email": _l("Email"),
    "push": _l("Phone notification"),
}

statuses.declare("notice", {
    "unread": (_l("New"), "draft"),
    "read": (_l("Read"), "closed"),
})
