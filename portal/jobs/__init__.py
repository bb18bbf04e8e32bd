"""Background jobs: the queue every domain declares its jobs on, the worker that runs them, and the
organisers' page of what they did ("Công việc nền")."""
from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/admin/jobs")

from portal.jobs import labels as jobs_labels  # noqa: E402,F401  (declares the run statuses at start)
from portal.jobs import routes, tasks  # noqa: E402,F401  (the page registers on bp; the prune job on the queue)
