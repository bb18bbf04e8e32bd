"""Forms of the cover and swap screens."""
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.cover.services import NOTE_MAX
from portal.forms import BaseForm
from portal.i18n import lazy_text as _l


class AskCoverForm(BaseForm):
    """Ask colleagues to cover my shift, with a short note."""

    note = TextAreaField(_l("A note for your colleagues (optional)"), [Optional(), Length(max=NOTE_MAX)],
                         description=_l("For example what the shift's focus is. No phone numbers: colleagues "
                                        "answer through the portal."))


class SwapCodeForm(BaseForm):
    """Propose a swap: the code my colleague gave me, then a confirmation."""

    code = StringField(_l("Your colleague's swap code"), [DataRequired(_l("Enter the swap code your colleague gave "
                                                                          "you.")), Length(max=30)],
                       description=_l("Your colleague finds it on their shift's cover page, e.g. 1532-K7M2QX."))
    confirm = HiddenField()
