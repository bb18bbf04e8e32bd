"""Form base classes shared by every domain."""
from __future__ import annotations

import re
from datetime import date

from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import DateField, FileField, PasswordField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from portal.core.text import nfc
from portal.i18n import lazy_text as _l
from portal.wtforms_messages import TRANSLATIONS

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _nfc(value):
    """Normalise text to NFC (so 'ễ' typed as e + two marks is one character) and drop control
    characters, which no one means to type and PostgreSQL refuses."""
    return nfc(_CONTROL.sub("", value)) if isinstance(value, str) else value


def _clean(value):
    """Strip surrounding space and normalise to NFC."""
    return _nfc(value.strip()) if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """A FlaskForm whose text arrives in NFC; everything but passwords is also stripped."""

    class Meta:
        def get_translations(self, form):
            """WTForms' own messages come from our catalogue, so they exist in Vietnamese."""
            return TRANSLATIONS

        def bind_field(self, form, unbound_field, options):
            """Add the normalising filter to every field."""
            extra = _nfc if issubclass(unbound_field.field_class, PasswordField) else _clean
            options["filters"] = [*unbound_field.kwargs.get("filters", ()), extra]
            if issubclass(unbound_field.field_class, SelectMultipleField) and "default" not in unbound_field.kwargs:
                options["default"] = ()  # nothing ticked is an empty choice, not None (services iterate it)
            return unbound_field.bind(form=form, **options)

        def wrap_formdata(self, form, formdata):
            """Keep files out of text fields and text out of file fields: a file part named like a
            text field is set aside and validate() reports it beside that field."""
            data = super().wrap_formdata(form, formdata)
            if data is None or not hasattr(data, "getlist"):
                return data
            files = {name for name, unbound in form._unbound_fields if issubclass(unbound.field_class, FileField)}
            files = {f"{form._prefix}{name}" for name in files}
            pairs = list(data.items(multi=True))
            form._files_where_text = {k for k, v in pairs if isinstance(v, FileStorage) and k not in files}
            # Text sent where a file is expected is dropped too: the field is then empty, and says so.
            kept = [(k, v) for k, v in pairs if k not in form._files_where_text
                    and (k not in files or isinstance(v, FileStorage))]
            return data if len(kept) == len(pairs) else MultiDict(kept)

    def validate(self, extra_validators=None):
        """Validate as usual, then refuse any text field that was sent a file (422 with its error)."""
        valid = super().validate(extra_validators)
        for name in getattr(self, "_files_where_text", ()):
            if name in self._fields:
                self._fields[name].errors.append(_l("Type the answer here instead of attaching a file."))
                valid = False
            else:
                self.form_errors.append(_l("Type your answers in the boxes instead of attaching a file."))
                valid = False
        return valid


class EmptyForm(BaseForm):
    """Gives a bare POST button its CSRF token."""


def show_error(form, error) -> None:
    """Put a service's refusal (InvalidInput) beside its field, or on the form as a whole."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def one_person(people: list, chosen: str | None):
    """The person a look-up means: its only match, or the one picked (by id) among several; else None."""
    if len(people) == 1:
        return people[0]
    return next((p for p in people if str(p.id) == (chosen or "").strip()), None)


def choices(pairs) -> list[SelectChoice]:
    """Build select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LocalDateField(DateField):
    """A date typed as dd/mm/yyyy (ISO accepted too), within years a campaign can really use."""

    widget = TextInput()
    EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%d/%m/%Y", "%Y-%m-%d"])
        render_kw = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
        kwargs["render_kw"] = {**render_kw, **kwargs.get("render_kw", {})}
        super().__init__(label, validators, **kwargs)

    def pre_validate(self, form):
        """Refuse dates outside 2000–2100 (they are typing mistakes, and overflow time zones)."""
        if self.data is not None and not self.EARLIEST <= self.data <= self.LATEST:
            raise ValidationError(_l("Enter a date between 01/01/2000 and 31/12/2100."))
