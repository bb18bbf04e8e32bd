"""Translated names of account values, for display."""
from portal.i18n import lazy_text as _l

ROLE_LABELS = {
    "student": _l("Student volunteer"),
    "trainer": _l("Trainer"),
    "leader": _l("Team leader"),
    "admin": _l("Organiser"),
}
