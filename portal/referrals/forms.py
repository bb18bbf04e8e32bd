"""One form per referrals screen."""
from wtforms import BooleanField, EmailField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Email, InputRequired, Length, NumberRange, Optional

from portal.forms import BaseForm, choices
from portal.i18n import lazy_text as _l
from portal.referrals.labels import KIND_LABELS


class NominationForm(BaseForm):
    """Propose a student, with the reason."""

    kind = RadioField(_l("Nominate for"), choices=choices(list(KIND_LABELS.items())),
                      validators=[InputRequired(message=_l("Choose a referral or a commendation."))])
    reason = TextAreaField(_l("Why this student?"), [DataRequired(message=_l("Write the reason.")), Length(max=2000)],
                           description=_l("What did they do at the point? 20 to 2,000 characters; "
                                          "the organisers read it with the record below."))


class DecisionForm(BaseForm):
    """Approve or reject a proposed case (the button pressed decides)."""

    decision = RadioField(choices=choices([("approve", _l("Approve")), ("reject", _l("Do not approve"))]),
                          validate_choice=False,
                          validators=[AnyOf(["approve", "reject"], message=_l("Choose to approve or not to approve."))])

    host_id = SelectField(_l("Host organisation"), coerce=int, validate_choice=False,
                          validators=[Optional(), NumberRange(1, 2**31 - 1,
                                                              message=_l("Choose one of the host organisations."))])
    note = TextAreaField(_l("Note"), [Optional(), Length(max=1000)],
                         description=_l("Needed when you reject: the reason is kept with the case."))


class NoteForm(BaseForm):
    """A step with an optional note (send, withdraw, award)."""

    note = TextAreaField(_l("Note"), [Optional(), Length(max=1000)])


class OutcomeForm(NoteForm):
    """The host's answer to a sent referral (the button pressed decides), with an optional note."""

    outcome = RadioField(choices=choices([("accepted", _l("Accepted")), ("declined", _l("Declined"))]),
                         validate_choice=False,
                         validators=[AnyOf(["accepted", "declined"], message=_l("Choose whether the host accepted."))])


class ConsentForm(BaseForm):
    """The student's answer (the button pressed decides) to the details shown (`seen`, their fingerprint)."""

    answer = RadioField(choices=choices([("agree", _l("I agree to share these details")),
                                         ("decline", _l("Do not share"))]),
                        validate_choice=False,
                        validators=[AnyOf(["agree", "decline"], message=_l("Choose to share your details or not."))])
    seen = StringField(validators=[Optional(), Length(max=128)])


class HostForm(BaseForm):
    """A host organisation for internships."""

    name = StringField(_l("Name"), [DataRequired(message=_l("Enter the organisation's name.")), Length(max=200)])
    contact_name = StringField(_l("Contact person"), [Optional(), Length(max=120)])
    contact_email = EmailField(_l("Contact email"), [DataRequired(message=_l("Enter the contact's email.")),
                                                     Email(message=_l("Enter a valid email address.")),
                                                     Length(max=254)],
                               description=_l("Referrals are sent here."))
    contact_phone = StringField(_l("Contact phone"), [Optional(), Length(max=20)])
    places = IntegerField(_l("Places"), [InputRequired(message=_l("Enter how many interns it takes.")),
                                         NumberRange(0, 1000, message=_l("Enter a number from 0 to 1000."))])
    fields = StringField(_l("Fields of work"), [Optional(), Length(max=500)],
                         description=_l("For example: administrative procedures, IT support, communication."))
    is_active = BooleanField(_l("Taking interns"), default=True)


class ShortlistFilter(BaseForm):
    """Filter the shortlist (a GET form)."""

    class Meta:
        csrf = False

    school = StringField(_l("School"), [Optional(), Length(max=120)])
    chapter = StringField(_l("Chapter"), [Optional(), Length(max=120)])
    point = SelectField(_l("Service point"), coerce=int, validate_choice=False, validators=[Optional()])
