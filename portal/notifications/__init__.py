"""Notifications: an inbox in the portal, and the channels that carry each notice out (email, Web Push)."""
from flask import Blueprint

bp = Blueprint("notifications", __name__)

from portal.notifications import labels as notifications_labels  # noqa: E402,F401  (the delivery statuses)
from portal.notifications import tasks  # noqa: E402,F401  (the delivery jobs on the queue)
