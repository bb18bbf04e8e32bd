"""The outbox's background jobs: deliver what it holds, soon after it is queued and every minute."""
from __future__ import annotations

from huey import crontab

from portal.i18n import lazy_text as _l
from portal.jobs import queue
from portal.mail import services as mail

# While the SMTP server cannot be reached, try again after 15 s, 30 s, 1 min, … (about an hour in all);
# the minute sweep picks the mail up after that too, so an outage never fails a message for good.
RETRIES, FIRST_DELAY, BACKOFF = 8, 15, 2


@queue.job(_l("Send the outbox's emails"), retries=RETRIES, retry_delay=FIRST_DELAY, retry_backoff=BACKOFF)
def deliver() -> tuple[int, int]:
    """Send the pending mail (sent, failed); ServerUnavailable makes the queue try again later."""
    sent_total = failed_total = 0
    while True:
        sent, failed = mail.send_pending()
        sent_total, failed_total = sent_total + sent, failed_total + failed
        if sent + failed == 0:
            return sent_total, failed_total


@queue.periodic(_l("Look for emails waiting to be sent"), crontab(minute="*"), _l("every minute"))
def sweep() -> None:
    """Every minute: deliver whatever is pending (mail queued while no worker ran, or after an outage)."""
    if mail.smtp_enabled() and mail.has_pending():
        deliver()
