"""Shifts: planning at service points, booking with every rule, waitlists, calendars, schedules."""
from flask import Blueprint

# No url_prefix: the rules say their whole path, since a campaign's shift templates live under /campaigns/<slug>/.
bp = Blueprint("shifts", __name__)

from portal.shifts import labels as shifts_labels  # noqa: E402,F401  (declares the statuses its templates show)
from portal.shifts import routes_finder, routes_staff, routes_student  # noqa: E402,F401  (the routes register on bp)
