"""notify(): one notice per person and reason, in their inbox and on the channels they chose, held back
through their quiet hours unless urgent."""
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.notifications import services as notifications
from portal.notifications.models import Notification, NotificationDelivery


def _notices(user):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()


def _outbox_count():
    return db.session.scalar(select(func.count(OutboxMessage.id)))


@pytest.mark.hanoi_time("2026-03-10 10:00")
def test_a_notice_lands_in_the_inbox_and_the_outbox_once_per_key(app, make_user):
    student = make_user(locale="en", full_name="Trần Thị Ánh")
    first = notifications.notify(student, "test", "test:1", "test_notice", link="http://x/shifts/1", message="Hi")
    db.session.commit()
    again = notifications.notify(student, "test", "test:1", "test_notice", message="Hi again")
    db.session.commit()
    assert again is None and len(_notices(student)) == 1  # the same reason never sends twice
    assert first.subject == "A notice for Trần Thị Ánh" and first.body == "Hi"
    email = db.session.scalar(select(NotificationDelivery).where(NotificationDelivery.channel == "email"))
    assert email.status == "sent" and email.outbox_id is not None
    message = db.session.get(OutboxMessage, email.outbox_id)
    assert message.to_email == student.email and "http://x/shifts/1" in message.body_text
    push = db.session.scalar(select(NotificationDelivery).where(NotificationDelivery.channel == "push"))
    assert push.status == "skipped"  # no device subscribed
    assert notifications.unread_count(student.id) == 1
    assert notifications.mark_read(student.id, first.id) == 1 and notifications.unread_count(student.id) == 0


@pytest.mark.hanoi_time("2026-03-10 23:30")
def test_quiet_hours_hold_email_back_until_morning_unless_urgent(app, make_user, at_hanoi):
    student = make_user()
    notifications.notify(student, "test", "test:quiet", "test_notice", message="later")
    notifications.notify(student, "test", "test:urgent", "test_notice", urgent=True, message="now")
    db.session.commit()
    assert _outbox_count() == 1  # only the urgent one went out
    assert notifications.deliver_due() == 0  # still quiet
    at_hanoi("2026-03-11 07:01")
    assert notifications.deliver_due() == 1 and _outbox_count() == 2


@pytest.mark.hanoi_time("2026-03-10 12:00")
def test_email_turned_off_leaves_the_inbox_only(app, make_user):
    student = make_user()
    notifications.save_preference(student.id, email_on=False)
    db.session.commit()
    notifications.notify(student, "test", "test:off", "test_notice", message="x")
    db.session.commit()
    assert _outbox_count() == 0 and len(_notices(student)) == 1
    (email,) = [d for d in _notices(student)[0].deliveries if d.channel == "email"]
    assert email.status == "skipped"


def test_quiet_hours_across_midnight_and_within_a_day(app):
    from datetime import datetime, time

    from portal.core.clock import LOCAL_TZ
    pref = notifications.preference(0)
    at = datetime(2026, 3, 10, 23, 0, tzinfo=LOCAL_TZ)
    assert notifications.quiet_until(pref, at) == datetime(2026, 3, 11, 7, 0, tzinfo=LOCAL_TZ)
    assert notifications.quiet_until(pref, datetime(2026, 3, 11, 6, 59, tzinfo=LOCAL_TZ)).hour == 7
    assert notifications.quiet_until(pref, datetime(2026, 3, 11, 7, 0, tzinfo=LOCAL_TZ)) is None
    pref.quiet_from, pref.quiet_until = time(12, 0), time(13, 30)
    assert notifications.quiet_until(pref, datetime(2026, 3, 11, 12, 15, tzinfo=LOCAL_TZ)).minute == 30
    assert notifications.quiet_until(pref, at) is None


@pytest.mark.hanoi_time("2026-03-10 12:00")
def test_another_channel_is_one_class_and_one_setting(make_app, make_user):
    app = make_app(NOTIFY_CHANNELS="email,zalo", NOTIFY_CHANNEL_ZALO="tests.notifications.test_notify:FakeZalo")
    with app.app_context():
        student = make_user()
        notice = notifications.notify(student, "test", "test:zalo", "test_notice", message="x")
        db.session.commit()
        assert {d.channel: d.status for d in notice.deliveries} == {"email": "sent", "zalo": "sent"}
        assert FakeZalo.sent == [notice.id]


class FakeZalo:
    """A channel named only in configuration (a Zalo OA sender would look like this)."""

    name, sent = "zalo", []

    def wanted(self, preference):
        return True

    def send(self, delivery):
        FakeZalo.sent.append(delivery.notification_id)
        return "sent", None


@pytest.mark.hanoi_time("2026-03-10 12:00")
def test_old_notices_are_removed_as_the_register_promises(app, make_user, at_hanoi):
    from portal.notifications import tasks

    student = make_user()
    notifications.notify(student, "test", "test:old", "test_notice", message="x")
    db.session.commit()
    at_hanoi("2026-09-05 12:00")  # 179 days on: kept
    notifications.notify(student, "test", "test:new", "test_notice", message="y")
    db.session.commit()
    tasks.prune()  # through the queue: at once in tests
    assert len(_notices(student)) == 2
    at_hanoi("2026-09-07 12:00")
    tasks.prune()
    assert [n.key for n in _notices(student)] == ["test:new"]
    assert db.session.scalar(select(func.count(NotificationDelivery.id))) == 2  # the old one's went with it
