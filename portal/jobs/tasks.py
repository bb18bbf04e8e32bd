"""The queue's own upkeep."""
from __future__ import annotations

from huey import crontab

from portal.i18n import lazy_text as _l
from portal.jobs import queue


@queue.periodic(_l("Forget old job runs"), crontab(minute="10", hour="20"), _l("every night at 03:10"))
def prune() -> int:
    """Forget finished runs older than two weeks (20:10 UTC is 03:10 in Hanoi)."""
    return queue.prune_runs()
