"""Forms of the operations screens: one per screen or per tap on Today and the tally."""
from __future__ import annotations

from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import BaseForm, choices
from portal.i18n import lazy_text as _l


class WalkInForm(BaseForm):
    """A leader adds a volunteer who came without a booking; they are checked in at once."""

    who = StringField(_l("Email or student ID"), [DataRequired(message=_l("Enter the volunteer's email or student ID.")),
                                                  Length(max=254)])
    override = BooleanField(_l("Add even if the shift is full (one extra seat, recorded)"))
    person = StringField(validators=[Optional(), Length(max=12)])  # the account picked when an ID is shared


def walk_in_form(shift_id: int, **kwargs) -> WalkInForm:
    """The walk-in form of one shift on Today: field ids unique on the page, names as the form posts them."""
    form = WalkInForm(**kwargs)
    form.who.id, form.override.id = f"walkin-{shift_id}", f"walkin-override-{shift_id}"
    return form


class TaskForm(BaseForm):
    """A volunteer's task for the shift, saved from their row."""

    task = StringField(_l("Task"), [Length(max=200, message=_l("Keep the task under 200 characters."))])


class UndoForm(BaseForm):
    """Undo the latest change of a row on Today."""

    change = HiddenField(validators=[DataRequired(message=_l("There is nothing to undo on this row.")),
                                     Length(max=12)])


class TallyForm(BaseForm):
    """One tap on the tally: +1 or −1 in one kind of help."""

    category = HiddenField(validators=[DataRequired(message=_l("Choose a kind of help from the list.")), Length(max=40)])
    delta = SelectField(choices=choices([("1", "+1"), ("-1", "−1")]), validate_choice=True)
