"""Translated names of the certificates' printed fields, revocation categories and statuses."""
from portal.core import statuses
from portal.i18n import lazy_text as _l

FIELD_LABELS = {
    "awarded_to": _l("Awarded to"), "school": _l("School"), "campaign": _l("Campaign"),
    "organisers": _l("Organisers"), "dates": _l("Campaign dates"), "hours": _l("Attended hours"),
    "shifts": _l("Shifts"), "points": _l("Points served"), "issued": _l("Issued on"),
    "code": _l("Certificate code"), "signed_by": _l("Signed by"), "host": _l("Host organisation"),
    "document": _l("Document"), "kind_participation": _l("Certificate of participation"),
    "kind_referral": _l("Internship referral letter"), "kind_commendation": _l("Commendation"),
    "valid_participation": _l("Valid certificate"), "valid_referral": _l("Valid referral letter"),
    "valid_commendation": _l("Valid commendation"),
    "banner_revoked": _l("Revoked"), "banner_superseded": _l("Superseded"), "banner_unknown": _l("Not found"),
}

# The public reason for a revocation, by category (the organiser's own words stay private).
REVOKE_CATEGORY_LABELS = {
    "issued_in_error": _l("issued in error"),
    "not_eligible": _l("the conditions for it were not met"),
    "misconduct": _l("a breach of the campaign's rules"),
    "holder_request": _l("at the holder's request"),
    "holder_withdrew": _l("withdrawn at the holder's request (their data was erased)"),
    "other": _l("another reason, recorded by the organisers"),
}

# Where a credential stands (Credential.status).
CREDENTIAL = statuses.declare("credential", {
    "valid": (_l("Valid"), "open"),
    "revoked": (_l("Revoked"), "closed"),
    "superseded": (_l("Superseded"), "draft"),
})

# Where a student's certificate stands, as their home page tells them.
STUDENT_STATE = statuses.declare("certificate_state", {
    "issued": (_l("Issued"), "open"),
    "revoked": (_l("Revoked"), "closed"),
    "eligible": (_l("Eligible"), "open"),
    "not_yet": (_l("Not yet"), "pending"),
})

# A student measured against the campaign's rule, before any certificate.
ELIGIBILITY = statuses.declare("eligibility", {
    "eligible": (_l("Eligible"), "pending"),
    "not_eligible": (_l("Not eligible"), "inactive"),
})
