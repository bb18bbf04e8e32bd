"""Guides to online public services for citizens at the points: organisers write and review them, anyone reads
them on a phone without an account, and each point prints posters whose QR codes count scans per point and day."""
from flask import Blueprint

bp = Blueprint("guides", __name__)

from portal.guides import (  # noqa: E402,F401  (routes register on bp)
    models,
    routes_admin,
    routes_point,
    routes_posters,
    routes_public,
)
