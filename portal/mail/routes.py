"""The outbox pages: admins read every email the portal sent or will send."""
from __future__ import annotations

from flask import g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, htmx
from portal.extensions import db
from portal.forms import EmptyForm
from portal.jobs.queue import huey
from portal.mail import bp, tasks
from portal.mail import services as mail
from portal.mail.models import STATUSES, OutboxMessage
from portal.pagination import page_number

PAGE_SIZE = 50


@bp.route("/")
@access.roles_required("admin")
def index():
    """The outbox, newest first, filterable by recipient and status."""
    to, status = request.args.get("to", "").strip().lower(), request.args.get("status", "")
    page = db.paginate(mail.outbox_query(to, status), page=page_number(), per_page=PAGE_SIZE, error_out=False)
    return htmx.render(
        "mail/index.html", "mail/partials/messages.html",
        page=page, to=to, status=status, statuses=STATUSES, smtp=mail.smtp_enabled(),
    )


@bp.route("/<int:message_id>")
@access.roles_required("admin")
def show(message_id):
    """One email as it was (or will be) sent."""
    message = db.get_or_404(OutboxMessage, message_id)
    resendable = message.kind in mail.RESENDABLE_KINDS and mail.has_masked_link(message)
    return htmx.render("mail/show.html", None, message=message, body=mail.display_body(message),
                       smtp=mail.smtp_enabled(), resendable=resendable, form=EmptyForm())


@bp.route("/<int:message_id>/retry", methods=["POST"])
@access.roles_required("admin")
def retry(message_id):
    """Send a failed email again (the worker takes it at once, or at the next minute)."""
    message = db.get_or_404(OutboxMessage, message_id)
    if not mail.retry(current_user, message):
        return htmx.redirect(url_for("mail.show", message_id=message.id),
                             _("Only an email that failed can be sent again."), "error")
    return htmx.redirect(url_for("mail.show", message_id=message.id), _("The email will be sent again."))


@bp.after_app_request
def deliver_soon(response):
    """After a request that queued mail (its transaction committed), ask the worker to deliver it now rather
    than at the next minute's sweep. With jobs run at once (tests) the sweep or the CLI sends instead."""
    if g.get("mail_queued") and mail.smtp_enabled() and not huey.immediate:
        tasks.deliver()
    return response
