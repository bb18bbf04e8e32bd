"""One form per certificates screen."""
from wtforms import BooleanField, DecimalField, FileField, IntegerField, SelectField, StringField, TextAreaField
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


class CredentialFileForm(BaseForm):
    """Upload a credential to check it: its Open Badges JSON, or the PDF that carries it (nothing is kept)."""

    class Meta:
        csrf = False  # the check reads and forgets the file; the public pages set no cookie to hold a token

    file = FileField(_l("Credential file"),
                     [DataRequired(message=_l("Choose the credential's .json file or its PDF."))],
                     description=_l("The .json file downloaded from “My certificates”, or the certificate's PDF "
                                    "(it carries the same credential inside). At most 2 MB."))


class PreviewFilter(BaseForm):
    """Filter the eligibility preview."""

    class Meta:
        csrf = False

    show = SelectField(_l("Show"), choices=choices([("all", _l("Everyone")),
                                                    ("eligible", _l("Eligible, not issued yet")),
                                                    ("not", _l("Not eligible")), ("issued", _l("Already issued"))]),
                       default="all", validate_choice=False)


class PaperForm(BaseForm):
    """The campaign's paper: the place on the date line, the right-hand header, and up to two co-issuers
    (fields parent_body_1 … signatory_name_2, signature_1, signature_2, remove_signature_1/2)."""

    place = StringField(_l("Place on the date line"), [DataRequired(message=_l(
        "Enter the place printed before the date, for example Hà Nội.")), Length(max=60)],
        description=_l("Printed as “Hà Nội, ngày 15 tháng 02 năm 2026”."))
    motto = SelectField(_l("Header on the right"), choices=[], validators=[DataRequired(
        message=_l("Choose the header on the right."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.motto.choices = choices([("state", _l("The national motto (CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM)")),
                                      ("union", _l("The union's title (ĐOÀN TNCS HỒ CHÍ MINH)"))])

    def issuer(self, n: int) -> list:
        """Issuer n's fields, in the order the page shows them."""
        return [self[f"{key}_{n}"] for key in ("parent_body", "issuing_body", "short_name", "on_behalf",
                                               "signatory_title", "signatory_name", "signature", "remove_signature")]


for _n in (1, 2):
    setattr(PaperForm, f"parent_body_{_n}", StringField(
        _l("Parent body"), [Length(max=120)], description=_l("For example THÀNH ĐOÀN HÀ NỘI. May be empty.")))
    setattr(PaperForm, f"issuing_body_{_n}", StringField(
        _l("Issuing body"), [Length(max=120)], description=_l("For example BAN THƯỜNG VỤ.")))
    setattr(PaperForm, f"short_name_{_n}", StringField(
        _l("Short name in the number"), [Length(max=20)], description=_l("For example TĐTN: Số 0125/GCN-TĐTN.")))
    setattr(PaperForm, f"on_behalf_{_n}", StringField(
        _l("Signing on behalf of"), [Length(max=120)], description=_l("For example TM. BAN THƯỜNG VỤ. May be empty.")))
    setattr(PaperForm, f"signatory_title_{_n}", StringField(
        _l("Signatory's title"), [Length(max=80)], description=_l("For example PHÓ BÍ THƯ.")))
    setattr(PaperForm, f"signatory_name_{_n}", StringField(_l("Signatory's full name"), [Length(max=80)]))
    setattr(PaperForm, f"signature_{_n}", FileField(
        _l("Signature and seal (PNG)"), description=_l(
            "A PNG with a transparent background, at most 2 MB. Printed on the paper only, never on a web page.")))
    setattr(PaperForm, f"remove_signature_{_n}", BooleanField(_l("Remove the signature picture")))
