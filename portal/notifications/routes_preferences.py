"""The person's notification choices (profile area) and the devices they turned phone notifications on for."""
from __future__ import annotations

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, htmx
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.notifications import bp, devices, push
from portal.notifications import services as notifications
from portal.notifications.forms import PreferencesForm

DEVICES = "notifications/partials/devices.html"


def _devices_context() -> dict:
    """What the device list shows."""
    return {"devices": devices.of_user(current_user.id)}


@bp.route("/account/notifications", methods=["GET", "POST"])
@access.signed_in
def preferences():
    """Email, phone notifications, quiet hours and leaders' messages: one form; the devices below it."""
    form = PreferencesForm(obj=notifications.preference(current_user.id))
    if form.validate_on_submit():
        notifications.save_preference(current_user.id, **form.choices())
        db.session.commit()
        return htmx.redirect(url_for("notifications.preferences"), _("Your notification choices are saved."))
    status = 422 if form.is_submitted() else 200
    return htmx.render("notifications/preferences.html", None, status, form=form, vapid_key=push.public_key(),
                       **_devices_context())


@bp.route("/account/notifications/subscribe", methods=["POST"])
@access.signed_in
def subscribe():
    """Store this browser's push subscription (JSON from static/js/push.js); answers the device list."""
    try:
        devices.subscribe(current_user.id, request.get_json(silent=True), request.headers.get("User-Agent", ""))
    except InvalidInput as error:
        db.session.rollback()
        return htmx.render(DEVICES, None, 422, problem=error.message, **_devices_context())
    db.session.commit()
    return htmx.render(DEVICES, None, 200, **_devices_context())


@bp.route("/account/notifications/unsubscribe", methods=["POST"])
@access.signed_in
def unsubscribe():
    """Forget this browser's subscription (the person turned it off here); answers the device list."""
    data = request.get_json(silent=True)
    devices.unsubscribe(current_user.id, data.get("endpoint") if isinstance(data, dict) else None)
    db.session.commit()
    return htmx.render(DEVICES, None, 200, **_devices_context())


@bp.route("/account/notifications/devices/<int:device_id>/remove", methods=["POST"])
@access.signed_in
def remove_device(device_id: int):
    """Stop phone notifications to one of the person's devices."""
    device = devices.device_of(current_user.id, device_id)
    if device is None:
        abort(404)
    devices.remove(device)
    db.session.commit()
    return htmx.answer(DEVICES, redirect_to=url_for("notifications.preferences"),
                       flash_message=_("That device will get no more phone notifications."), **_devices_context())
