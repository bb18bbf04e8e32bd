"""One form per training screen."""
from wtforms import BooleanField, FileField, IntegerField, StringField, TextAreaField, TimeField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from portal.forms import BaseForm, LocalDateField, MultiCheckboxField
from portal.i18n import lazy_text as _l
from portal.training.models import TITLE_MAX


class ModuleForm(BaseForm):
    """Create or edit a training module."""

    title = StringField(_l("Title"), [DataRequired(message=_l("Enter the module's title.")), Length(max=TITLE_MAX)])
    summary = StringField(_l("Summary"), [Optional(), Length(max=500)],
                          description=_l("One sentence that students see in the list."))
    body_md = TextAreaField(_l("Content"), [Optional(), Length(max=50_000)],
                            description=_l("Markdown: **bold**, lists with -, headings with ##, links [text](https://…)."))
    estimated_minutes = IntegerField(
        _l("Estimated minutes"), [DataRequired(message=_l("Enter how many minutes it takes.")),
                                  NumberRange(1, 1440, message=_l("Enter a number from 1 to 1440."))])
    is_required = BooleanField(_l("Required before serving at a point"))
    validity_days = IntegerField(
        _l("Valid for (days)"), [Optional(), NumberRange(1, 3650, message=_l("Enter a number from 1 to 3650."))],
        description=_l("Leave empty if a completion never expires."))


class MoveForm(BaseForm):
    """Move a module one place up or down the list (the arrow button pressed)."""

    direction = StringField(validators=[AnyOf(("up", "down"), message=_l("Choose to move the module up or down."))])


class RetireForm(BaseForm):
    """Retire a module ("1"), or restore a retired one ("0")."""

    retired = StringField(validators=[AnyOf(("0", "1"), message=_l("Choose to retire or restore the module."))])


class QuizForm(BaseForm):
    """Edit a module's self-check quiz as text."""

    quiz = TextAreaField(
        _l("Questions"), [Optional(), Length(max=20_000)],
        description=_l("A question on one line, then its options, one per line, starting with - ; "
                       "start the right one with * . Leave a blank line between questions."))


class UndoForm(BaseForm):
    """Undo a completion, with a reason."""

    reason = StringField(_l("Reason"), [DataRequired(message=_l("Say why you undo this completion.")), Length(max=500)])


class ImportForm(BaseForm):
    """Upload an attendance sheet."""

    file = FileField(_l("Attendance sheet (CSV)"), [DataRequired(message=_l("Choose a CSV file."))],
                     description=_l("A column “email” or “student_id”; UTF-8, as Excel's “CSV UTF-8” saves it."))


class SessionForm(BaseForm):
    """Schedule a training session."""

    title = StringField(_l("Title"), [DataRequired(message=_l("Enter the session's title.")), Length(max=TITLE_MAX)])
    date = LocalDateField(_l("Date"), [DataRequired(message=_l("Enter a date as dd/mm/yyyy."))])
    start_time = TimeField(_l("Starts at"), [DataRequired(message=_l("Enter a time as HH:MM."))],
                           render_kw={"placeholder": "08:00"})
    end_time = TimeField(_l("Ends at"), [DataRequired(message=_l("Enter a time as HH:MM."))],
                         render_kw={"placeholder": "11:00"})
    place = StringField(_l("Place"), [Optional(), Length(max=255)])
    online_url = StringField(_l("Online link"), [Optional(), Length(max=500)])
    capacity = IntegerField(_l("Seats"), [DataRequired(message=_l("Enter the number of seats.")),
                                          NumberRange(1, 2000, message=_l("Enter a number from 1 to 2000."))])
    module_ids = MultiCheckboxField(_l("Modules covered"), coerce=int, choices=[])
