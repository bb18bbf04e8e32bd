"""Reminders: the evening before and shortly before a shift, "still coming?" with a seat given up at once,
the leaders' view of the answers, and the follow-up of missed shifts with a pause after repeated no-shows."""
from flask import Blueprint

bp = Blueprint("reminders", __name__, cli_group="reminders")

from portal.reminders import (  # noqa: E402,F401
    commands,  # noqa: E402,F401  (flask reminders send --at …)
    routes,
    routes_staff,
    tasks,  # noqa: E402,F401  (the periodic jobs on the queue)
)
from portal.reminders import labels as reminders_labels  # noqa: E402,F401  (the answers' statuses)
