"""The devices a person turned phone notifications on for: a browser's Web Push subscription each.

A subscription belongs to the person signed in when the browser gave it. The same browser subscribing
for someone else (a shared phone) moves it to them, so nobody's notices reach a device they left.
"""
from __future__ import annotations

import base64
import binascii
import hashlib

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from portal.accounts import sessions
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.notifications import push
from portal.notifications import services as notifications
from portal.notifications.models import PushSubscription

MAX_DEVICES = 10  # a person's phones and browsers; the oldest goes when an eleventh subscribes


def endpoint_hash(endpoint: str) -> str:
    """The key a subscription is found by (an endpoint is too long to index everywhere)."""
    return hashlib.sha256(endpoint.encode()).hexdigest()


def of_user(user_id: int) -> list[PushSubscription]:
    """The person's devices, oldest first."""
    return list(db.session.scalars(select(PushSubscription).where(PushSubscription.user_id == user_id)
                                   .order_by(PushSubscription.created_at, PushSubscription.id)))


def _key(value, size: int, field: str) -> str:
    """A base64url key of exactly `size` bytes, as the browser sent it; else InvalidInput."""
    if not isinstance(value, str) or len(value) > 200:
        raise InvalidInput(_l("This browser sent a subscription the portal cannot use."), field)
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise InvalidInput(_l("This browser sent a subscription the portal cannot use."), field) from None
    if len(raw) != size or (size == 65 and raw[0] != 4):
        raise InvalidInput(_l("This browser sent a subscription the portal cannot use."), field)
    return value.rstrip("=")


def subscribe(user_id: int, data, user_agent: str = "") -> PushSubscription:
    """Store the browser's subscription JSON ({endpoint, keys: {p256dh, auth}}) for the person (the same
    endpoint again updates its keys) and turn their phone notifications on. InvalidInput for anything else.
    The caller commits."""
    if not push.configured():
        raise InvalidInput(_l("Phone notifications are not set up on this portal yet."))
    data = data if isinstance(data, dict) else {}
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    endpoint = data.get("endpoint")
    if not isinstance(endpoint, str) or not push.endpoint_allowed(endpoint):
        raise InvalidInput(_l("This browser's push service is not one the portal sends to."), "endpoint")
    p256dh, auth = _key(keys.get("p256dh"), 65, "p256dh"), _key(keys.get("auth"), 16, "auth")
    digest = endpoint_hash(endpoint)
    row = _row(digest)
    if row is None:
        try:
            with db.session.begin_nested():  # the same browser subscribing twice at once: the second finds the first
                row = PushSubscription(user_id=user_id, endpoint=endpoint, endpoint_hash=digest, p256dh=p256dh,
                                       auth=auth)
                db.session.add(row)
        except IntegrityError:
            row = _row(digest)
    row.user_id, row.p256dh, row.auth, row.failures = user_id, p256dh, auth, 0
    row.device_label = nfc(sessions.device_label(user_agent))[:120] if user_agent else None
    db.session.flush()
    for old in of_user(user_id)[:-MAX_DEVICES]:
        if old.id != row.id:
            db.session.delete(old)
    if not notifications.preference(user_id).push_on:  # pressing "turn on" says they want phone notifications
        notifications.save_preference(user_id, push_on=True)
    return row


def _row(digest: str) -> PushSubscription | None:
    """The subscription with this endpoint hash, locked for the update."""
    return db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint_hash == digest)
                             .with_for_update())


def unsubscribe(user_id: int, endpoint) -> int:
    """Forget the person's subscription with this endpoint (the browser turned it off); the number removed."""
    if not isinstance(endpoint, str):
        return 0
    return db.session.execute(delete(PushSubscription).where(
        PushSubscription.user_id == user_id, PushSubscription.endpoint_hash == endpoint_hash(endpoint))).rowcount or 0


def device_of(user_id: int, device_id: int) -> PushSubscription | None:
    """One of the person's own devices, or None (someone else's is as good as missing)."""
    row = db.session.get(PushSubscription, device_id)
    return row if row is not None and row.user_id == user_id else None


def remove(device: PushSubscription) -> None:
    """Forget a device (the caller commits)."""
    db.session.delete(device)
