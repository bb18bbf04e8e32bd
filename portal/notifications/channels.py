"""The channels that carry a notice out of the portal. Each is a small class with a name, whether the
person wants it, and `send(delivery)`; the configuration (NOTIFY_CHANNELS) says which run, so another
sender (a Zalo Official Account, SMS) is one class and one line of configuration, not a change here.

The inbox is not a channel: the notice row itself is the inbox, and every notice lands there.
"""
from __future__ import annotations

from typing import Protocol

from flask import current_app
from werkzeug.utils import import_string

from portal.extensions import db
from portal.mail import services as mail
from portal.notifications.models import NotificationDelivery, NotificationPreference


class Channel(Protocol):
    """The shape every channel has (a configured class need not inherit it, only match it)."""

    name: str

    def wanted(self, preference: NotificationPreference) -> bool:
        """Tell whether the person has this channel on."""

    def send(self, delivery: NotificationDelivery) -> tuple[str, str | None]:
        """Carry the notice out and return (status, detail), status sent, failed or skipped; never raise
        for one person's problem (a bad address, a gone device)."""


class EmailChannel(Channel):
    """Email through the outbox, in the same transaction; the outbox's worker sends it."""

    name = "email"

    def wanted(self, preference: NotificationPreference) -> bool:
        """Email is on unless the person turned it off."""
        return preference.email_on

    def send(self, delivery: NotificationDelivery) -> tuple[str, str | None]:
        """Queue the email; the delivery keeps the outbox row, whose status says what became of it."""
        notice = delivery.notification
        user = notice.user
        message = mail.queue(user.email, "notification", kind=notice.kind, locale=user.locale,
                             user=user, notice=notice)
        db.session.flush()  # the outbox row's id, so the delivery can follow it
        delivery.outbox_id = message.id
        return "sent", None


BUILT_IN = {"email": "portal.notifications.channels:EmailChannel",
            "push": "portal.notifications.push:PushChannel"}


def active() -> list[Channel]:
    """The channels this installation runs, in the configured order (NOTIFY_CHANNELS, e.g. "email,push";
    a name not built in is a dotted path in NOTIFY_CHANNEL_<NAME>, e.g. "mypkg.zalo:ZaloChannel")."""
    names = [n.strip() for n in current_app.config.get("NOTIFY_CHANNELS", "email,push").split(",") if n.strip()]
    found = []
    for name in names:
        path = BUILT_IN.get(name) or current_app.config.get(f"NOTIFY_CHANNEL_{name.upper()}")
        if not path:
            raise ValueError(f"NOTIFY_CHANNELS names '{name}' but NOTIFY_CHANNEL_{name.upper()} is not set")
        found.append(import_string(path.replace(":", "."))())
    return found


def by_name(name: str) -> Channel | None:
    """The active channel called `name`, if this installation runs it."""
    return next((channel for channel in active() if channel.name == name), None)
