"""A credential as JSON with the Open Badges 3.0 field names (an OpenBadgeCredential)."""
from __future__ import annotations

from flask_babel import force_locale, gettext

from portal.certificates import codes
from portal.certificates.labels import FIELD_LABELS
from portal.certificates.models import Credential
from portal.core.urls import external_url
from portal.i18n import format_hours


def _iso(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def open_badge(credential: Credential) -> dict:
    """The credential's printed fields, issuer, subject and our detached signature, as OB 3.0 JSON.

    The JSON itself is not a signed VC-JWT: its `proof` carries the detached JWS over the printed
    fields, which anyone can check against /.well-known/jwks.json (the claims are in `evidence`).
    """
    claims = credential.claims
    page = external_url("certificates.verify", code=credential.code)
    home = external_url("home.index").rstrip("/")

    with force_locale("vi"):
        title = str(FIELD_LABELS[f"kind_{claims.get('kind', 'participation')}"])
        narrative = gettext("%(hours)s hours attended in %(shifts)d shifts",
                            hours=format_hours(claims["minutes"]), shifts=claims["shifts"])
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": page,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{title} · {claims['campaign']}",
        "issuer": {"id": home, "type": ["Profile"], "name": " · ".join(claims["organisers"]) or "Đồng hành",
                   "url": home},
        "validFrom": _iso(credential.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                            "identityHash": claims["name"]}],
            "achievement": {
                "id": f"{home}/campaigns/{credential.campaign.slug}#certificate",
                "type": ["Achievement"],
                "achievementType": {"participation": "CommunityService", "commendation": "Award",
                                    "referral": "Achievement"}.get(claims.get("kind"), "Achievement"),
                "name": f"{title} · {claims['campaign']}",
                "description": claims["campaign"],
                "criteria": {"narrative": narrative},
            },
        },
        "evidence": [{"type": ["Evidence"], "id": page, "name": codes.pretty(credential.code),
                      "narrative": narrative, "description": credential.claims_json}],
        "credentialStatus": {"id": page, "type": "DongHanhStatusPage", "status": credential.status},
        "proof": [{"type": "DetachedJws", "created": _iso(credential.issued_at), "proofPurpose": "assertionMethod",
                   "verificationMethod": f"{home}/.well-known/jwks.json#{credential.kid}",
                   "jws": credential.signature}],
    }
