"""A leader's message to the volunteers of one shift: on their channels, or in their inbox only when they
turned leader messages off or had three already that day; and the status of each delivery afterwards."""
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.notifications import services as notifications
from portal.notifications.models import Notification
from portal.teamboard import messages
from portal.teamboard.models import ShiftMessage, ShiftMessageRecipient
from tests.core.conftest import sign_in
from tests.teamboard.conftest import book

pytestmark = pytest.mark.hanoi_time("2026-03-10 10:00")


def _emails_to(user):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == user.email)).all()


def _outcome(message, user):
    return db.session.get(ShiftMessageRecipient, (message.id, user.id)).outcome


def test_each_booked_volunteer_gets_the_message_and_the_leader_sees_each_delivery(auth, world, make_user):
    ngoc = make_user(full_name="Đỗ Bích Ngọc")
    book(world.shift, ngoc)
    leader = sign_in(auth, world.leader)
    response = leader.post(f"/board/shifts/{world.shift.id}/message", data={"body": "Mai điểm mở cửa lúc 7:00."})
    message = db.session.scalar(select(ShiftMessage))
    assert response.status_code == 303 and response.headers["Location"] == f"/board/messages/{message.id}"
    for person in (world.lan, ngoc):
        notice = db.session.scalar(select(Notification).where(Notification.user_id == person.id))
        assert notice.key == f"shift-message:{message.id}:{person.id}" and "7:00" in notice.body
        assert notice.link == f"http://portal.test/shifts/{world.shift.id}"
        assert len(_emails_to(person)) == 1 and _outcome(message, person) == "notified"
    assert db.session.scalar(select(Notification).where(Notification.user_id == world.minh.id)) is None
    page = leader.get(f"/board/messages/{message.id}").get_data(as_text=True)
    assert "Nguyễn Thị Lan" in page and "Đỗ Bích Ngọc" in page and "Trần Đức Minh" not in page
    rows = {r.recipient.user_id: r.channels for r in messages.deliveries(message)}
    assert ("email", "sent", "pending") in rows[world.lan.id]  # handed to the outbox, not yet sent by the worker
    db.session.execute(OutboxMessage.__table__.update().values(status="failed"))
    db.session.commit()
    rows = {r.recipient.user_id: r.channels for r in messages.deliveries(message)}
    assert ("email", "sent", "failed") in rows[ngoc.id]
    assert "tag--failed" in leader.get(f"/board/messages/{message.id}").get_data(as_text=True)


def test_a_volunteer_who_turned_leader_messages_off_finds_them_in_the_inbox_only(app, world):
    notifications.save_preference(world.lan.id, leader_messages_on=False)
    db.session.commit()
    message = messages.send(world.leader, world.shift, "Nhớ mang áo xanh")
    notice = db.session.scalar(select(Notification).where(Notification.user_id == world.lan.id))
    assert notice is not None and "áo xanh" in notice.body
    assert {(d.status, d.detail) for d in notice.deliveries} == {("skipped", "inbox only")}  # on no channel
    assert _emails_to(world.lan) == [] and _outcome(message, world.lan) == "inbox_opted_out"
    assert notifications.unread_count(world.lan.id) == 1


def test_beyond_three_leader_messages_a_day_they_stay_in_the_inbox(app, world, make_shift, at_hanoi):
    second_shift = make_shift(world.campaign, world.other_point, starts_in=messages.URGENT_WITHIN * 20)
    book(second_shift, world.lan)
    sent = [messages.send(world.leader, world.shift, f"Tin số {n}") for n in range(2)]
    sent.append(messages.send(world.other_leader, second_shift, "Tin từ điểm khác"))
    fourth = messages.send(world.leader, world.shift, "Tin số 4")
    assert [_outcome(m, world.lan) for m in sent] == ["notified"] * 3
    assert _outcome(fourth, world.lan) == "inbox_capped" and len(_emails_to(world.lan)) == 3
    assert len(db.session.scalars(select(Notification).where(Notification.user_id == world.lan.id)).all()) == 4
    at_hanoi("2026-03-11 07:30")  # a new day in Hanoi
    assert _outcome(messages.send(world.leader, world.shift, "Sáng nay"), world.lan) == "notified"


def test_a_message_needs_text_an_open_shift_and_someone_booked(auth, world, make_shift, at_hanoi):
    leader = sign_in(auth, world.leader)
    empty = leader.post(f"/board/shifts/{world.shift.id}/message", data={"body": "  "})
    assert empty.status_code == 422 and 'id="body-error"' in empty.get_data(as_text=True)
    nobody = make_shift(world.campaign, world.point, starts_in=messages.URGENT_WITHIN * 30)
    assert leader.post(f"/board/shifts/{nobody.id}/message", data={"body": "Có ai không?"}).status_code == 422
    at_hanoi("2026-03-13 08:00")  # the shift is over
    leader = sign_in(auth, world.leader)
    assert leader.post(f"/board/shifts/{world.shift.id}/message", data={"body": "Muộn rồi"}).status_code == 422
    assert db.session.scalar(select(ShiftMessage)) is None


def test_only_the_points_leaders_and_organisers_message_a_shift(auth, world):
    url = f"/board/shifts/{world.shift.id}/message"
    assert sign_in(auth, world.other_leader).post(url, data={"body": "Không phải điểm của tôi"}).status_code == 403
    assert sign_in(auth, world.lan).get(url).status_code == 403
    assert sign_in(auth, world.admin).get(url).status_code == 200
    message = messages.send(world.leader, world.shift, "Tin nội bộ")
    assert sign_in(auth, world.other_leader).get(f"/board/messages/{message.id}").status_code == 403
    assert sign_in(auth, world.admin).get(f"/board/messages/{message.id}").status_code == 200
