"""Rosters: the printable sheets of a shift and of a point's day, and a leader's week on one page (HTML and PDF)."""
from flask import Blueprint

bp = Blueprint("rosters", __name__)

from portal.rosters import routes  # noqa: E402,F401  (the routes register on bp)
