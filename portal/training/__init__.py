"""Training: modules, quizzes, sessions and trainer sign-off, and the gate shift booking calls."""
from flask import Blueprint

# No url_prefix: the rules say their whole path, since a campaign's training settings live under /campaigns/<slug>/.
bp = Blueprint("training", __name__)

from portal.training import labels as training_labels  # noqa: E402,F401  (declares the statuses its templates show)
from portal.training import routes_admin, routes_roster, routes_sessions, routes_student  # noqa: E402,F401  (the routes register on bp)
