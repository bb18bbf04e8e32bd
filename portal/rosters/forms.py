"""The roster pages' choosers (GET forms: nothing changes)."""
from wtforms.validators import Optional

from portal.forms import BaseForm, LocalDateField
from portal.i18n import lazy_text as _l


class DayForm(BaseForm):
    """The day of a point's roster (today when left empty)."""

    class Meta:
        csrf = False

    date = LocalDateField(_l("Day"), [Optional()])


class WeekForm(BaseForm):
    """Any day of the week to plan (this week when left empty)."""

    class Meta:
        csrf = False

    week = LocalDateField(_l("A day of the week"), [Optional()])
