"""Every credential (certificate, referral letter, commendation) as an Open Badges 3.0 OpenBadgeCredential:
W3C Verifiable Credentials 2.0 with an embedded Data Integrity proof (eddsa-rdfc-2022, integrity.py) made
with our Ed25519 key, whose Multikey the issuer profile publishes (routes_public.py). Signed once, at
issue, and kept on the credential as signed (ob_json)."""
from __future__ import annotations

import json
import uuid
from datetime import date

from flask_babel import force_locale, gettext

from portal.certificates import codes, integrity, status_lists
from portal.certificates.labels import FIELD_LABELS
from portal.certificates.models import Credential
from portal.certificates.profile import CONTEXT, iso, issuer_url, public_keys, signing_method
from portal.core.urls import external_url
from portal.i18n import format_hours
from portal.i18n import lazy_text as _l

# A namespace of our own for the credentials' urn:uuid ids (uuid5 of the code: the same id on every build).
_ID_NAMESPACE = uuid.UUID("6f1c63a4-5b0e-5d3e-9c57-2f6b0f3a9d22")

# OB 3.0 achievementType per kind: the spec's own words where one fits, else an extension term.
ACHIEVEMENT_TYPES = {"participation": "CommunityService", "referral": "ext:InternshipReferral",
                     "commendation": "Award"}
NUMBER_LABEL = _l("Document number")
CRITERIA = {
    "participation": _l("Took part in the campaign as a volunteer and met the organisers' conditions for "
                        "a certificate: the required training, the attended hours and no more missed shifts "
                        "than allowed."),
    "referral": _l("Served in the campaign and was chosen by the organisers to be referred for an internship."),
    "commendation": _l("Served in the campaign with distinction and was commended by the organisers."),
}


def credential_id(credential: Credential) -> str:
    """The credential's id: a urn:uuid derived from its code, so every build gives the same one."""
    return f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, credential.code)}"


def status_entry(credential: Credential) -> dict | None:
    """The credential's `credentialStatus`: its entry in the revocation Bitstring Status List, None for a
    credential issued before the lists existed."""
    return status_lists.entry(credential.id)


def _issuer_names(claims: dict) -> str:
    """Who issues it, as printed: the co-issuing bodies of the paper's header (parent body – issuing body),
    else the campaign's organisers."""
    names = [" – ".join(filter(None, (i.get("parent"), i.get("body")))) for i in claims.get("issuers") or []]
    return " · ".join(names or claims["organisers"]) or "Đồng hành"


def _printed_fields(credential: Credential, claims: dict) -> str:
    """The fields printed on the paper, one "label: value" line each (Vietnamese, as printed)."""
    labels, dmy = FIELD_LABELS, (lambda iso: date.fromisoformat(iso).strftime("%d/%m/%Y"))
    lines = [(labels["awarded_to"], claims["name"]), (labels["school"], claims.get("school")),
             (labels["campaign"], claims["campaign"]), (labels["organisers"], ", ".join(claims["organisers"])),
             (labels["dates"], f"{dmy(claims['start'])} – {dmy(claims['end'])}"),
             (labels["hours"], format_hours(claims["minutes"])), (labels["shifts"], str(claims["shifts"])),
             (labels["points"], "; ".join(claims["points"])), (labels["host"], claims.get("host")),
             (NUMBER_LABEL, getattr(credential, "number_text", None)),
             (labels["issued"], dmy(claims["issued"])), (labels["code"], codes.pretty(credential.code))]
    return "\n".join(f"{label}: {value}" for label, value in lines if value)


def unsigned(credential: Credential, status: dict | None = None) -> dict:
    """The OpenBadgeCredential without its proof, in Vietnamese as the paper is."""
    claims, kind = credential.claims, credential.kind
    page = external_url("certificates.verify", code=credential.code)
    with force_locale("vi"):
        title = f"{FIELD_LABELS[f'kind_{kind}']} · {claims['campaign']}"
        criteria, printed = str(CRITERIA[kind]), _printed_fields(credential, claims)
        narrative = gettext("%(hours)s hours attended in %(shifts)d shifts",
                            hours=format_hours(claims["minutes"]), shifts=claims["shifts"])
    document = {
        "@context": list(CONTEXT), "id": credential_id(credential),
        "type": ["VerifiableCredential", "OpenBadgeCredential"], "name": title,
        "issuer": {"id": issuer_url(), "type": ["Profile"], "name": _issuer_names(claims),
                   "url": external_url("home.index")},
        "validFrom": iso(credential.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                            "identityHash": claims["name"]}],
            "achievement": {
                "id": external_url("home.index").rstrip("/") + f"/campaigns/{credential.campaign.slug}#{kind}",
                "type": ["Achievement"], "achievementType": ACHIEVEMENT_TYPES[kind], "name": title,
                "description": claims["campaign"], "criteria": {"narrative": criteria},
            },
        },
        "evidence": [{"id": page, "type": ["Evidence"], "name": codes.pretty(credential.code),
                      "narrative": narrative, "description": printed}],
    }
    status = status or status_entry(credential)
    if status:
        document["credentialStatus"] = status
    return document


def build(credential: Credential, status: dict | None = None) -> dict:
    """The OpenBadgeCredential signed with our current key (an embedded DataIntegrityProof)."""
    private_key, method = signing_method()
    return integrity.sign(unsigned(credential, status), private_key, method, iso(credential.issued_at))


def issue(credential: Credential, status: dict | None = None) -> dict:
    """Build, sign and keep the credential's Open Badge on it, in the caller's transaction."""
    document = build(credential, status)
    credential.ob_json = json.dumps(document, ensure_ascii=False, indent=2)
    return document


def signed(credential: Credential) -> dict:
    """The credential's signed Open Badge: as kept at issue, or (issued before Open Badges) built now,
    the same way every time (its proof's date is the issue date), and not stored: a download writes nothing."""
    if credential.ob_json:
        return json.loads(credential.ob_json)
    return build(credential)


def verify(document) -> integrity.Verification:
    """Check an Open Badge's proof against our published keys (current and retired)."""
    return integrity.verify(document, public_keys())
