"""Queue emails in the caller's transaction and deliver them through SMTP."""
from __future__ import annotations

import re
import smtplib
import ssl
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from flask import current_app, g, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy import select

from portal.audit import services as audit
from portal.core import clock
from portal.extensions import db
from portal.mail.models import STATUSES, OutboxMessage

MAX_ATTEMPTS = 5


def outbox_query(to: str = "", status: str = ""):
    """The outbox for admins, newest first, filtered by a piece of the recipient's address and a status."""
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if to:
        stmt = stmt.where(OutboxMessage.to_email.contains(to))
    if status in STATUSES:
        stmt = stmt.where(OutboxMessage.status == status)
    return stmt


def queue(to_email: str, template: str, kind: str, locale: str = "vi", **context) -> OutboxMessage:
    """Render `templates/email/<template>.txt` in the recipient's language and add it to the outbox.

    The template's first line is the subject; the rest is the body.
    """
    with force_locale(locale):
        rendered = render_template(f"email/{template}.txt", **context)
    subject, _, body = rendered.strip().partition("\n")
    message = OutboxMessage(
        to_email=to_email, subject=subject.strip()[:200], body_text=body.strip() + "\n", kind=kind
    )
    db.session.add(message)
    if has_request_context():
        g.mail_queued = True  # mail.routes asks the worker to deliver once the request is done
    return message


# Links that act as the recipient: a reset or an invitation sets their password, so an organiser
# never sees one that works. A verification link only confirms an address: shown while no mail
# server delivers it (the demo and closed tests), hidden once mail really goes out.
SECRET_LINK_RE = re.compile(r"(/(?:password/reset|invite)/)[A-Za-z0-9._-]{16,}")
_VERIFY_LINK_RE = re.compile(r"(/account/verify/)[A-Za-z0-9._-]{16,}")
# The kinds whose links an organiser cannot open and so may send again instead.
RESENDABLE_KINDS = ("reset-password", "invite", "verify-email")


def display_body(message: OutboxMessage) -> str:
    """The body as admins may read it, with one-time link tokens masked."""
    body = SECRET_LINK_RE.sub(r"\1…", message.body_text)
    if smtp_enabled():
        body = _VERIFY_LINK_RE.sub(r"\1…", body)
    return body


def has_masked_link(message: OutboxMessage) -> bool:
    """Tell whether the admin's view of this email hides a link (so a "send again" is offered)."""
    return display_body(message) != message.body_text


def smtp_enabled() -> bool:
    """Tell whether an SMTP server is configured."""
    return bool(current_app.config.get("MAIL_SERVER"))


def _to_email_message(message: OutboxMessage) -> MIMEText:
    """Build the MIME message for one outbox row.

    Header() keeps the spaces inside RFC 2047 encoded words; the newer email API folds
    Vietnamese subjects so that readers drop the space between two encoded words.
    """
    mime = MIMEText(message.body_text, "plain", "utf-8")
    mime["From"] = formataddr(parseaddr(current_app.config["MAIL_SENDER"]), charset="utf-8")
    mime["To"] = message.to_email
    mime["Subject"] = Header(message.subject, "utf-8")
    mime["Date"] = formatdate(localtime=False)
    mime["Message-ID"] = make_msgid(domain="example.org")
    return mime


def _connect() -> smtplib.SMTP:
    """Open an SMTP connection; with MAIL_USE_TLS, upgrade it with STARTTLS and check the certificate."""
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15)
    try:
        smtp.ehlo()
        if config["MAIL_USE_TLS"]:
            if not smtp.has_extn("starttls"):
                raise smtplib.SMTPNotSupportedError("the server does not offer STARTTLS; refusing to send in clear")
            smtp.starttls(context=ssl.create_default_context(cafile=config.get("MAIL_CA_FILE") or None))
            smtp.ehlo()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def retry(actor, message: OutboxMessage) -> bool:
    """Send a failed message again: back to pending with its attempts reset (False if it had not failed)."""
    if message.status != "failed":
        return False
    audit.record(actor, "mail.retry", "outbox_message", message.id, before={"attempts": message.attempts,
                                                                           "last_error": message.last_error})
    message.status, message.attempts, message.last_error = "pending", 0, None
    if has_request_context():
        g.mail_queued = True
    db.session.commit()
    return True


def has_pending() -> bool:
    """Tell whether any message waits to be sent."""
    return db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.status == "pending").limit(1)) is not None


class ServerUnavailable(RuntimeError):
    """The SMTP server could not be reached: no message is to blame, so none counts an attempt."""


def send_pending(limit: int = 100) -> tuple[int, int]:
    """Send pending messages through SMTP; return (sent, failed). Each result is committed.

    Rows are claimed with SKIP LOCKED on PostgreSQL, so two workers never send the same email. When
    the server cannot be reached, ServerUnavailable is raised and the messages stay pending for the
    job's next try; only a message the server refuses counts an attempt (and fails after MAX_ATTEMPTS).
    """
    if not smtp_enabled():
        return 0, 0
    pending = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending")
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not pending:
        db.session.rollback()
        return 0, 0
    try:
        smtp = _connect()
    except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
        for message in pending:  # shown to organisers in the outbox; not an attempt of the message's
            message.last_error = f"connect: {exc}"[:500]
        db.session.commit()
        raise ServerUnavailable(f"connect: {exc}") from exc
    sent = failed = 0
    with smtp:
        for message in pending:
            try:
                smtp.send_message(_to_email_message(message))
            except smtplib.SMTPException as exc:
                _mark_failure([message], str(exc))
                failed += 1
            else:
                message.status, message.sent_at = "sent", clock.now()
                message.attempts += 1
                sent += 1
        db.session.commit()
    return sent, failed


def _mark_failure(messages: list[OutboxMessage], error: str) -> None:
    """Count a failed attempt; give up after MAX_ATTEMPTS."""
    for message in messages:
        message.attempts += 1
        message.last_error = error[:500]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = "failed"
