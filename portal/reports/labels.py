"""Names of the headline figures, the periods and the kinds of citizens' feedback."""
from portal.i18n import lazy_text as _l

HEADLINE_LABELS = {
    "volunteers": _l("Active volunteers"), "shifts": _l("Shifts"), "shifts_filled": _l("Shifts filled"),
    "seats_empty": _l("Seats empty"), "minutes": _l("Hours attended"), "no_shows": _l("No-shows"),
    "citizens_helped": _l("Citizens helped"), "guide_scans": _l("Guide QR scans"),
    "elderly_helped": _l("Elderly or vulnerable people helped"),
}
PERIOD_LABELS = {"week": _l("Weekly report"), "month": _l("Monthly report")}
# The same words as the leaders' feedback form (templates/operations/feedback.html).
FEEDBACK_LABELS = {
    "procedure": _l("Procedures and dossiers"), "waiting": _l("Waiting time"), "conduct": _l("Staff conduct"),
    "online": _l("Online services"), "facilities": _l("Facilities"), "other": _l("Other"),
}
