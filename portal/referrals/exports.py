"""Approved referrals per host and approved commendations, as CSV and XLSX."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.campaigns.models import Campaign
from portal.certificates.codes import pretty
from portal.core.clock import LOCAL_TZ
from portal.extensions import db
from portal.referrals.evidence import evidence_for
from portal.referrals.labels import STATUS_LABELS
from portal.referrals.models import Recommendation
from portal.spreadsheets import hours

APPROVED = {"referral": ("approved", "sent", "accepted", "declined"), "commendation": ("approved", "awarded")}


def _cases(campaign: Campaign, kind: str, host_id: int | None = None) -> list[Recommendation]:
    query = (select(Recommendation).options(joinedload(Recommendation.user), joinedload(Recommendation.host),
                                            joinedload(Recommendation.credential))
             .where(Recommendation.campaign_id == campaign.id, Recommendation.kind == kind,
                    Recommendation.status.in_(APPROVED[kind])))
    if host_id is not None:
        query = query.where(Recommendation.host_id == host_id)
    return list(db.session.scalars(query))


def table(campaign: Campaign, kind: str, host_id: int | None = None) -> tuple[list[str], list[list]]:
    """The header and rows of an export (no email or phone: those go to a host only with consent)."""
    cases = sorted(_cases(campaign, kind, host_id),
                   key=lambda c: ((c.host.name if c.host else ""), c.user.sort_name))
    records = evidence_for(campaign, [c.user_id for c in cases])
    header = [_("Full name"), _("School"), _("Chapter"), _("Student ID"), _("Hours"), _("Shifts"), _("No-shows"),
              _("Points served"), _("Status"), _("Decided on")]
    if kind == "referral":
        header.insert(0, _("Host organisation"))
    header.append(_("Document code"))
    rows = []
    for case in cases:
        standing = records[case.user_id].standing if case.user_id in records else None
        row = [case.user.full_name, case.user.school or "", case.user.chapter or "", case.user.student_code or "",
               hours(standing.minutes if standing else 0), standing.attended if standing else 0,
               standing.no_shows if standing else 0, ", ".join(sorted(standing.points)) if standing else "",
               str(STATUS_LABELS[case.status]), case.decided_at.astimezone(LOCAL_TZ).date() if case.decided_at else ""]
        if kind == "referral":
            row.insert(0, case.host.name if case.host else "")
        row.append(pretty(case.credential.code) if case.credential else "")
        rows.append(row)
    return header, rows
