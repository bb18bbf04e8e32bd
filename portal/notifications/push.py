"""Web Push to the devices a person installed the portal on (RFC 8030 delivery, RFC 8291 encryption,
RFC 8292 VAPID), through pywebpush.

The VAPID key pair comes only from the environment (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT);
without it every push delivery is skipped ("push not configured"). Endpoints and keys are personal data:
nothing here logs them, and a delivery's detail names only counts and HTTP statuses.
"""
from __future__ import annotations

import base64
import json
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from sqlalchemy import select

from portal.core import clock
from portal.core.urls import external_url
from portal.extensions import db
from portal.notifications.channels import Channel
from portal.notifications.models import NotificationDelivery, NotificationPreference, PushSubscription

TTL_SECONDS = 24 * 3600  # a notice about today's shift is worthless to a phone that was off for a day
TIMEOUT = (5, 10)  # connect, read: one slow push service must not hold the worker
GONE = {404, 410}  # the browser dropped the subscription: forget it
BODY_CHARS = 600  # the encrypted message must stay under 4 KB; the inbox has the whole text
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def b64url(data: bytes) -> str:
    """Unpadded base64url, the spelling Web Push uses for keys."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def new_key_pair() -> tuple[str, str]:
    """A fresh VAPID key pair (public, private), base64url: the public key is the uncompressed P-256 point
    browsers want as applicationServerKey, the private key the raw 32-byte scalar."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url(public), b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def configured() -> bool:
    """Tell whether this installation has its VAPID keys and contact."""
    config = current_app.config
    return all(config.get(k) for k in ("VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT"))


def public_key() -> str:
    """The VAPID public key the browser subscribes with ("" when push is not configured)."""
    return current_app.config.get("VAPID_PUBLIC_KEY", "") if configured() else ""


def endpoint_allowed(url: str) -> bool:
    """Tell whether the portal may post to this endpoint: https on a configured push service host
    (PUSH_SERVICE_HOSTS, `*.domain` for its subdomains), or plain http on this machine outside production."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    hosts = [h.strip().lower() for h in current_app.config.get("PUSH_SERVICE_HOSTS", "").split(",") if h.strip()]
    known = any(host == h or (h.startswith("*.") and host.endswith(h[1:])) for h in hosts)
    local_http = (parts.scheme == "http" and host in LOOPBACK
                  and current_app.config.get("PORTAL_ENV") != "production")
    return known and (parts.scheme == "https" or local_http) and not parts.username and len(url) <= 1000


def payload(delivery: NotificationDelivery) -> str:
    """The JSON the service worker shows: title, a short body and the link to open."""
    notice = delivery.notification
    body = notice.body if len(notice.body) <= BODY_CHARS else notice.body[:BODY_CHARS - 1].rstrip() + "…"
    url = notice.link or external_url("notifications.inbox")
    return json.dumps({"title": notice.subject, "body": body, "url": url}, ensure_ascii=False)


class PushChannel(Channel):
    """Web Push to each of the person's subscribed devices."""

    name = "push"

    def wanted(self, preference: NotificationPreference) -> bool:
        """Push is on unless the person turned it off."""
        return preference.push_on

    def send(self, delivery: NotificationDelivery) -> tuple[str, str | None]:
        """Post the notice to every device: sent when one took it; a device the push service calls gone
        (404/410) is removed; other refusals count against the device and fail the delivery."""
        if not configured():
            return "skipped", "push not configured"
        devices = db.session.scalars(select(PushSubscription).where(
            PushSubscription.user_id == delivery.notification.user_id).order_by(PushSubscription.id)).all()
        if not devices:
            return "skipped", "no device subscribed"
        vapid = Vapid.from_string(current_app.config["VAPID_PRIVATE_KEY"])
        data, outcomes = payload(delivery), []
        with requests.Session() as http:
            for device in devices:
                outcomes.append(_send_one(http, vapid, device, data))
        return _verdict(outcomes)


def _send_one(http: requests.Session, vapid: Vapid, device: PushSubscription, data: str) -> str:
    """Post to one device; "sent", "gone" or the reason it failed (a status, never the endpoint)."""
    if not endpoint_allowed(device.endpoint):
        device.failures += 1
        return "endpoint not allowed"
    subscription = {"endpoint": device.endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}}
    claims = {"sub": current_app.config["VAPID_SUBJECT"]}  # a fresh dict: webpush() adds aud and exp to it
    try:
        webpush(subscription, data, vapid_private_key=vapid, vapid_claims=claims, ttl=TTL_SECONDS,
                timeout=TIMEOUT, requests_session=http)
    except WebPushException as error:
        if error.status_code in GONE:
            db.session.delete(device)
            return "gone"
        device.failures += 1
        return f"HTTP {error.status_code}" if error.status_code else "refused"
    except (requests.RequestException, ValueError):
        device.failures += 1
        return "push service unreachable"
    device.last_sent_at, device.failures = clock.now(), 0
    return "sent"


def _verdict(outcomes: list[str]) -> tuple[str, str | None]:
    """The delivery's status and a short detail from each device's outcome."""
    sent, gone = outcomes.count("sent"), outcomes.count("gone")
    problems = sorted({o for o in outcomes if o not in ("sent", "gone")})
    if sent:
        return "sent", (f"{len(outcomes) - sent} of {len(outcomes)} devices not reached" if problems or gone else None)
    if not problems:
        return "skipped", "device subscriptions expired"
    return "failed", ("push service: " + ", ".join(problems))[:300]
