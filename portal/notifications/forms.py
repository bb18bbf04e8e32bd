"""The one form of the notification choices screen."""
from __future__ import annotations

from wtforms import BooleanField, TimeField
from wtforms.validators import Optional

from portal.forms import BaseForm
from portal.i18n import lazy_text as _l


class PreferencesForm(BaseForm):
    """How the person wants to hear from the portal; quiet hours both empty, or two different times."""

    email_on = BooleanField(_l("Email me each notice"))
    push_on = BooleanField(_l("Phone notifications on the devices I turn them on for"))
    leader_messages_on = BooleanField(_l("Messages from team leaders about my shifts"))
    quiet_from = TimeField(_l("Quiet from"), validators=[Optional()], format="%H:%M",
                           render_kw={"placeholder": "22:00"})
    quiet_until = TimeField(_l("Quiet until"), validators=[Optional()], format="%H:%M",
                            render_kw={"placeholder": "07:00"})

    def validate(self, extra_validators=None):
        """The fields' own checks, then the pair: both times or neither, and not the same time."""
        if not super().validate(extra_validators):
            return False
        start, end = self.quiet_from.data, self.quiet_until.data
        if (start is None) != (end is None):
            missing = self.quiet_until if end is None else self.quiet_from
            missing.errors = [_l("Enter both times for quiet hours, or leave both empty for none.")]
            return False
        if start is not None and start == end:
            self.quiet_until.errors = [_l("Quiet hours must end at a different time than they start.")]
            return False
        return True

    def choices(self) -> dict:
        """The values to store, named as the preference's columns."""
        return {name: self[name].data for name in
                ("email_on", "push_on", "leader_messages_on", "quiet_from", "quiet_until")}
