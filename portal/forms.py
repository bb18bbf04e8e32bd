"""Form base classes shared by every domain."""
from __future__ import annotations

import unicodedata

from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.fields.choices import SelectChoice


def _nfc(value):
    """Normalise text to NFC, so 'ễ' typed as e + two marks is stored as one character."""
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def _clean(value):
    """Strip surrounding space and normalise to NFC."""
    return _nfc(value.strip()) if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """A FlaskForm whose text arrives in NFC; everything but passwords is also stripped."""

    class Meta:
        def get_translations(self, form):
            """WTForms' own messages come from our catalogue, so they exist in Vietnamese."""
            from portal.wtforms_messages import TRANSLATIONS

            return TRANSLATIONS

        def bind_field(self, form, unbound_field, options):
            """Add the normalising filter to every field."""
            extra = _nfc if issubclass(unbound_field.field_class, PasswordField) else _clean
            options["filters"] = [*unbound_field.kwargs.get("filters", ()), extra]
            return unbound_field.bind(form=form, **options)


class EmptyForm(BaseForm):
    """Gives a bare POST button its CSRF token."""


def show_error(form, error) -> None:
    """Put a service's refusal (InvalidInput) beside its field, or on the form as a whole."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def choices(pairs) -> list[SelectChoice]:
    """Build select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
