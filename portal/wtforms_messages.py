"""WTForms' built-in messages, routed through our catalogue (WTForms ships no Vietnamese).

The list exists so that `pybabel extract` finds these strings; BaseForm's translations object
looks them up in our catalogue at run time.
"""
from flask_babel import get_translations

from portal.i18n import lazy_ntext as _ln
from portal.i18n import lazy_text as _l

BUILT_IN = [
    _l("Not a valid choice."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid time value."),
    _l("Invalid Choice: could not coerce."),
    _l("'%(value)s' is not a valid choice for this field."),
    _l("'%(value)s' are not valid choices for this field."),
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Field must be equal to %(other_name)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _ln("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 1),
    _ln("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 1),
]


class Translations:
    """The object WTForms asks for translations: our own catalogue, in the request's language.

    Lookups return the unformatted text; WTForms fills the placeholders itself.
    """

    def gettext(self, string):
        """Translate one message."""
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        """Translate a message with plural forms."""
        return get_translations().ungettext(singular, plural, n)


TRANSLATIONS = Translations()
