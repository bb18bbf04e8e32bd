"""The outbox pages: admins read every email the portal sent or will send."""
from __future__ import annotations

from flask import request
from sqlalchemy import select

from portal import access, htmx
from portal.extensions import db
from portal.forms import EmptyForm
from portal.mail import bp
from portal.mail.models import STATUSES, OutboxMessage
from portal.mail.services import RESENDABLE_KINDS, display_body, has_masked_link, smtp_enabled
from portal.pagination import page_number

PAGE_SIZE = 50


@bp.route("/")
@access.roles_required("admin")
def index():
    """The outbox, newest first, filterable by recipient and status."""
    to, status = request.args.get("to", "").strip().lower(), request.args.get("status", "")
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if to:
        stmt = stmt.where(OutboxMessage.to_email.contains(to))
    if status in STATUSES:
        stmt = stmt.where(OutboxMessage.status == status)
    page = db.paginate(stmt, page=page_number(), per_page=PAGE_SIZE, error_out=False)
    return htmx.render(
        "mail/index.html", "mail/partials/messages.html",
        page=page, to=to, status=status, statuses=STATUSES, smtp=smtp_enabled(),
    )


@bp.route("/<int:message_id>")
@access.roles_required("admin")
def show(message_id):
    """One email as it was (or will be) sent."""
    message = db.get_or_404(OutboxMessage, message_id)
    resendable = message.kind in RESENDABLE_KINDS and has_masked_link(message)
    return htmx.render("mail/show.html", None, message=message, body=display_body(message), smtp=smtp_enabled(),
                       resendable=resendable, form=EmptyForm())
