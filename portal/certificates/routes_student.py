"""Students see, download and share their certificates."""
from __future__ import annotations

import json
from datetime import date
from urllib.parse import urlencode

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from portal import access, htmx
from portal.audit import labels as audit_labels
from portal.audit import services as audit
from portal.certificates import badges, bp, codes, profile, records
from portal.certificates.models import Credential
from portal.core import downloads
from portal.core.urls import external_url
from portal.extensions import db


def _own_or_admin(code: str) -> Credential:
    """Load (404) a credential, then check (403) that it is the student's own or the viewer is an admin."""
    credential = records.find(code)
    if credential is None:
        abort(404)
    if credential.user_id != current_user.id and not current_user.has_role("admin"):
        abort(403)
    return credential


def linkedin_url(credential: Credential) -> str:
    """LinkedIn's "add a licence or certification" form, filled in."""
    claims = credential.claims
    issued = date.fromisoformat(claims["issued"])  # the date printed on the paper, in Hanoi
    return "https://www.linkedin.com/profile/add?" + urlencode({
        "startTask": "CERTIFICATION_NAME", "name": claims["campaign"],
        "organizationName": " · ".join(claims["organisers"]) or "Đồng hành",
        "issueYear": issued.year, "issueMonth": issued.month,
        "certUrl": external_url("certificates.verify", code=credential.code), "certId": codes.pretty(credential.code),
    })


@bp.route("/me/certificates")
@access.roles_required("student")
def mine():
    """My certificates, newest first, with download and share links."""
    credentials = db.session.scalars(select(Credential).where(Credential.user_id == current_user.id)
                                     .order_by(Credential.issued_at.desc(), Credential.id.desc())).all()
    return htmx.render("certificates/mine.html", credentials=credentials, linkedin_url=linkedin_url,
                       verify_url=records.verify_url, pretty=codes.pretty)


def _record_staff_download(credential, fmt: str) -> None:
    """An organiser downloading someone else's certificate is an export of their personal data."""
    if credential.user_id != current_user.id:
        audit.record_access(current_user, audit_labels.EXPORT_CERTIFICATE, "credential", credential.id, format=fmt)


@bp.route("/certificates/<code>.pdf")
@access.signed_in
def download_pdf(code):
    """The certificate's PDF (the holder's while it is valid or, for admins, any)."""
    credential = _own_or_admin(code)
    if credential.status != "valid" and not current_user.has_role("admin"):
        abort(404)  # a revoked or replaced paper must not be printed again
    _record_staff_download(credential, "pdf")
    return downloads.attachment(records.pdf_bytes(credential), f"certificate-{codes.pretty(credential.code)}.pdf")


@bp.route("/certificates/<code>.json")
@access.signed_in
def download_badge(code):
    """The signed Open Badges 3.0 credential (JSON-LD with its Data Integrity proof), to keep or to share."""
    credential = _own_or_admin(code)
    if credential.status != "valid" and not current_user.has_role("admin"):
        abort(404)
    _record_staff_download(credential, "json")
    body = json.dumps(badges.signed(credential), ensure_ascii=False, indent=2)
    response = downloads.attachment(body, f"certificate-{codes.pretty(credential.code)}.json")
    response.headers["Content-Type"] = f"{profile.MEDIA_TYPE}; charset=utf-8"
    return response
