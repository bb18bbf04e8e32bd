"""The privacy pages' statuses, each declared once with its words and tone (templates show them with
`status_tag`, templates/macros/status.html)."""
from portal.core import statuses
from portal.i18n import lazy_text as _l

# A person's request about their data (DataRequest.status).
REQUEST_STATUSES = statuses.declare("data_request", {
    "new": (_l("New"), "pending"), "in_progress": (_l("In progress"), "role"),
    "done": (_l("Done"), "active"), "refused": (_l("Refused"), "closed"),
})
# A breach record (BreachRecord.status): an open breach is an alarm; a notified or closed one is settled.
BREACH_STATUSES = statuses.declare("breach", {
    "open": (_l("Open"), "failed"), "notified": (_l("Notified"), "sent"), "closed": (_l("Closed"), "active"),
})
# Where a legal deadline stands (privacy_requests.deadline_state, breach.deadline).
DEADLINE_STATES = statuses.declare("privacy_deadline", {
    "overdue": (_l("Overdue"), "failed"), "due_soon": (_l("Due soon"), "pending"),
    "late": (_l("Met late"), "failed"), "met": (_l("Met"), "active"), "ok": (_l("On time"), "active"),
})
# One optional consent, as the person sees it on "My data".
CONSENT_STATES = statuses.declare("consent", {
    "given": (_l("You agree"), "open"), "not_given": (_l("You do not agree"), "inactive"),
})
# The account a request is about, once it is no longer open.
ACCOUNT_STATES = statuses.declare("account_closure", {
    "closed": (_l("Account closed"), "inactive"), "erased": (_l("Erased"), "inactive"),
})
