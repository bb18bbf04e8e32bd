"""One form per reminders screen."""
from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Regexp

from portal.forms import BaseForm, choices
from portal.i18n import lazy_text as _l


class AnswerForm(BaseForm):
    """"Bạn vẫn đến chứ?": one of two buttons, each posting its answer."""

    answer = SelectField(choices=choices([("coming", _l("I am coming")), ("released", _l("I cannot come"))]),
                         validate_choice=True)


class MissedForm(BaseForm):
    """What went wrong with a missed shift (optional)."""

    reason = TextAreaField(_l("What happened? (optional)"), [Length(max=500, message=_l(
        "Keep it under 500 characters."))], description=_l("Only the organisers read this."))


class SettingsForm(BaseForm):
    """A campaign's reminder settings."""

    evening_on = BooleanField(_l("Remind volunteers the evening before their shift"))
    evening_at = StringField(_l("Time of the evening reminder"), [Regexp(r"^([01]?\d|2[0-3]):[0-5]\d$", message=_l(
        "Enter a time such as 19:00."))], description=_l("Hanoi time, 24-hour clock, e.g. 19:00."))
    soon_on = BooleanField(_l("Remind them again shortly before the shift (sent even in quiet hours)"))
    soon_hours = IntegerField(_l("Hours before the shift"), [
        InputRequired(message=_l("Choose between 1 and 12 hours.")),
        NumberRange(1, 12, message=_l("Choose between 1 and 12 hours."))])
    what_to_bring = TextAreaField(_l("What to bring"), [Length(max=1000)], description=_l(
        "One item a line. Leave empty for the usual list: student card or ID card, the volunteer shirt, a charged "
        "phone, a pen and water."))
    no_show_limit = IntegerField(_l("Pause self-booking after this many no-shows"), [
        InputRequired(message=_l("Choose a number from 0 to 20.")),
        NumberRange(0, 20, message=_l("Choose a number from 0 to 20."))], description=_l("0 never pauses."))
