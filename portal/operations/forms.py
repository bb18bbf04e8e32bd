"""Forms of the operations screens: one per screen or per tap on Today and the tally."""
from __future__ import annotations

from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from portal.forms import BaseForm, choices
from portal.i18n import lazy_text as _l


class WalkInForm(BaseForm):
    """A leader adds a volunteer who came without a booking; they are checked in at once."""

    who = StringField(_l("Email or student ID"),
                      [DataRequired(message=_l("Enter the volunteer's email or student ID.")), Length(max=254)])
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

    category = HiddenField(validators=[DataRequired(message=_l("Choose a kind of help from the list.")),
                                       Length(max=40)])
    delta = SelectField(choices=choices([("1", "+1"), ("-1", "−1")]), validate_choice=True)


class HoursForm(BaseForm):
    """Correct the minutes a volunteer served, with the reason kept in the audit trail."""

    minutes = StringField(_l("Minutes served"), [Regexp(r"^\d{1,4}$", message=_l(
        "Enter the minutes served as a whole number."))])
    reason = StringField(_l("Reason"), [Length(max=500)])


def hours_form(booking_id: int, **kwargs) -> HoursForm:
    """The hours form of one volunteer's row on Today (ids unique on the page)."""
    form = HoursForm(**kwargs)
    form.minutes.id, form.reason.id = f"minutes-{booking_id}", f"reason-{booking_id}"
    return form


class RatingForm(BaseForm):
    """Rate a volunteer's shift from 1 to 5, with a comment they will read."""

    rating = RadioField(_l("Rating"), choices=choices((str(n), str(n)) for n in range(1, 6)),
                        validators=[DataRequired(message=_l("Choose a rating from 1 to 5."))])
    comment = StringField(_l("Comment the volunteer will read"), [Length(max=1000)])


def rating_form(booking_id: int, **kwargs) -> RatingForm:
    """The rating form of one volunteer's row on Today (ids unique on the page)."""
    form = RatingForm(**kwargs)
    form.rating.id, form.comment.id = f"rating-{booking_id}", f"comment-{booking_id}"
    return form


# The kinds of feedback a point records (their keys are FEEDBACK_CATEGORIES), and what a status button sets.
FEEDBACK_LABELS = {
    "procedure": _l("Procedures and dossiers"), "waiting": _l("Waiting time"), "conduct": _l("Staff conduct"),
    "online": _l("Online services"), "facilities": _l("Facilities"), "other": _l("Other"),
}


class FeedbackForm(BaseForm):
    """Record what a citizen reported at the point (never who reported it)."""

    category = SelectField(_l("Category"), choices=choices(FEEDBACK_LABELS.items()), validate_choice=True)
    text = TextAreaField(_l("What the citizen reported"), [Length(max=4000)])


class FeedbackStatusForm(BaseForm):
    """Mark a piece of feedback forwarded or resolved (the button pressed names the status)."""

    status = SelectField(choices=choices([("forwarded", "forwarded"), ("resolved", "resolved")]),
                         validate_choice=True)


class ActivityLogForm(BaseForm):
    """The shift's activity log; one count field per category is added by activity_log_form."""

    elderly = StringField(_l("Of whom elderly or vulnerable"), [Length(max=10)])
    notes = TextAreaField(_l("Notes"), [Length(max=8000)],
                          description=_l("Never write citizens' names, ID numbers, phone numbers or addresses."))
    incidents = TextAreaField(_l("Incidents"), [Length(max=8000)])
    confirm = StringField()  # sent by the button pressed: "1" confirms the log


def count_field(category_id: int) -> str:
    """The name of a category's count field (the service names its errors the same way)."""
    return f"count-{category_id}"


def activity_log_form(categories, locale: str, log=None, **kwargs) -> ActivityLogForm:
    """The log form of a shift: a count per active category, filled from the log as it stands."""
    form_class = type("ShiftActivityLogForm", (ActivityLogForm,), {
        count_field(c.id): StringField(c.label(locale), [Length(max=10)]) for c in categories})
    counts = {c.category_id: c.count for c in (log.counts if log else [])}
    data = {count_field(c.id): str(counts.get(c.id, 0)) for c in categories}
    if log is not None:
        data.update(elderly=str(log.elderly_helped or 0), notes=log.notes or "", incidents=log.incidents or "")
    else:
        data.update(elderly="0")
    return form_class(data=data, **kwargs)


class CategoriesForm(BaseForm):
    """A campaign's activity-log categories; a name pair and an on/off box per category are added by
    categories_form, and one new category may be added."""

    new_vi = StringField(_l("Name (Vietnamese)"), [Length(max=500)])
    new_en = StringField(_l("Name (English)"), [Length(max=500)])


def categories_form(categories, **kwargs) -> CategoriesForm:
    """The categories form of a campaign, filled with the categories as they stand."""
    fields = {}
    for c in categories:
        fields[f"label-{c.id}"] = StringField(_l("Name (Vietnamese)"), [Length(max=500)])
        fields[f"label_en-{c.id}"] = StringField(_l("Name (English)"), [Length(max=500)])
        fields[f"active-{c.id}"] = BooleanField(_l("Counted in activity logs"))
    form_class = type("CampaignCategoriesForm", (CategoriesForm,), fields)
    data = {}
    for c in categories:
        data.update({f"label-{c.id}": c.label_vi, f"label_en-{c.id}": c.label_en, f"active-{c.id}": c.is_active})
    return form_class(data=data, **kwargs)


def category_rows(form: CategoriesForm, categories) -> list[dict]:
    """What the form says of each existing category, as the service takes it."""
    return [{"id": c.id, "label_vi": form[f"label-{c.id}"].data or "", "label_en": form[f"label_en-{c.id}"].data or "",
             "active": bool(form[f"active-{c.id}"].data)} for c in categories]
