"""One form per certificates screen."""
from wtforms import BooleanField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, StopValidation

from portal.certificates.labels import REVOKE_CATEGORY_LABELS
from portal.forms import BaseForm, choices
from portal.i18n import current_locale
from portal.i18n import lazy_text as _l


def finite(form, field):
    """Refuse NaN and infinities, which NumberRange cannot compare."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation(_l("Enter a number from 0 to 1000."))


class HoursField(DecimalField):
    """Hours typed as the reader writes them: 12,5 in Vietnamese, 12.5 in English (both are read)."""

    def process_formdata(self, valuelist):
        super().process_formdata([v.strip().replace(",", ".") for v in valuelist] if valuelist else valuelist)

    def _value(self):
        shown = super()._value()
        return shown.replace(".", ",") if not self.raw_data and current_locale() == "vi" else shown


class RuleForm(BaseForm):
    """Who earns the campaign's certificate."""

    require_training = BooleanField(_l("Required training modules completed"))
    min_hours = HoursField(
        _l("Minimum attended hours"), [InputRequired(message=_l("Enter the minimum hours (0 for none).")), finite,
                                       NumberRange(0, 1000, message=_l("Enter a number from 0 to 1000."))],
        places=None, description=_l("For example 12 or 12.5. At least one attended shift is always needed."))
    max_no_shows = IntegerField(
        _l("Most no-shows allowed"), [Optional(), NumberRange(0, 1000, message=_l("Enter a number from 0 to 1000."))],
        description=_l("Leave empty for no limit."))


class IssueForm(BaseForm):
    """Issue certificates to everyone eligible; before the campaign ends, with a reason."""

    reason = TextAreaField(_l("Reason for issuing before the campaign ends"), [Optional(), Length(max=500)])


class ReasonForm(BaseForm):
    """Correct a certificate, with a reason."""

    reason = TextAreaField(_l("Reason"), [DataRequired(message=_l("Give a reason (at least 5 characters).")),
                                          Length(min=5, max=500, message=_l("Give a reason of 5 to 500 characters."))])


class RevokeForm(ReasonForm):
    """Revoke a certificate: the public category, and the reason in the organiser's words (kept private)."""

    category = SelectField(_l("What the public page says"), choices=[],
                           validators=[DataRequired(message=_l("Choose what the public page says."))])
    reason = TextAreaField(_l("Reason (for the organisers and the holder only)"),
                           [DataRequired(message=_l("Give a reason (at least 5 characters).")),
                            Length(min=5, max=500, message=_l("Give a reason of 5 to 500 characters."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = choices([("", _l("Choose…"))] + list(REVOKE_CATEGORY_LABELS.items()))


class LookupForm(BaseForm):
    """Type a certificate code by hand (a GET form: nothing changes)."""

    class Meta:
        csrf = False

    code = StringField(_l("Certificate code"), [DataRequired(message=_l("Enter the code printed on the certificate.")),
                                                Length(max=40)],
                       description=_l("16 letters and digits, for example 7KQ2-M9XD-4FHT-PW3R."))


class PreviewFilter(BaseForm):
    """Filter the eligibility preview."""

    class Meta:
        csrf = False

    show = SelectField(_l("Show"), choices=choices([("all", _l("Everyone")),
                                                    ("eligible", _l("Eligible, not issued yet")),
                                                    ("not", _l("Not eligible")), ("issued", _l("Already issued"))]),
                       default="all", validate_choice=False)
