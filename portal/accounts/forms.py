"""One form per accounts screen."""
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TelField,
)
from wtforms.validators import AnyOf, DataRequired, Email, EqualTo, Length, Optional, StopValidation

from portal.accounts import models, validation
from portal.accounts.consent import DESCRIPTIONS as CONSENT_DESCRIPTIONS
from portal.accounts.consent import LABELS as CONSENT_LABELS
from portal.accounts.consent import NEWS, REFERRALS
from portal.accounts.labels import ROLE_LABELS
from portal.accounts.validation import PASSWORD_MAX
from portal.forms import BaseForm, MultiCheckboxField, choices
from portal.i18n import lazy_text as _l

REQUIRED = _l("This field is required.")
PASSWORD_HINT = _l("At least 10 characters. A few unrelated words are easy to remember and hard to guess.")


def _required(message=REQUIRED):
    return DataRequired(message=message)


def _max(n):
    return Length(max=n, message=_l("Use at most %(max)d characters.", max=n))


# Every email field reads the address in its one canonical spelling (the rate limits' key too).
EMAIL_FILTERS = [validation.canonical_email]


def rule(check):
    """Run one of the services' checks as a field validator, so every error shows at once."""

    def validator(form, field):
        try:
            check(field.data or "")
        except validation.InvalidInput as error:
            raise StopValidation(error.message) from None

    return validator


class PasswordRules:
    """Mixin: the password must pass the service's strength check against the typed email and name."""

    def validate_password(self, field):
        """Check strength with whatever email and name the form holds."""
        email = getattr(self, "email", None)
        name = getattr(self, "full_name", None)
        try:
            validation.check_password(field.data or "", email.data if email else "", name.data if name else "")
        except validation.InvalidInput as error:
            raise StopValidation(error.message) from None


class SignupForm(PasswordRules, BaseForm):
    """Student sign-up."""

    # Each field says why it is asked (Law No. 91/2025/QH15: collect only what a purpose needs).
    full_name = StringField(
        _l("Full name"),
        [_required(_l("Enter your full name.")), _max(models.NAME_MAX), rule(validation.check_name)],
        description=_l("Why we ask: it is printed on your certificate, and your team leader sees it at the point."),
    )
    email = EmailField(
        _l("Email"),
        [_required(_l("Enter your email address.")), _max(models.EMAIL_MAX), rule(validation.normalise_email)],
        filters=EMAIL_FILTERS,
        description=_l("Why we ask: you log in with it, and we send your shift confirmations and certificate to it."),
    )
    phone = TelField(
        _l("Mobile phone (optional)"),
        [Optional(), _max(models.PHONE_MAX), rule(validation.normalise_phone)],
        description=_l("Why we ask: only to book a shift, so that your team leader can call you if it changes. "
                       "You can add it later in My details."),
    )
    school = StringField(
        _l("School or university"), [_required(_l("Enter your school or university.")), _max(models.SCHOOL_MAX)],
        description=_l("Why we ask: the campaign counts volunteers by school, and it is printed on your certificate."),
    )
    student_code = StringField(
        _l("Student ID"), [_required(_l("Enter your student ID.")), _max(models.STUDENT_ID_MAX)],
        description=_l("Why we ask: it tells you apart from students with the same name, for example when a "
                       "trainer signs your training off from an attendance sheet."),
    )
    chapter = StringField(
        _l("Youth Union chapter"), [_required(_l("Enter your Youth Union chapter.")), _max(models.CHAPTER_MAX)],
        description=_l("Why we ask: the campaign reports volunteering by chapter, which proposes commendations."),
    )
    password = PasswordField(
        _l("Password"), [_required(_l("Choose a password.")), _max(PASSWORD_MAX)],
        description=PASSWORD_HINT,
    )
    consent = BooleanField(
        _l("I agree that the organisers process my personal data for the purpose stated above."),
        [DataRequired(message=_l("You must agree to the privacy notice to sign up."))],
    )
    # Optional purposes, each its own consent, unticked unless the person ticks it (never by silence).
    consent_referrals = BooleanField(CONSENT_LABELS[REFERRALS], description=CONSENT_DESCRIPTIONS[REFERRALS])
    consent_news = BooleanField(CONSENT_LABELS[NEWS], description=CONSENT_DESCRIPTIONS[NEWS])


