"""The outbox: stored always, sent through a real SMTP server when one is configured."""
import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from portal.mail.models import OutboxMessage
from portal.extensions import db
from tests.accounts.test_signup import GOOD


class Inbox:
    """aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_without_a_mail_server_emails_wait_in_the_outbox_for_admins(client, auth, make_user):
    client.post("/signup", data=GOOD)
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == "pending"
    auth.as_(make_user(role="admin"))
    listing = client.get("/admin/outbox/").get_data(as_text=True)
    assert GOOD["email"] in listing and "MAIL_SERVER" in listing
    shown = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "/verify/" in shown


def test_with_a_mail_server_the_email_is_delivered_after_commit(make_app, smtp_server):
    controller, inbox = smtp_server
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False)
    with app.app_context():
        client = app.test_client()
        assert client.post("/signup", data=GOOD).status_code == 303
        message = db.session.scalar(select(OutboxMessage))
        assert message.status == "sent" and message.sent_at is not None
    (envelope,) = inbox.messages
    assert envelope.rcpt_tos == [GOOD["email"]]
    received = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert received["Subject"] == "Xác nhận địa chỉ email của bạn trên Đồng hành"
    assert "http://portal.test/verify/" in received.get_content()
    assert received["From"].addresses[0].display_name == "Đồng hành"


def test_an_unreachable_mail_server_keeps_the_email_for_a_retry(make_app):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), MAIL_USE_TLS=False)
    with app.app_context():
        client = app.test_client()
        assert client.post("/signup", data=GOOD).status_code == 303  # sign-up still succeeds
        message = db.session.scalar(select(OutboxMessage))
        assert message.status == "pending" and message.attempts == 1 and message.last_error


def test_outbox_send_command_delivers_pending_mail(make_app, smtp_server):
    controller, inbox = smtp_server
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False)
    with app.app_context():
        from portal.mail import services

        services.queue("a@example.org", "verify_email", kind="verify-email", user=type("U", (), {"full_name": "An"})(), link="http://x/verify/t", hours=48)
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["outbox", "send"])
        assert result.exit_code == 0 and "sent 1" in result.output
    assert len(inbox.messages) == 1


def test_emails_are_written_in_the_recipients_language(client, outbox):
    client.post("/signup", data=GOOD)
    client.post("/language", data={"lang": "en", "next": "/"})
    client.post("/signup", data={**GOOD, "email": "english@example.org"})
    vietnamese, english = outbox()
    assert vietnamese.subject == "Xác nhận địa chỉ email của bạn trên Đồng hành"
    assert english.subject == "Confirm your email address for Đồng hành"
    assert "Chào bạn Nguyễn Thị Lan" in vietnamese.body_text
