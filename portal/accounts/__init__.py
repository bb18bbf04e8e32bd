"""Accounts: sign-up, login, passwords, profile, and the admins' people pages."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

from portal.accounts import (  # noqa: E402,F401
    admin_routes,
    routes,
    routes_outbox,  # noqa: E402,F401
    routes_sessions,  # noqa: E402,F401
)
