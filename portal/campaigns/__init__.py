"""Campaigns: organisers create and edit them; everyone sees the open ones."""
from flask import Blueprint

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")

from portal.campaigns import labels as campaigns_labels  # noqa: E402,F401  (declares the statuses its templates show)
from portal.campaigns import routes  # noqa: E402,F401  (the routes register on bp)
