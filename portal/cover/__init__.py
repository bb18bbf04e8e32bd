"""Cover and swaps: a booked student who cannot come asks colleagues to take the seat, or two students swap."""
from flask import Blueprint

bp = Blueprint("cover", __name__, url_prefix="/cover")

from portal.cover import labels as cover_labels  # noqa: E402,F401  (declares the statuses its templates show)
from portal.cover import (  # noqa: E402,F401  (the tables, routes and jobs register on import)
    models,
    routes_staff,
    routes_student,
    tasks,
)
