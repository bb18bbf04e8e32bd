"""Accounts: sign-up, login, passwords, profile, and the admins' people pages."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

from portal.accounts import labels as accounts_labels  # noqa: E402,F401  (declares the account statuses at start)
from portal.accounts import (  # noqa: E402,F401  (the routes register on bp)
    routes,
    routes_admin,
    routes_outbox,
    routes_sessions,
    routes_two_factor,
)