class LoginForm(BaseForm):
    """Log in."""

    email = EmailField(_l("Email"), [_required(_l("Enter your email address.")), _max(models.EMAIL_MAX)],
                       filters=EMAIL_FILTERS)
    password = PasswordField(_l("Password"), [_required(_l("Enter your password.")), _max(PASSWORD_MAX)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class EmailOnlyForm(BaseForm):
    """Ask for a reset link, or for a new verification email."""

    email = EmailField(
        _l("Email"),
        [
            _required(_l("Enter your email address.")),
            _max(models.EMAIL_MAX),
            Email(message=_l("Enter an email address like ten@example.com.")),
        ],
        filters=EMAIL_FILTERS,
    )


class NewPasswordForm(BaseForm):
    """Choose a password (reset link or staff invitation); the service checks its strength."""

    password = PasswordField(
        _l("New password"), [_required(_l("Choose a password.")), _max(PASSWORD_MAX)],
        description=PASSWORD_HINT,
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        [_required(_l("Repeat the new password.")),
         EqualTo("password", message=_l("The two passwords are not the same."))],
    )


class ChangePasswordForm(NewPasswordForm):
    """Change a password while signed in."""

    current_password = PasswordField(
        _l("Current password"), [_required(_l("Enter your current password.")), _max(PASSWORD_MAX)]
    )


class ProfileForm(BaseForm):
    """Edit one's own details."""

    full_name = StringField(
        _l("Full name"),
        [_required(_l("Enter your full name.")), _max(models.NAME_MAX), rule(validation.check_name)],
    )
    phone = TelField(_l("Mobile phone"), [Optional(), _max(models.PHONE_MAX), rule(validation.normalise_phone)])
    school = StringField(_l("School or university"), [Optional(), _max(models.SCHOOL_MAX)])
    student_code = StringField(_l("Student ID"), [Optional(), _max(models.STUDENT_ID_MAX)])
    chapter = StringField(_l("Youth Union chapter"), [Optional(), _max(models.CHAPTER_MAX)])
    locale = SelectField(_l("Language for emails"), choices=choices([("vi", "Tiếng Việt"), ("en", "English")]))


def role_choices():
    """The roles with their translated names."""
    return choices((r, ROLE_LABELS[r]) for r in models.ROLE_VALUES)


class InviteForm(BaseForm):
    """An admin invites a staff member."""

    full_name = StringField(
        _l("Full name"),
        [_required(_l("Enter the person's full name.")), _max(models.NAME_MAX), rule(validation.check_name)],
    )
    email = EmailField(
        _l("Email"),
        [_required(_l("Enter the person's email address.")), _max(models.EMAIL_MAX), rule(validation.normalise_email)],
        filters=EMAIL_FILTERS,
    )
    roles = MultiCheckboxField(_l("Roles"), choices=role_choices)
    locale = SelectField(_l("Language of the invitation"), choices=choices([("vi", "Tiếng Việt"), ("en", "English")]))


class RolesForm(BaseForm):
    """An admin changes a person's roles."""

    roles = MultiCheckboxField(_l("Roles"), choices=role_choices)


class ActiveForm(BaseForm):
    """An admin deactivates ("0") or reactivates ("1") an account; the page sets the hidden field."""

    active = HiddenField(validators=[AnyOf(("0", "1"), message=_l("Choose whether to deactivate or reactivate "
                                                                   "the account."))])


CODE_HINT = _l("The 6 digits your authenticator app shows, or one of your recovery codes.")


class CodeForm(BaseForm):
    """A second-factor code: at sign-in, to confirm enrolment, or to make new recovery codes."""

    code = StringField(_l("Code"), [_required(_l("Enter the code.")), _max(32)], description=CODE_HINT)


class DisableTwoFactorForm(CodeForm):
    """Turn two-factor sign-in off: the password and a code."""

    password = PasswordField(_l("Password"), [_required(_l("Enter your password.")), _max(PASSWORD_MAX)])
