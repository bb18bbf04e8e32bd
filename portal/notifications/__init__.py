"""Notifications: an inbox in the portal, and the channels that carry each notice out (email, Web Push)."""
from flask import Blueprint

bp = Blueprint("notifications", __name__, cli_group=None)  # `flask vapid-keys`, not `flask notifications ...`

from portal.notifications import cli, display, routes, routes_preferences, routes_pwa, tasks  # noqa: E402,F401
from portal.notifications import labels as notifications_labels  # noqa: E402,F401  (the delivery statuses)
