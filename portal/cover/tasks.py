"""The cover jobs: offer a new request to colleagues, and close what events overtook."""
from __future__ import annotations

from huey import crontab

from portal.cover import offers
from portal.i18n import lazy_text as _l
from portal.jobs import queue


@queue.job(_l("Offer a shift that needs cover to colleagues"), retries=2, retry_delay=30)
def offer(request_id: int) -> int:
    """Notify the students who could take the request's seat; the number told."""
    return offers.send_offers(request_id)


@queue.periodic(_l("Close cover requests and swaps whose shift started"), crontab(minute="*/10"),
                _l("every 10 minutes"))
def close_overtaken() -> int:
    """Every 10 minutes: requests and proposals of started shifts or ended bookings are closed."""
    return offers.close_overtaken()
