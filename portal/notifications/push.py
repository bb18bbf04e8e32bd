"""Web Push to the devices a person installed the portal on (filled in by the push work)."""
from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.notifications.channels import Channel
from portal.notifications.models import NotificationDelivery, NotificationPreference, PushSubscription


class PushChannel(Channel):
    """Web Push (RFC 8030/8291/8292) to each of the person's subscribed devices."""

    name = "push"

    def wanted(self, preference: NotificationPreference) -> bool:
        """Push is on unless the person turned it off."""
        return preference.push_on

    def send(self, delivery: NotificationDelivery) -> tuple[str, str | None]:
        """Skipped while the person has no device subscribed."""
        devices = db.session.scalars(select(PushSubscription).where(
            PushSubscription.user_id == delivery.notification.user_id)).all()
        if not devices:
            return "skipped", "no device subscribed"
        return "failed", "Web Push is not built yet"
