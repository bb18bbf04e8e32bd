"""Language and time: Vietnamese by default, English on request; dates dd/mm/yyyy in Hanoi time."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, session
from flask_babel import format_datetime, format_decimal, get_locale
from flask_login import current_user

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SESSION_KEY = "locale"


def select_locale() -> str:
    """Babel's locale selector: the visitor's choice this session, else their account's, else vi."""
    if not has_request_context():  # CLI and background work: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get(SESSION_KEY)
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    if current_user and current_user.is_authenticated:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale() -> str:
    """The language of the current request, as a code ('vi' or 'en')."""
    return str(get_locale() or "vi")


def format_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy, whatever the language; a datetime is first moved to Hanoi time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LOCAL_TZ)
    return value.strftime("%d/%m/%Y")


def format_datetime_local(value: datetime | None) -> str:
    """dd/mm/yyyy HH:mm (24-hour) in Hanoi time."""
    if value is None:
        return ""
    return format_datetime(value, "dd/MM/yyyy HH:mm")


def format_time_local(value: datetime | None) -> str:
    """HH:mm (24-hour) in Hanoi time."""
    return value.astimezone(LOCAL_TZ).strftime("%H:%M") if value else ""


def format_hours(minutes: int | None) -> str:
    """Minutes as hours with at most one decimal, in the reader's number format (24,5 or 24.5)."""
    return format_decimal(round((minutes or 0) / 60, 1), format="#,##0.#")


def pretty_json(value) -> str:
    """Indented JSON that keeps Vietnamese letters readable (autoescaping still applies)."""
    import json

    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str)


def format_weekday(value) -> str:
    """The weekday's name in the current language (Thứ Hai, Monday)."""
    from flask_babel import format_date as babel_format_date

    return babel_format_date(value, "EEEE")


def weekday_name(iso_number) -> str:
    """The name of an ISO weekday (1 = Monday) in the current language."""
    from datetime import date, timedelta

    return format_weekday(date(2024, 1, 1) + timedelta(days=int(iso_number) - 1))  # 01/01/2024 was a Monday


def init_app(app) -> None:
    """Register the date filters for templates."""
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime_local
    app.jinja_env.filters["time"] = format_time_local
    app.jinja_env.filters["pretty_json"] = pretty_json
    app.jinja_env.filters["hours"] = format_hours
    app.jinja_env.filters["weekday"] = format_weekday
    app.jinja_env.filters["weekday_name"] = weekday_name
