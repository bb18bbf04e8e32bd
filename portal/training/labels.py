"""Translated names and tones of the training statuses, shown with the status_tag macro."""
from portal.core import statuses
from portal.i18n import lazy_text as _l

# A student's status on a module (portal.training.services.STATUSES).
TRAINING = statuses.declare("training", {
    "not_started": (_l("Not started"), "draft"),
    "read": (_l("Read"), "pending"),
    "ready": (_l("Ready for sign-off"), "role"),
    "completed": (_l("Completed"), "open"),
    "expired": (_l("Expired"), "closed"),
})

# A registered student's attendance of a training session, as the trainer's roster shows and filters it.
SESSION_ATTENDANCE = statuses.declare("session_attendance", {
    "unmarked": (_l("Not marked yet"), "draft"),
    "present": (_l("Present"), "open"),
    "absent": (_l("Absent"), "closed"),
})

# A module organisers took out of use (its completions are kept).
MODULE = statuses.declare("training_module", {
    "retired": (_l("Retired"), "closed"),
})
