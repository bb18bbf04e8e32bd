"""A leader messages the volunteers of one shift, then sees what became of the message for each of them."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, htmx
from portal.core.validation import InvalidInput
from portal.forms import show_error
from portal.notifications.labels import CHANNEL_NAMES
from portal.operations.loaders import shift_at_my_point
from portal.teamboard import bp, messages
from portal.teamboard.forms import MessageForm
from portal.teamboard.loaders import message_at_my_point


def _message_page(shift, form, status: int = 200):
    """The message form for a shift, with who will get it and the messages already sent."""
    return htmx.render("teamboard/message.html", None, status, shift=shift, form=form,
                       people=messages.recipients(shift), sent=messages.sent_for(shift), cap=messages.DAILY_CAP)


@bp.route("/board/shifts/<int:shift_id>/message", methods=["GET", "POST"])
@access.roles_required("leader", "admin")
def shift_message(shift_id):
    """Write to the volunteers booked on one shift of a point I run ("the point opens at 7:00 tomorrow")."""
    shift = shift_at_my_point(shift_id)
    form = MessageForm()
    if not form.validate_on_submit():
        return _message_page(shift, form, 422 if form.is_submitted() else 200)
    try:
        message = messages.send(current_user, shift, form.body.data)
    except InvalidInput as error:
        show_error(form, error)
        return _message_page(shift, form, 422)
    return htmx.redirect(url_for("teamboard.message_status", shift_message_id=message.id),
                         _("Message sent to %(count)d volunteers.", count=len(message.recipients)))


@bp.route("/board/messages/<int:shift_message_id>")
@access.roles_required("leader", "admin")
def message_status(shift_message_id):
    """What became of a shift message for each volunteer: inbox only or on their channels, and each
    channel's status (the email's from the outbox)."""
    message = message_at_my_point(shift_message_id)
    shift = shift_at_my_point(message.shift_id)
    return htmx.render("teamboard/message_status.html", None, message=message, shift=shift,
                       rows=messages.deliveries(message), channel_names=CHANNEL_NAMES)
