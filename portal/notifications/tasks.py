"""The notices' background jobs: deliver what is due, soon after it is made and every minute."""
from __future__ import annotations

from huey import crontab

from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.jobs import queue
from portal.notifications import services as notifications


@queue.job(_l("Send notices on email and phones"), retries=3, retry_delay=30, retry_backoff=2)
def deliver() -> int:
    """Deliver every notice that is due; the number delivered."""
    return notifications.deliver_due()


@queue.periodic(_l("Look for notices due to go out"), crontab(minute="*"), _l("every minute"))
def sweep() -> None:
    """Every minute: notices made while no worker ran, and those held back by quiet hours."""
    if notifications.due_notices(limit=1):
        deliver()


@queue.periodic(_l("Remove notices older than 180 days"), crontab(minute="40", hour="19"), _l("every night"))
def prune() -> int:
    """Nightly (02:40 in Hanoi): the retention the register promises."""
    removed = notifications.prune()
    db.session.commit()
    return removed
