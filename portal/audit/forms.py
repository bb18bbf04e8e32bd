"""The audit log's filter form (GET, so no CSRF token)."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import Optional
from wtforms.widgets import TextInput

from portal.forms import BaseForm

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class AuditFilterForm(BaseForm):
    """Filter events by action, kind of record, person and local dates."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), [Optional()], choices=[], validate_choice=False)
    target_type = SelectField(_l("Record"), [Optional()], choices=[], validate_choice=False)
    actor = SelectField(_l("Done by"), [Optional()], choices=[], validate_choice=False)
    date_from = DateField(_l("From"), [Optional()], format=DATE_FORMATS, widget=TextInput(),
                          render_kw={"placeholder": "dd/mm/yyyy"})
    date_to = DateField(_l("To"), [Optional()], format=DATE_FORMATS, widget=TextInput(),
                        render_kw={"placeholder": "dd/mm/yyyy"})
