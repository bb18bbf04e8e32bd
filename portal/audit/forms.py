"""The audit log's filter form (GET, so no CSRF token)."""
from portal.i18n import lazy_text as _l
from wtforms import SelectField
from wtforms.validators import Optional

from portal.forms import BaseForm, LocalDateField


class AuditFilterForm(BaseForm):
    """Filter events by action, kind of record, person and local dates."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), [Optional()], choices=[], validate_choice=False)
    target_type = SelectField(_l("Record"), [Optional()], choices=[], validate_choice=False)
    actor = SelectField(_l("Done by"), [Optional()], choices=[], validate_choice=False)
    date_from = LocalDateField(_l("From"), [Optional()])
    date_to = LocalDateField(_l("To"), [Optional()])
