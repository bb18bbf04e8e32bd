"""The audit trail: one mechanism that records staff actions, and the page to browse it."""
from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

from portal.audit import routes  # noqa: E402,F401
