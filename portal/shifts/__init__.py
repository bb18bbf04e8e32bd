"""Shifts: planning at service points, booking with every rule, waitlists, calendars, schedules."""
from flask import Blueprint

bp = Blueprint("shifts", __name__, url_prefix="/shifts")

from portal.shifts import routes_finder, routes_staff, routes_student  # noqa: E402,F401
