"""The privacy pages' forms, one per screen: a person's own (correction, consent, closing) and the
organisers' (recording a request and its steps, erasure, breach records)."""
from __future__ import annotations

from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from portal.accounts.validation import PASSWORD_MAX
from portal.forms import BaseForm, LocalDateField, MultiCheckboxField, choices
from portal.i18n import lazy_text as _l
from portal.privacy import breach
from portal.privacy import requests as privacy_requests

CORRECTION_MAX = 2000


# --- a person's own data ------------------------------------------------------------------------


class CorrectionForm(BaseForm):
    """Ask for a correction of what others recorded (hours, attendance)."""

    details = TextAreaField(
        _l("What is wrong, and what should it say?"),
        [DataRequired(_l("Say what is wrong and what it should say.")), Length(max=CORRECTION_MAX)],
        description=_l("For example: the date of the shift, what was recorded and what really happened."),
    )


class ConsentForm(BaseForm):
    """Give or withdraw one optional consent."""

    given = HiddenField(validators=[AnyOf(["yes", "no"], message=_l("Choose to agree or to withdraw."))])


class CloseAccountForm(BaseForm):
    """Close my account: the password and an explicit "I understand" confirm it."""

    password = PasswordField(_l("Your password"), [DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX)])
    confirm = BooleanField(_l("I understand that my account closes now and my data will be erased."),
                           [DataRequired(_l("Tick the box to confirm that you want to close your account."))])


# --- the organisers' request queue ----------------------------------------------------------------


class RecordRequestForm(BaseForm):
    """An organiser records a request that came by letter, call, email or in person."""

    channel = SelectField(_l("How it arrived"), choices=[], validate_choice=False)
    kind = SelectField(_l("What the person asks for"), choices=[], validate_choice=False)
    person = StringField(_l("Their account (email, name or student ID)"), [Optional(), Length(max=254)],
                         description=_l("An exact email finds the account at once."))
    person_id = HiddenField()
    subject = StringField(_l("No account? Who is asking, and how to reach them"), [Optional(), Length(max=200)],
                          description=_l("For example their name and the address the letter came from."))
    details = TextAreaField(_l("What they ask for"), [Optional(), Length(max=privacy_requests.DETAILS_MAX)])
    received_on = LocalDateField(_l("Received on (dd/mm/yyyy)"), [Optional()],
                                 description=_l("Leave empty if it arrived today. The deadlines count from this day."))
    third_party = BooleanField(_l("A processor or another organisation must act on it (20 days instead of 10 or 15)"))


class ExtendForm(BaseForm):
    """Extend the deadline once."""

    reason = TextAreaField(_l("Why more time is needed"), [Optional(), Length(max=privacy_requests.OUTCOME_MAX)],
                           description=_l("The person must be told this reason."))


class AssignForm(BaseForm):
    """Give the request to an organiser."""

    handler = SelectField(_l("Organiser who handles it"), choices=[], validate_choice=False)


class CloseForm(BaseForm):
    """Close the request as done or refused."""

    status = RadioField(_l("Result"), choices=choices([("done", _l("Done")), ("refused", _l("Refused"))]),
                        validators=[DataRequired(_l("Choose whether the request was done or refused."))])
    outcome = TextAreaField(_l("Outcome, as the person is told"),
                            [Optional(), Length(max=privacy_requests.OUTCOME_MAX)])


class EraseForm(BaseForm):
    """Confirm an erasure."""

    confirm = BooleanField(_l("I have checked who the person is, and I understand that erasure cannot be undone."),
                           [DataRequired(_l("Tick the box to confirm the erasure."))])


# --- breach records -----------------------------------------------------------------------------


class BreachForm(BaseForm):
    """Record a suspected breach."""

    detected_on = LocalDateField(_l("Detected on (dd/mm/yyyy)"), [DataRequired(_l("Enter the date it was detected."))])
    detected_time = TimeField(_l("At (HH:MM)"), [DataRequired(_l("Enter a time as HH:MM."))])
    summary = TextAreaField(_l("What happened"), [Optional(), Length(max=breach.SUMMARY_MAX)],
                            description=_l("What is known so far. Do not copy personal data here."))
    kinds = MultiCheckboxField(_l("Kinds of data that may be touched"), choices=[], validate_choice=False)
    affected_from = LocalDateField(_l("Window from (dd/mm/yyyy)"), [Optional()],
                                   description=_l("The audit log of this window names the people who may be affected."))
    affected_to = LocalDateField(_l("Window to (dd/mm/yyyy)"), [Optional()])
    actions = TextAreaField(_l("What has been done"), [Optional(), Length(max=breach.ACTIONS_MAX)])


class BreachStatusForm(BaseForm):
    """Mark a breach notified or closed."""

    status = RadioField(_l("New status"),
                        choices=choices([("notified", _l("Notified: the authority and the people were told")),
                                         ("closed", _l("Closed: nothing more to do"))]),
                        validators=[DataRequired(_l("Choose notified or closed."))])
    actions = TextAreaField(_l("What has been done"), [Optional(), Length(max=breach.ACTIONS_MAX)])
