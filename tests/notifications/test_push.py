"""Web Push end to end, against a push service on loopback that this test starts: a browser's key pair and
auth secret made here, subscribed through the portal's endpoint, a notice sent by notify(), and the push
service checking the VAPID signature and decrypting the message as a phone would. No outside service."""
import base64
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from sqlalchemy import select

from portal.extensions import db
from portal.notifications import push
from portal.notifications import services as notifications
from portal.notifications.models import NotificationDelivery, PushSubscription
from tests import factories

SUBJECT = "mailto:doan-truong@example.org"


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Browser:
    """What a browser makes when it subscribes: a P-256 key pair and a 16-byte auth secret."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)

    def subscription(self, endpoint: str) -> dict:
        public = self.key.public_key().public_bytes(serialization.Encoding.X962,
                                                    serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": endpoint, "expirationTime": None,
                "keys": {"p256dh": push.b64url(public), "auth": push.b64url(self.auth)}}


def check_vapid(header: str, origin: str, public_key: str) -> dict:
    """The push service's side of RFC 8292: `vapid t=<JWT>,k=<key>`, an ES256 signature by that key,
    aud the service's origin, exp in the future, sub a contact. Returns the claims."""
    scheme, _, params = header.partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == public_key
    head, claims, signature = fields["t"].split(".")
    assert json.loads(b64decode(head)) == {"typ": "JWT", "alg": "ES256"}
    raw = b64decode(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64decode(fields["k"]))
    key.verify(der, f"{head}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))  # raises InvalidSignature
    claims = json.loads(b64decode(claims))
    assert claims["aud"] == origin and claims["exp"] > time.time() and claims["sub"] == SUBJECT
    return claims


class PushService:
    """A push service on 127.0.0.1: answers `status` and keeps what it received."""

    def __init__(self):
        self.status, self.received, self.refused = 201, [], []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                service.received.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(service.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def keys():
    return push.new_key_pair()


@pytest.fixture
def push_app(make_app, keys, make_user):
    """An app with VAPID keys, sending to push services on loopback only, with CSRF checked as in production
    (its context pushed over the default app's, which make_user needs first)."""
    public, private = keys
    app = make_app(VAPID_PUBLIC_KEY=public, VAPID_PRIVATE_KEY=private, VAPID_SUBJECT=SUBJECT,
                   PUSH_SERVICE_HOSTS="127.0.0.1", WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app


def _subscribe(app, user, subscription):
    """Sign in and post the subscription as static/js/push.js does: JSON with the page's CSRF token."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/login", data={"email": user.email, "password": factories.PASSWORD,
                                       "csrf_token": csrf}).status_code == 303
    page = client.get("/account/notifications").get_data(as_text=True)
    token = page.split('"X-CSRFToken": "')[1].split('"')[0]
    assert client.post("/account/notifications/subscribe", json=subscription).status_code == 400  # no token
    response = client.post("/account/notifications/subscribe", json=subscription, headers={"X-CSRFToken": token})
    return client, response


@pytest.mark.hanoi_time("2026-03-10 10:00")
def test_a_notice_reaches_the_phone_signed_and_encrypted(push_app, make_user, keys):
    student = make_user(locale="en", full_name="Trần Thị Ánh")
    phone = Browser()
    with PushService() as service:
        _, response = _subscribe(push_app, student, phone.subscription(service.origin + "/push/ab12"))
        assert response.status_code == 200 and "push-device-" in response.get_data(as_text=True)
        notice = notifications.notify(student, "test", "test:push", "test_notice", link="http://portal.test/shifts/7",
                                      message="Ca trực sáng mai lúc 7:30")
        db.session.commit()
    (path, headers, body), = service.received
    assert path == "/push/ab12" and headers["content-encoding"] == "aes128gcm" and int(headers["ttl"]) > 0
    check_vapid(headers["authorization"], service.origin, keys[0])
    payload = json.loads(http_ece.decrypt(body, private_key=phone.key, auth_secret=phone.auth, version="aes128gcm"))
    assert payload == {"title": "A notice for Trần Thị Ánh", "body": "Ca trực sáng mai lúc 7:30",
                       "url": "http://portal.test/shifts/7"}
    delivery = db.session.scalar(select(NotificationDelivery).where(
        NotificationDelivery.notification_id == notice.id, NotificationDelivery.channel == "push"))
    assert delivery.status == "sent" and delivery.detail is None
    assert db.session.scalar(select(PushSubscription)).last_sent_at is not None


def test_a_forged_signature_is_caught_by_the_check(keys):
    """The fake push service's check is real: a token signed by another key fails."""
    other_public, other_private = push.new_key_pair()
    from py_vapid import Vapid

    header = Vapid.from_string(other_private).sign({"sub": SUBJECT, "aud": "http://127.0.0.1:1",
                                                     "exp": int(time.time()) + 60})["Authorization"]
    forged = header.replace(other_public, keys[0])
    with pytest.raises(InvalidSignature):
        check_vapid(forged, "http://127.0.0.1:1", keys[0])


@pytest.mark.hanoi_time("2026-03-10 10:00")
def test_a_phone_the_push_service_calls_gone_is_forgotten(push_app, make_user):
    student = make_user()
    with PushService() as service:
        _subscribe(push_app, student, Browser().subscription(service.origin + "/push/gone"))
        service.status = 410
        notice = notifications.notify(student, "test", "test:gone", "test_notice", message="x")
        db.session.commit()
    assert len(service.received) == 1
    assert db.session.scalar(select(PushSubscription)) is None
    (delivery,) = [d for d in notice.deliveries if d.channel == "push"]
    assert (delivery.status, delivery.detail) == ("skipped", "device subscriptions expired")


@pytest.mark.hanoi_time("2026-03-10 10:00")
def test_a_failing_push_service_fails_the_delivery_without_personal_detail(push_app, make_user, caplog):
    student = make_user()
    with PushService() as service:
        _subscribe(push_app, student, Browser().subscription(service.origin + "/push/secret-endpoint-id"))
        service.status = 500
        notice = notifications.notify(student, "test", "test:500", "test_notice", message="x")
        db.session.commit()
    (delivery,) = [d for d in notice.deliveries if d.channel == "push"]
    assert (delivery.status, delivery.detail) == ("failed", "push service: HTTP 500")
    assert db.session.scalar(select(PushSubscription)).failures == 1  # kept: the service may recover
    assert "secret-endpoint-id" not in caplog.text and student.email not in caplog.text


@pytest.mark.hanoi_time("2026-03-10 10:00")
def test_an_endpoint_outside_the_push_services_is_refused(push_app, make_user):
    student = make_user()
    for endpoint in ("http://10.0.0.5/push/x", "https://metadata.internal/latest", "ftp://127.0.0.1/x"):
        _, response = _subscribe(push_app, student, Browser().subscription(endpoint))
        assert response.status_code == 422
    assert db.session.scalar(select(PushSubscription)) is None


@pytest.mark.hanoi_time("2026-03-10 10:00")
def test_without_keys_push_is_skipped_as_not_configured(app, make_user, auth):
    student = make_user()
    db.session.add(PushSubscription(user_id=student.id, endpoint="https://fcm.googleapis.com/fcm/send/x",
                                    endpoint_hash="a" * 64, p256dh="x", auth="y"))
    notice = notifications.notify(student, "test", "test:nokeys", "test_notice", message="x")
    db.session.commit()
    (delivery,) = [d for d in notice.deliveries if d.channel == "push"]
    assert (delivery.status, delivery.detail) == ("skipped", "push not configured")
    auth.as_(student)
    page = auth.client.get("/account/notifications?lang=en").get_data(as_text=True)
    assert "not set up on this portal" in page and "data-vapid-key" not in page
    response = auth.client.post("/account/notifications/subscribe", json=Browser().subscription(
        "https://fcm.googleapis.com/fcm/send/y"))
    assert response.status_code == 422


@pytest.mark.hanoi_time("2026-03-10 10:00")
def test_the_same_browser_subscribing_for_another_person_moves_to_them(push_app, make_user):
    lan, minh = make_user(), make_user()
    phone = Browser().subscription("http://127.0.0.1:9/push/shared")
    _subscribe(push_app, lan, phone)
    _subscribe(push_app, minh, phone)
    rows = db.session.scalars(select(PushSubscription)).all()
    assert [r.user_id for r in rows] == [minh.id]  # Lan's notices no longer reach the phone Minh now uses


def test_vapid_keys_command_prints_a_usable_pair(push_app):
    from py_vapid import Vapid

    output = push_app.test_cli_runner().invoke(args=["vapid-keys"]).output
    values = dict(line.split("=", 1) for line in output.splitlines() if line.startswith("VAPID_") and "#" not in line)
    vapid = Vapid.from_string(values["VAPID_PRIVATE_KEY"])
    public = vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    assert push.b64url(public) == values["VAPID_PUBLIC_KEY"] and len(b64decode(values["VAPID_PUBLIC_KEY"])) == 65


@pytest.mark.hanoi_time("2026-03-10 10:00")
def test_turning_a_device_on_turns_phone_notifications_on_and_keeps_ten_devices(push_app, make_user, monkeypatch):
    from portal.notifications import devices

    student = make_user()
    notifications.save_preference(student.id, push_on=False)
    db.session.commit()
    monkeypatch.setattr(devices, "MAX_DEVICES", 2)
    for n in range(3):
        _subscribe(push_app, student, Browser().subscription(f"http://127.0.0.1:9/push/{n}"))
    assert notifications.preference(student.id).push_on
    kept = db.session.scalars(select(PushSubscription.endpoint).order_by(PushSubscription.id)).all()
    assert kept == ["http://127.0.0.1:9/push/1", "http://127.0.0.1:9/push/2"]  # the oldest went
