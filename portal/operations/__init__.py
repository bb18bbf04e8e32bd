"""Operations: the team leader's day at a point (attendance, tasks, hours)."""
from flask import Blueprint

bp = Blueprint("operations", __name__)

from portal.operations import labels, routes, routes_log, routes_today  # noqa: E402,F401  (the routes register on bp)
