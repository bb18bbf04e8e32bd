"""Reports: the dashboard, weekly and monthly reports with their comparisons, and exports."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from portal.reports import models, routes, tasks  # noqa: E402,F401  (routes on bp, jobs on the queue)
