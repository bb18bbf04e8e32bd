"""The reports' background jobs: the weekly and monthly reports mailed to organisers on schedule."""
from __future__ import annotations

from huey import crontab

from portal.core import clock
from portal.i18n import lazy_text as _l
from portal.jobs import queue
from portal.reports import services as reports
from portal.reports import staffing


def _mail(kind: str) -> int:
    """Mail the last full period's reports, once per period however many workers run this."""
    return len(reports.send_period(kind, clock.local_today()))


# 01:00 UTC is 08:00 in Hanoi; huey's day_of_week counts from Sunday = 0.
@queue.periodic(_l("Mail last week's reports to the organisers"), crontab(day_of_week="1", hour="1", minute="0"),
                _l("Mondays at 08:00"))
def weekly_reports() -> int:
    """Monday morning: last week's report, Monday to Sunday."""
    return _mail("week")


@queue.periodic(_l("Mail last month's reports to the organisers"), crontab(day="1", hour="1", minute="0"),
                _l("on the 1st of each month at 08:00"))
def monthly_reports() -> int:
    """The first morning of a month: last month's report."""
    return _mail("month")


@queue.job(_l("Call free, trained students to a short-staffed shift"), retries=3, retry_delay=30, retry_backoff=2)
def staffing_call(call_id: int) -> int:
    """Tell the students who could come (each once, however often this runs); the number told."""
    return staffing.send_call(call_id)
