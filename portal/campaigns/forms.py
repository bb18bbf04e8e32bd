"""One form per campaigns screen."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.campaigns import models as m
from portal.campaigns.labels import STATUS_LABELS
from portal.forms import BaseForm, LocalDateField, choices

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
    status = SelectField(_l("Status"), choices=lambda: choices(STATUS_LABELS.items()))
    organiser_text = TextAreaField(
        _l("Organisers"), [Optional(), Length(max=4000)],
        description=_l("One organisation per line, e.g. Thành đoàn Hà Nội."),
    )
