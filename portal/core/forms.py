"""Forms of the core routes."""
from __future__ import annotations

from wtforms import HiddenField, SelectField

from portal.forms import BaseForm, choices


class LanguageForm(BaseForm):
    """The header's language switch: the chosen language and the page to come back to."""

    lang = SelectField(choices=choices([("vi", "Tiếng Việt"), ("en", "English")]))
    next = HiddenField()
