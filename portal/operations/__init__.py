"""Operations: the team leader's day at a point (attendance, tasks, hours)."""
from flask import Blueprint

bp = Blueprint("operations", __name__, url_prefix="/operations")

from portal.operations import routes, routes_log, routes_today  # noqa: E402,F401
