"""The audit log's filter form (GET, so no CSRF token)."""
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from portal.forms import BaseForm, LocalDateField
from portal.i18n import lazy_text as _l


class AuditFilterForm(BaseForm):
    """Filter events by person, kind, action, kind of record, who did it and local dates."""

    class Meta:
        csrf = False

    person = StringField(_l("Person (name or email)"), [Optional(), Length(max=254)])
    kind = SelectField(_l("Kind"), [Optional()], choices=[], validate_choice=False)
    action = SelectField(_l("Action"), [Optional()], choices=[], validate_choice=False)
    target_type = SelectField(_l("Record"), [Optional()], choices=[], validate_choice=False)
    actor = SelectField(_l("Done by"), [Optional()], choices=[], validate_choice=False)
    date_from = LocalDateField(_l("From"), [Optional()])
    date_to = LocalDateField(_l("To"), [Optional()])
