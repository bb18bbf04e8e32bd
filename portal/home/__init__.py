"""The top floor: pages that read across every domain. Each role's home page (a status page and
worklist computed in a fixed number of queries) and the organisers' audit log page, which names the
people in the log (portal.audit, low down, only records)."""
from flask import Blueprint

bp = Blueprint("home", __name__)
audit_bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

from portal.home import routes, routes_audit  # noqa: E402,F401  (the routes register on the blueprints)
