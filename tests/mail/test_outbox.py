"""The outbox: stored in the same transaction, delivered by a worker over SMTP with STARTTLS."""
import email
import email.policy
import socket
import ssl

import pytest
import trustme
from aiosmtpd.controller import Controller
from sqlalchemy import select

from portal.accounts.models import User
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.mail.models import OutboxMessage
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
def tls_server(tmp_path):
    """A real SMTP server on loopback that requires STARTTLS, with a certificate from a test CA."""
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port(),
                            tls_context=server_context, require_starttls=True)
    controller.start()
    yield controller, inbox, str(ca_file)
    controller.stop()


@pytest.fixture
def plain_server():
    """A real SMTP server on loopback without TLS (a local relay)."""
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


def test_worker_delivers_over_starttls_with_a_verified_certificate(make_app, tls_server):
    controller, inbox, ca_file = tls_server
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=True, MAIL_CA_FILE=ca_file)
    with app.app_context():
        assert app.test_client().post("/signup", data=GOOD).status_code == 303
        assert inbox.messages == []  # nothing is sent inside the web request
        result = app.test_cli_runner().invoke(args=["outbox", "send"])
        assert result.exit_code == 0 and "sent 1" in result.output
        message = db.session.scalar(select(OutboxMessage))
        assert message.status == "sent" and message.sent_at is not None
    (envelope,) = inbox.messages
    assert envelope.rcpt_tos == [GOOD["email"]]
    received = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert received["Subject"] == "Xác nhận địa chỉ email của bạn trên Đồng hành"
    assert "http://portal.test/account/verify/" in received.get_content()
    assert received["From"].addresses[0].display_name == "Đồng hành"


def test_an_unverifiable_certificate_is_refused_and_the_mail_kept(make_app, tls_server):
    controller, inbox, ca_file = tls_server
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=True)  # no CA: untrusted
    with app.app_context():
        app.test_client().post("/signup", data=GOOD)
        refused = app.test_cli_runner().invoke(args=["outbox", "send"])
        assert refused.exit_code != 0 and "stay pending" in refused.output
        message = db.session.scalar(select(OutboxMessage))
        # The server is at fault, not the message: no attempt is counted, the reason is shown in the outbox.
        assert message.status == "pending" and message.attempts == 0 and "certificate" in message.last_error.lower()
    assert inbox.messages == []


def test_a_server_without_starttls_is_refused_when_tls_is_required(make_app, plain_server):
    controller, inbox = plain_server
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=True)
    with app.app_context():
        app.test_client().post("/signup", data=GOOD)
        app.test_cli_runner().invoke(args=["outbox", "send"])
        message = db.session.scalar(select(OutboxMessage))
        assert message.status == "pending" and "STARTTLS" in message.last_error
    assert inbox.messages == []


def test_a_local_relay_without_tls_can_be_used_when_configured(make_app, plain_server):
    controller, inbox = plain_server
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False)
    with app.app_context():
        app.test_client().post("/signup", data=GOOD)
        assert "sent 1" in app.test_cli_runner().invoke(args=["outbox", "send"]).output
    assert len(inbox.messages) == 1


def test_an_unreachable_mail_server_keeps_the_email_for_a_retry(make_app):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), MAIL_USE_TLS=False)
    with app.app_context():
        assert app.test_client().post("/signup", data=GOOD).status_code == 303
        app.test_cli_runner().invoke(args=["outbox", "send"])
        message = db.session.scalar(select(OutboxMessage))
        assert message.status == "pending" and message.attempts == 0 and message.last_error


def test_outbox_hides_link_tokens_when_mail_is_really_sent(make_app, make_user):
    from tests.conftest import Auth

    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port())
    with app.app_context():
        client = app.test_client()
        client.post("/signup", data=GOOD)
        Auth(client).as_(make_user(role="admin"))
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_email == GOOD["email"]))
        shown = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
        token = message.body_text.split("/verify/")[1].split()[0]
        assert token not in shown and "/verify/" in shown


def test_reset_and_invitation_links_are_never_shown_to_organisers(client, auth, make_user, outbox):
    """Even with no mail server (links otherwise readable for the demo), a reset or an invitation
    would let the organiser act as that person: masked, with "send a new link" instead."""
    student = make_user(email="lan@example.org")
    admin = auth.as_(make_user(role="admin"))
    client.post("/password/forgot", data={"email": student.email})
    client.post("/admin/people/invite", data={"email": "moi@example.org", "full_name": "Trần Văn Mới",
                                               "roles": ["trainer"], "locale": "vi"})
    for kind in ("reset-password", "invite"):
        (message,) = [m for m in outbox() if m.kind == kind]
        token = message.body_text.split("/password/reset/" if kind == "reset-password" else "/invite/")[1].split()[0]
        page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
        assert token not in page and "Gửi liên kết mới cho người nhận" in page
    (reset,) = [m for m in outbox() if m.kind == "reset-password"]
    assert client.post(f"/admin/outbox/{reset.id}/resend").status_code == 303
    fresh = [m for m in outbox(student.email) if m.kind == "reset-password"]
    assert len(fresh) == 2  # a new link went to the student
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mail.resend"))
    assert (event.actor_id, event.target_id) == (admin.id, student.id)


def test_a_link_is_not_resent_when_it_no_longer_makes_sense(client, auth, make_user, outbox):
    auth.as_(make_user(role="admin"))
    client.post("/admin/people/invite", data={"email": "moi@example.org", "full_name": "Trần Văn Mới",
                                               "roles": ["trainer"], "locale": "vi"})
    (invite,) = outbox("moi@example.org")
    invited = db.session.scalar(select(User).where(User.email == "moi@example.org"))
    invited.password_hash = "accepted"  # they set a password through the first link
    db.session.commit()
    response = client.post(f"/admin/outbox/{invite.id}/resend")
    assert response.status_code == 303
    assert len(outbox("moi@example.org")) == 1
    assert "đã nhận lời mời" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_emails_are_written_in_the_recipients_language(client, outbox):
    client.post("/signup", data=GOOD)
    client.post("/language", data={"lang": "en", "next": "/"})
    client.post("/signup", data={**GOOD, "email": "english@example.org"})
    vietnamese, english = outbox()
    assert vietnamese.subject == "Xác nhận địa chỉ email của bạn trên Đồng hành"
    assert english.subject == "Confirm your email address for Đồng hành"
    assert "Chào bạn Nguyễn Thị Lan" in vietnamese.body_text


def test_the_outbox_shows_each_status_in_words_and_colour_and_filters_by_it(client, auth, make_user):
    client.post("/signup", data=GOOD)
    client.post("/signup", data={**GOOD, "email": "hai@example.org"})
    sent = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_email == "hai@example.org"))
    sent.status = "sent"
    db.session.commit()
    auth.as_(make_user(role="admin"))
    listing = client.get("/admin/outbox/").get_data(as_text=True)
    assert '<span class="tag tag--pending">Đang chờ gửi</span>' in listing
    assert '<span class="tag tag--sent">Đã gửi</span>' in listing
    assert 'hx-target="#outbox-messages"' in listing
    assert '<option value="failed">Gửi không thành công</option>' in listing
    only_sent = client.get("/admin/outbox/?status=sent", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "hai@example.org" in only_sent and GOOD["email"] not in only_sent and "<html" not in only_sent
    shown = client.get(f"/admin/outbox/{sent.id}").get_data(as_text=True)
    assert '<span class="tag tag--sent">Đã gửi</span>' in shown
