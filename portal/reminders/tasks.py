"""The reminders' background jobs: reminders due every five minutes, and the missed-shift question each morning."""
from __future__ import annotations

from huey import crontab

from portal.i18n import lazy_text as _l
from portal.jobs import queue
from portal.reminders import noshows, planner


@queue.periodic(_l("Send the shift reminders that are due"), crontab(minute="*/5"), _l("every five minutes"))
def send_reminders() -> int:
    """Every five minutes: the evening-before and soon-before reminders now due (each sent once, by its key)."""
    return planner.send_due().total


# 02:00 UTC is 09:00 in Hanoi: a decent hour to ask about yesterday.
@queue.periodic(_l("Ask students about the shifts they missed"), crontab(hour="2", minute="0"),
                _l("every day at 09:00"))
def ask_missed() -> int:
    """Each morning: ask about yesterday's missed shifts (once per booking) and pause repeated no-shows."""
    return noshows.ask_missed()
