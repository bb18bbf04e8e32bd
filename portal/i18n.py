"""Language and time: Vietnamese by default, English on request; dates dd/mm/yyyy in Hanoi time."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from flask import current_app, has_request_context, request, session
from flask_babel import format_date as babel_format_date
from flask_babel import (
    format_datetime,
    format_decimal,
    format_percent,
    get_locale,
    get_translations,
    gettext,
    ngettext,
)
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import escape

from portal.core.clock import LOCAL_TZ

SESSION_KEY = "locale"


class LazyText(LazyString):
    """A message translated when it is shown, that is plain text, never markup.

    Flask-Babel's LazyString answers `__html__` with its raw text, so Jinja and markupsafe take
    it for safe markup and a name or title formatted into it reaches the page unescaped. Here the
    HTML form of the message is its escaped text: whatever data it carries arrives as text.
    """

    def __html__(self) -> str:
        return str(escape(str(self)))


def lazy_text(string: str, **variables) -> LazyText:
    """Mark a message for translation at display time (the portal's `_l`); always escaped in HTML."""
    return LazyText(gettext, string, **variables)


def lazy_ntext(singular: str, plural: str, num: int, **variables) -> LazyText:
    """The plural form of `lazy_text` (the portal's `_ln`)."""
    return LazyText(ngettext, singular, plural, num, **variables)


def select_locale() -> str:
    """Babel's locale selector: ?lang= on a public page (no cookie needed), else the visitor's
    choice this session, else their account's, else vi."""
    if not has_request_context():  # CLI and background work: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if asked in current_app.config["LANGUAGES"]:
        return asked
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


def format_number(value, digits: int = 1) -> str:
    """A number for reading, in the reader's format: at most `digits` decimals, thousands grouped
    (1.234,5 in Vietnamese, 1,234.5 in English); None shows as an em dash."""
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return format_decimal(round(float(value), digits) if digits else round(float(value)), format=pattern)


def format_share(ratio, digits: int = 0) -> str:
    """A share (0.125) as a percentage in the reader's format (12,5% or 12.5%); None shows as an em dash."""
    if ratio is None:
        return "—"
    return format_percent(float(ratio), format="#,##0" + ("." + "#" * digits if digits > 0 else "") + "%")


def pretty_json(value) -> str:
    """Indented JSON that keeps Vietnamese letters readable (autoescaping still applies)."""
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str)


def format_weekday(value) -> str:
    """The weekday's name in the current language (Thứ Hai, Monday)."""
    return babel_format_date(value, "EEEE")


def weekday_name(iso_number) -> str:
    """The name of an ISO weekday (1 = Monday) in the current language."""
    return format_weekday(date(2024, 1, 1) + timedelta(days=int(iso_number) - 1))  # 01/01/2024 was a Monday


_CATALOGUES: dict[str, object] = {}


def _catalogue(context):
    """The translations for the language a template renders in (its `lang`), looked up once per
    language instead of once per string; force_locale (emails) sets `lang` too, so it still works."""
    lang = context.get("lang")
    catalogue = _CATALOGUES.get(lang) if lang else None
    if catalogue is None:
        catalogue = get_translations()
        if lang and lang == current_locale():
            _CATALOGUES[lang] = catalogue
    return catalogue


@pass_context
def _template_gettext(context, message):
    return _catalogue(context).ugettext(message)


@pass_context
def _template_ngettext(context, singular, plural, n):
    return _catalogue(context).ungettext(singular, plural, n)


def init_app(app) -> None:
    """Register the date filters and the fast gettext for templates."""
    app.jinja_env.install_gettext_callables(_template_gettext, _template_ngettext, newstyle=True)
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime_local
    app.jinja_env.filters["time"] = format_time_local
    app.jinja_env.filters["pretty_json"] = pretty_json
    app.jinja_env.filters["hours"] = format_hours
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["share"] = format_share
    app.jinja_env.filters["weekday"] = format_weekday
    app.jinja_env.filters["weekday_name"] = weekday_name
