"""Names of the headline figures."""
from portal.i18n import lazy_text as _l

HEADLINE_LABELS = {
    "volunteers": _l("Active volunteers"), "shifts": _l("Shifts"), "shifts_filled": _l("Shifts filled"),
    "seats_empty": _l("Seats empty"), "minutes": _l("Hours attended"), "no_shows": _l("No-shows"),
    "citizens_helped": _l("Citizens helped"), "elderly_helped": _l("Elderly or vulnerable people helped"),
}
PERIOD_LABELS = {"week": _l("Weekly report"), "month": _l("Monthly report")}
