"""Personal data's background job: the retention rules, applied every night."""
from __future__ import annotations

from huey import crontab

from portal.i18n import lazy_text as _l
from portal.jobs import queue
from portal.privacy import retention


# 19:30 UTC is 02:30 in Hanoi. Apply is idempotent, and a lock keeps two workers from running it together.
@queue.periodic(_l("Apply the retention rules"), crontab(hour="19", minute="30"), _l("every night at 02:30"))
def apply_retention() -> dict[str, int]:
    """Apply every retention rule; what each did (counts only)."""
    with queue.huey.lock_task("privacy.retention"):
        return {rule.key: count for rule, count in retention.apply()}
