"""Readable, translated names of statuses and kinds."""
from portal.i18n import lazy_text as _l

KIND_LABELS = {"referral": _l("Internship referral"), "commendation": _l("Commendation")}
STATUS_LABELS = {
    "proposed": _l("Proposed"), "approved": _l("Approved"), "sent": _l("Sent to the host"),
    "accepted": _l("Accepted by the host"), "declined": _l("Declined by the host"), "awarded": _l("Awarded"),
    "rejected": _l("Not approved"),
}
CONSENT_LABELS = {"pending": _l("Waiting for the student"), "given": _l("Student agreed"),
                  "refused": _l("Student declined to share")}
