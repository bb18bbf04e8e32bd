"""Training: modules, quizzes, sessions and trainer sign-off, and the gate shift booking calls."""
from flask import Blueprint

bp = Blueprint("training", __name__, url_prefix="/training")

from portal.training import routes_admin, routes_roster, routes_sessions, routes_student  # noqa: E402,F401
