"""The words and colours of a job run's status."""
from portal.core import statuses
from portal.i18n import lazy_text as _l

statuses.declare("job_run", {
    "queued": (_l("In the queue"), "draft"),
    "running": (_l("Running"), "pending"),
    "retrying": (_l("Waiting to retry"), "pending"),
    "done": (_l("Job done"), "open"),
    "failed": (_l("Job failed"), "failed"),
})
