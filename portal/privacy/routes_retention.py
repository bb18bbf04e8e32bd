"""The organisers' retention settings page: the rules, and what the next run would do."""
from __future__ import annotations

from flask import render_template

from portal import access
from portal.privacy import bp, retention


@bp.route("/admin/privacy/retention")
@access.roles_required("admin")
def retention_settings():
    """Show each retention rule, its setting and how many records the next run would change."""
    return render_template("privacy/retention.html", plan=retention.plan())
