"""Readable, translated names of the referrals' kinds and consent answers, and the cases' statuses (with their
tones, for the status_tag macro)."""
from portal.core import statuses
from portal.i18n import lazy_text as _l

KIND_LABELS = {"referral": _l("Internship referral"), "commendation": _l("Commendation")}

# Where a case stands (Recommendation.status).
CASE_STATUSES = statuses.declare("referral_case", {
    "proposed": (_l("Proposed"), "pending"),
    "approved": (_l("Approved"), "open"),
    "sent": (_l("Sent to the host"), "sent"),
    "accepted": (_l("Accepted by the host"), "active"),
    "declined": (_l("Declined by the host"), "closed"),
    "awarded": (_l("Awarded"), "active"),
    "rejected": (_l("Not approved"), "inactive"),
})
STATUS_LABELS = statuses.labels("referral_case")  # for the filter's options, the exports and the history

CONSENT_LABELS = {"pending": _l("Waiting for the student"), "given": _l("Student agreed"),
                  "refused": _l("Student declined to share")}
