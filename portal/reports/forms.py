"""The report filters (GET forms: nothing changes)."""
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import Length, Optional

from portal.forms import BaseForm, LocalDateField
from portal.i18n import lazy_text as _l


class DashboardFilter(BaseForm):
    """Campaign, dates, branch, point, school and chapter."""

    class Meta:
        csrf = False

    campaign = SelectField(_l("Campaign"), coerce=int, validate_choice=False, validators=[Optional()])
    start = LocalDateField(_l("From"), [Optional()])
    end = LocalDateField(_l("To"), [Optional()])
    branch = SelectField(_l("Branch"), coerce=int, validate_choice=False, validators=[Optional()])
    point = SelectField(_l("Service point"), coerce=int, validate_choice=False, validators=[Optional()])
    school = StringField(_l("School"), [Optional(), Length(max=120)])
    chapter = StringField(_l("Chapter"), [Optional(), Length(max=120)])
    # The campaign whose dates the date boxes hold: choosing another campaign replaces the dates with
    # its own (the server does it without JavaScript; static/js/app.js does it as soon as it is chosen).
    dates_for = HiddenField()
