"""The mail outbox: emails are stored, sent through SMTP when configured, and browsable by admins."""
from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/admin/outbox")

from portal.mail import labels as mail_labels  # noqa: E402,F401  (declares the outbox statuses at start)
from portal.mail import routes  # noqa: E402,F401  (the routes register on bp)
