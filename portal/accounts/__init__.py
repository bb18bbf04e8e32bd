"""Accounts: sign-up, login, passwords, profile, and the admins' people pages."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

from portal.accounts import admin_routes, routes  # noqa: E402,F401
from portal.accounts import routes_sessions  # noqa: E402,F401
from portal.accounts import routes_outbox  # noqa: E402,F401
