"""Team board: a point's board of short updates, who has seen them, and a leader's messages to a shift."""
from flask import Blueprint

bp = Blueprint("teamboard", __name__)

from portal.teamboard import labels, models, routes, routes_messages, tasks  # noqa: E402,F401  (routes register on bp)
