"""The privacy notice: public, generated from the processing register, accepted at sign-up."""
from __future__ import annotations

from flask import current_app, render_template

from portal import access
from portal.accounts import consent
from portal.privacy import bp, notice, register, register_terms


@bp.route("/privacy")
@access.public
def notice_page():
    """The privacy notice that students accept at sign-up, generated from the processing register."""
    return render_template("privacy/notice.html", version=current_app.config["PRIVACY_NOTICE_VERSION"],
                           rows=register.register_rows(), kinds=register_terms.DATA_KINDS, purposes=consent.PURPOSES,
                           labels=consent.LABELS, descriptions=consent.DESCRIPTIONS, versions=notice.history(),
                           grace_days=current_app.config.get("PRIVACY_ERASURE_GRACE_DAYS", 30))
