"""Forms of the shifts screens."""
from datetime import date

from wtforms import BooleanField, Field, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.utils import unset_value
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from portal.accounts.models import PREFERRED_POINTS_MAX
from portal.forms import BaseForm, LocalDateField, MultiCheckboxField, choices
from portal.i18n import lazy_text as _l

WEEKDAYS = [(1, _l("Monday")), (2, _l("Tuesday")), (3, _l("Wednesday")), (4, _l("Thursday")),
            (5, _l("Friday")), (6, _l("Saturday")), (7, _l("Sunday"))]


class DatePartsField(Field):
    """A date typed in three boxes (day, month, year), as GOV.UK asks for dates people know.

    All three empty is no date; anything else must be a real date, or the field says what is wrong
    (the boxes keep what was typed). The inputs are named `<name>-day`, `-month`, `-year`."""

    PARTS = ("day", "month", "year")

    def process(self, formdata, data=unset_value, extra_filters=None):
        """Read the three boxes and parse them; errors wait in process_errors for validate()."""
        self.process_errors, self.data = [], None
        self.raw = dict.fromkeys(self.PARTS, "")
        if formdata is not None:
            self.raw = {p: (formdata.get(f"{self.name}-{p}") or "").strip()[:8] for p in self.PARTS}
        elif isinstance(data, date):
            self.raw = {"day": str(data.day), "month": str(data.month), "year": str(data.year)}
        filled = [p for p in self.PARTS if self.raw[p]]
        if not filled:
            return
        if len(filled) < 3:
            self.process_errors.append(_l("Enter the day, the month and the year."))
        elif not all(self.raw[p].isascii() and self.raw[p].isdigit() for p in self.PARTS):
            self.process_errors.append(_l("Enter the date in numbers, for example 27 3 2026."))
        else:
            try:
                value = date(int(self.raw["year"]), int(self.raw["month"]), int(self.raw["day"]))
            except ValueError:
                self.process_errors.append(_l("Enter a real date, for example 27 3 2026."))
            else:
                if LocalDateField.EARLIEST <= value <= LocalDateField.LATEST:
                    self.data = value
                else:
                    self.process_errors.append(_l("Enter a date between 01/01/2000 and 31/12/2100."))


WHEN_CHOICES = ("today", "tomorrow", "week", "weekend")


class ShiftFilterForm(BaseForm):
    """Filter the shifts a student can take (GET): dates or a date chip, a week page, a place."""

    class Meta:
        csrf = False

    date_from = DatePartsField(_l("From"))
    date_to = DatePartsField(_l("To"))
    when = StringField(_l("Dates"), [Optional(), AnyOf(WHEN_CHOICES, message=_l("Choose one of the date buttons."))])
    week = LocalDateField(_l("Week"), [Optional()])
    page = IntegerField(_l("Page"), [Optional(), NumberRange(1, 1000, message=_l("That page does not exist."))])
    branch = SelectField(_l("Branch"), [Optional()], choices=[], validate_choice=False)
    point = SelectField(_l("Service point"), [Optional()], choices=[], validate_choice=False)
    available = BooleanField(_l("Only shifts with free seats"))

    def fill_choices(self, branches, points):
        """Offer the branches, and the active points (only the chosen branch's, when one is chosen)."""
        everyone = ("", _l("All"))
        self.branch.choices = choices([everyone] + [(str(b.id), b.name) for b in branches])
        if self.branch.data:
            points = [p for p in points if str(p.branch_id) == self.branch.data]
        self.point.choices = choices([everyone] + [(str(p.id), p.name) for p in points])

    def validate(self, extra_validators=None):
        """Validate each field, then the order of the two dates (the end beside its box)."""
        valid = super().validate(extra_validators)
        start, end = self.date_from.data, self.date_to.data
        if start and end and end < start:
            self.date_to.errors.append(_l("The end date must be the same as or after the start date."))
            valid = False
        return valid

    def date_errors(self) -> bool:
        """Tell whether the dates (typed, a chip or a week) were refused, so the default range applies."""
        return any(f.errors for f in (self.date_from, self.date_to, self.when, self.week, self.page))


class PreferredPointsForm(BaseForm):
    """The service points whose shifts a student wants to see first."""

    points = MultiCheckboxField(_l("Preferred service points"), coerce=str, choices=[], validate_choice=False)

    def validate(self, extra_validators=None):
        """At most PREFERRED_POINTS_MAX points, each an id."""
        valid = super().validate(extra_validators)
        values = self.points.data or []
        if len(values) > PREFERRED_POINTS_MAX:
            self.points.errors.append(_l("Choose at most %(n)d points.", n=PREFERRED_POINTS_MAX))
            valid = False
        elif any(not (v.isascii() and v.isdigit() and len(v) <= 9) for v in values):
            self.points.errors.append(_l("Choose points from the list."))
            valid = False
        return valid


class TemplateForm(BaseForm):
    """A weekly shift pattern at a point."""

    point = SelectField(_l("Service point"), [DataRequired(message=_l("Choose a service point."))], choices=[],
                        coerce=str)
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
    confirm = StringField()  # the button pressed ("1" creates the shifts, "0" updates the preview); no input of its own


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

    who = StringField(_l("Email or student ID"),
                      [DataRequired(message=_l("Enter the volunteer's email or student ID.")), Length(max=254)])
    override = BooleanField(_l("Add even if the shift is full (one extra seat, recorded)"))
