"""The outbox's "send a new link" action: lives with accounts, which owns the links (mail sits below it)."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, htmx
from portal.accounts import bp, resend
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.mail.models import OutboxMessage


@bp.route("/admin/outbox/<int:message_id>/resend", methods=["POST"])
@access.roles_required("admin")
def resend_link(message_id):
    """Send the recipient of a masked link a new one (the organiser never sees a working link)."""
    message = db.get_or_404(OutboxMessage, message_id)
    back = url_for("mail.show", message_id=message.id)
    try:
        resend.resend_link(current_user, message)
    except InvalidInput as error:
        db.session.rollback()
        return htmx.redirect(back, error.message, "error", status=422)
    return htmx.redirect(back, _("A new link was sent to the recipient. This page still hides it."))
