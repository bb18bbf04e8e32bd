"""The notification choices page, the device list, and what a phone needs to install the portal."""
from datetime import time

import pytest
from sqlalchemy import func, select

from portal import config
from portal.extensions import db
from portal.notifications import devices
from portal.notifications import services as notifications
from portal.notifications.models import NotificationPreference, PushSubscription

GOOD = {"email_on": "y", "push_on": "y", "quiet_from": "21:30", "quiet_until": "06:45"}


def _device(user, name):
    row = PushSubscription(user_id=user.id, endpoint=f"https://fcm.googleapis.com/fcm/send/{name}",
                           endpoint_hash=devices.endpoint_hash(f"https://fcm.googleapis.com/fcm/send/{name}"),
                           p256dh="x", auth="y", device_label="Chrome on Android")
    db.session.add(row)
    db.session.commit()
    return row


def test_the_profile_links_to_the_choices_which_start_from_the_defaults(auth, make_user):
    auth.as_(make_user(locale="en"))
    assert 'href="/account/notifications"' in auth.client.get("/profile").get_data(as_text=True)
    page = auth.client.get("/account/notifications").get_data(as_text=True)
    assert 'value="22:00"' in page and 'value="07:00"' in page
    assert page.count('checked') == 3  # email, push and leaders' messages are on until the person says otherwise


def test_saving_choices_stores_them(auth, make_user):
    lan = make_user(locale="en")
    auth.as_(lan)
    response = auth.client.post("/account/notifications", data=GOOD)  # leaders' messages left unticked
    assert response.status_code == 303 and response.headers["Location"] == "/account/notifications"
    pref = db.session.get(NotificationPreference, lan.id)
    assert (pref.email_on, pref.push_on, pref.leader_messages_on) == (True, True, False)
    assert (pref.quiet_from, pref.quiet_until) == (time(21, 30), time(6, 45))
    auth.client.post("/account/notifications", data={"email_on": "y", "quiet_from": "", "quiet_until": ""})  # none
    db.session.expire_all()
    pref = db.session.get(NotificationPreference, lan.id)
    assert pref.quiet_from is None and pref.quiet_until is None and not pref.push_on


@pytest.mark.parametrize("times, message", [
    ({"quiet_from": "22:00", "quiet_until": "22:00"}, "must end at a different time"),
    ({"quiet_from": "25:61", "quiet_until": "07:00"}, "Not a valid time value"),
    ({"quiet_from": "10 giờ", "quiet_until": "07:00"}, "Not a valid time value"),
    ({"quiet_from": "22:00", "quiet_until": ""}, "Enter both times"),
])
def test_bad_quiet_hours_are_refused_and_change_nothing(auth, make_user, times, message):
    lan = make_user(locale="en")
    notifications.save_preference(lan.id, email_on=True)
    db.session.commit()
    auth.as_(lan)
    response = auth.client.post("/account/notifications", data={"push_on": "y", **times})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and "There is a problem" in page
    db.session.expire_all()
    pref = db.session.get(NotificationPreference, lan.id)
    assert pref.email_on and (pref.quiet_from, pref.quiet_until) == (time(22, 0), time(7, 0))


def test_my_devices_are_listed_and_only_mine_can_be_removed(auth, make_user):
    lan, minh = make_user(locale="en"), make_user()
    mine, theirs = _device(lan, "lan"), _device(minh, "minh")
    auth.as_(lan)
    page = auth.client.get("/account/notifications").get_data(as_text=True)
    assert "Chrome on Android" in page and f"/devices/{mine.id}/remove" in page
    assert f"/devices/{theirs.id}/remove" not in page
    assert auth.client.post(f"/account/notifications/devices/{theirs.id}/remove").status_code == 404
    response = auth.client.post(f"/account/notifications/devices/{mine.id}/remove", headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'id="push-devices"' in response.get_data(as_text=True)
    assert [d.user_id for d in db.session.scalars(select(PushSubscription))] == [minh.id]


def test_unsubscribing_forgets_only_my_own_subscription(auth, make_user):
    lan, minh = make_user(), make_user()
    theirs = _device(minh, "minh")
    auth.as_(lan)
    response = auth.client.post("/account/notifications/unsubscribe", json={"endpoint": theirs.endpoint})
    assert response.status_code == 200 and db.session.scalar(select(func.count(PushSubscription.id))) == 1
    _device(lan, "lan")
    auth.client.post("/account/notifications/unsubscribe", json={"endpoint": "https://fcm.googleapis.com/fcm/send/lan"})
    assert [d.user_id for d in db.session.scalars(select(PushSubscription))] == [minh.id]
    assert auth.client.post("/account/notifications/unsubscribe", data={"endpoint": "x"}).status_code == 200


def test_a_subscription_that_is_not_json_is_a_clear_422(make_app, make_user):
    app = make_app(VAPID_PUBLIC_KEY="BAAA", VAPID_PRIVATE_KEY="x", VAPID_SUBJECT="mailto:a@example.org")
    with app.app_context():
        from tests.conftest import Auth

        browser = Auth(app.test_client())
        browser.as_(make_user(locale="en"))
        for body in ({"data": "endpoint=x"}, {"json": ["x"]}, {"json": {"endpoint": "https://fcm.googleapis.com/x",
                                                                     "keys": {"p256dh": "!!", "auth": "AAAA"}}}):
            response = browser.client.post("/account/notifications/subscribe", **body)
            assert response.status_code == 422 and "role=\"alert\"" in response.get_data(as_text=True)
        assert db.session.scalar(select(func.count(PushSubscription.id))) == 0


def test_the_manifest_and_the_service_worker_cover_the_whole_portal(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    data = manifest.get_json()
    assert data["start_url"] == "/" and data["display"] == "standalone" and data["theme_color"] == "#0a2a52"
    assert {i["sizes"] for i in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Service-Worker-Allowed"] == "/" and "no-cache" in worker.headers["Cache-Control"]
    source = worker.get_data(as_text=True)
    assert 'addEventListener("push"' in source and 'addEventListener("notificationclick"' in source


def test_production_refuses_push_without_vapid_keys(tmp_path):
    env = {"NOTIFY_CHANNELS": "email,push", "VAPID_PUBLIC_KEY": "", "VAPID_PRIVATE_KEY": "", "VAPID_SUBJECT": ""}
    settings = config.load(tmp_path, {"PORTAL_ENV": "development", **env})
    problems = config.production_problems(settings, env)
    assert any("VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT" in p for p in problems)
    settings["NOTIFY_CHANNELS"] = "email"
    assert not any("VAPID" in p for p in config.production_problems(settings, env))
    settings.update(NOTIFY_CHANNELS="email,push", VAPID_PUBLIC_KEY="a", VAPID_PRIVATE_KEY="b", VAPID_SUBJECT="ops")
    assert any("VAPID_SUBJECT must be mailto:" in p for p in config.production_problems(settings, env))
    settings["VAPID_SUBJECT"] = "mailto:ops@example.org"
    assert not any("VAPID" in p for p in config.production_problems(settings, env))
