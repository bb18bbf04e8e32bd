"""Forms of the shifts screens."""
from portal.i18n import lazy_text as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.accounts.forms import MultiCheckboxField
from portal.forms import BaseForm, LocalDateField, choices

WEEKDAYS = [(1, _l("Monday")), (2, _l("Tuesday")), (3, _l("Wednesday")), (4, _l("Thursday")),
            (5, _l("Friday")), (6, _l("Saturday")), (7, _l("Sunday"))]


class ShiftFilterForm(BaseForm):
    """Filter the shifts a student can take (GET)."""

    class Meta:
        csrf = False

    date_from = LocalDateField(_l("From"), [Optional()])
    date_to = LocalDateField(_l("To"), [Optional()])
    branch = SelectField(_l("Branch"), [Optional()], choices=[], validate_choice=False)
    point = SelectField(_l("Service point"), [Optional()], choices=[], validate_choice=False)
    available = BooleanField(_l("Only shifts with free seats"))

    def fill_choices(self, branches, points):
        """Offer the branches and active points."""
        everyone = ("", _l("All"))
        self.branch.choices = choices([everyone] + [(str(b.id), b.name) for b in branches])
        self.point.choices = choices([everyone] + [(str(p.id), p.name) for p in points])


class TemplateForm(BaseForm):
    """A weekly shift pattern at a point."""

    point = SelectField(_l("Service point"), [DataRequired(message=_l("Choose a service point."))], choices=[], coerce=str)
    weekdays = MultiCheckboxField(_l("Weekdays"), coerce=int, choices=choices(WEEKDAYS))
    start_time = TimeField(_l("Starts at"), [DataRequired(message=_l("Enter a time as HH:MM."))])
    end_time = TimeField(_l("Ends at"), [DataRequired(message=_l("Enter a time as HH:MM."))])
    capacity = IntegerField(_l("Seats"), [DataRequired(message=_l("Enter the number of seats.")),
                                          NumberRange(1, 500, message=_l("Enter a number from 1 to 500."))])
    task_focus = StringField(_l("Task focus"), [Optional(), Length(max=200)],
                             description=_l("E.g. guiding dossiers, VNeID activation, queue at peak hours."))


class GenerateForm(BaseForm):
    """Generate a template's shifts, skipping chosen dates."""

    skip = TextAreaField(_l("Dates to skip"), [Optional(), Length(max=4000)],
                         description=_l("Holidays and closures, one dd/mm/yyyy per line (e.g. 01/01/2026)."))


class ShiftEditForm(BaseForm):
    """Change one shift."""

    date = LocalDateField(_l("Date"), [DataRequired(message=_l("Enter a date as dd/mm/yyyy."))])
    start_time = TimeField(_l("Starts at"), [DataRequired(message=_l("Enter a time as HH:MM."))])
    end_time = TimeField(_l("Ends at"), [DataRequired(message=_l("Enter a time as HH:MM."))])
    capacity = IntegerField(_l("Seats"), [InputRequired(message=_l("Enter the number of seats.")),
                                          NumberRange(0, 500, message=_l("Enter a number from 0 to 500."))])


class ShiftCancelForm(BaseForm):
    """Cancel a shift, with the reason volunteers will read."""

    reason = StringField(_l("Reason"), [DataRequired(message=_l("Give the reason the volunteers will read.")),
                                        Length(max=500)])


class AddVolunteerForm(BaseForm):
    """A leader adds a volunteer to a shift."""

    who = StringField(_l("Email or student ID"), [DataRequired(message=_l("Enter the volunteer's email or student ID.")),
                                                  Length(max=254)])
    override = BooleanField(_l("Add even if the shift is full (one extra seat, recorded)"))
