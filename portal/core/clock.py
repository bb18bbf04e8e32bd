"""The one clock: the current instant in UTC and today's date in Hanoi, where the campaign runs.

Every module asks this module for the time (`clock.now()`, `clock.local_today()`), so a test can pin
it in one place; `LOCAL_TZ` is the one definition of the campaign's time zone.
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now() -> datetime:
    """The current instant as an aware UTC datetime (what is stored and compared)."""
    return datetime.now(timezone.utc)


def local_now() -> datetime:
    """The current instant as an aware datetime in Hanoi time."""
    return now().astimezone(LOCAL_TZ)


def local_today() -> date:
    """Today's date in Hanoi, whatever the server's own zone."""
    return local_now().date()


def day_start(day: date) -> datetime:
    """The instant a Hanoi calendar day begins (its midnight), for "on this day" queries."""
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)
