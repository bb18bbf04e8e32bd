"""Campaigns: organisers create and edit them; everyone sees the open ones."""
from flask import Blueprint

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")

from portal.campaigns import routes  # noqa: E402,F401
