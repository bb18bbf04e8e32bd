"""One form per campaigns screen."""
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from portal.campaigns import models as m
from portal.core import statuses
from portal.forms import BaseForm, LocalDateField, MultiCheckboxField, choices
from portal.i18n import lazy_text as _l


def _date(label, required=True):
    """A dd/mm/yyyy date typed as text, as Vietnamese forms do."""
    checks = [DataRequired(message=_l("Enter a date as dd/mm/yyyy."))] if required else [Optional()]
    return LocalDateField(label, checks)


class CampaignForm(BaseForm):
    """Create or edit a campaign."""

    name = StringField(_l("Name"), [DataRequired(message=_l("Enter the campaign's name.")), Length(max=m.NAME_MAX)])
    slug = StringField(
        _l("Web address (slug)"), [Optional(), Length(max=m.SLUG_MAX)],
        description=_l("Made from the name when left empty, e.g. thanh-nien-dong-hanh-2025."),
    )
    description = TextAreaField(_l("Description"), [Optional(), Length(max=5000)])
    start_date = _date(_l("Start date"))
    end_date = _date(_l("End date"))
    peak_start = _date(_l("Peak period starts"), required=False)
    peak_end = _date(_l("Peak period ends"), required=False)
    status = SelectField(_l("Status"), choices=lambda: choices(statuses.labels("campaign").items()))
    booking_window_days = IntegerField(
        _l("Shifts open for booking (days ahead)"), [InputRequired(message=_l("Enter a number of days.")),
                                                    NumberRange(1, 365, message=_l("Enter a number from 1 to 365."))],
        default=14)
    cancel_cutoff_hours = IntegerField(
        _l("Students may cancel until (hours before the start)"),
        [InputRequired(message=_l("Enter a number of hours.")),
         NumberRange(0, 168, message=_l("Enter a number from 0 to 168."))],
        default=12)
    max_shifts_per_week = IntegerField(
        _l("Most shifts a student may book in a week"),
        [InputRequired(message=_l("Enter a number.")), NumberRange(1, 21, message=_l("Enter a number from 1 to 21."))],
        default=5)
    max_hours_per_day = IntegerField(
        _l("Most hours a student may serve in a day"),
        [InputRequired(message=_l("Enter a number.")), NumberRange(1, 24, message=_l("Enter a number from 1 to 24."))],
        default=8)
    peak_extra_seats = IntegerField(
        _l("Extra seats per shift in the peak period"),
        [InputRequired(message=_l("Enter a number.")),
         NumberRange(0, 100, message=_l("Enter a number from 0 to 100."))],
        default=2)
    organiser_text = TextAreaField(
        _l("Organisers"), [Optional(), Length(max=4000)],
        description=_l("One organisation per line, e.g. Thành đoàn Hà Nội."),
    )


class PointForm(BaseForm):
    """Create or edit a service point."""

    name = StringField(_l("Name"), [DataRequired(message=_l("Enter the point's name.")), Length(max=160)])
    branch_name = StringField(_l("Branch"), [DataRequired(message=_l("Enter the branch, e.g. Chi nhánh số 6.")),
                                             Length(max=120)])
    ward = StringField(_l("Ward or commune"), [DataRequired(message=_l("Enter the ward or commune.")), Length(max=120)])
    address = StringField(_l("Address"), [DataRequired(message=_l("Enter the address.")), Length(max=255)])
    map_url = StringField(_l("Map link"), [Optional(), Length(max=500)])
    opening_hours = StringField(_l("Opening hours"), [Optional(), Length(max=255)],
                                description=_l("E.g. Thứ Hai – Thứ Sáu 7:30–17:00; sáng Thứ Bảy 7:30–11:30."))
    volunteer_notes = TextAreaField(_l("Notes for volunteers"), [Optional(), Length(max=2000)])
    is_active = BooleanField(_l("Open to volunteers"))
    leader_ids = MultiCheckboxField(_l("Team leaders"), coerce=int, choices=[])


class StaffForm(BaseForm):
    """Assign one person to a campaign in a staff role, or remove them (one button per person and role)."""

    user_id = IntegerField(validators=[InputRequired(message=_l("Choose a person from the list."))])
    role = StringField(validators=[AnyOf(m.STAFF_ROLES, message=_l("Choose trainer or team leader."))])
    assigned = StringField(validators=[AnyOf(("0", "1"), message=_l("Choose to assign or remove."))])
