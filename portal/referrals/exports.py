"""Approved referrals per host and approved commendations, as CSV and XLSX."""
from __future__ import annotations

import csv
import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.campaigns.models import Campaign
from portal.certificates.codes import pretty
from portal.extensions import db
from portal.i18n import format_date, format_hours
from portal.referrals.evidence import evidence_for
from portal.referrals.models import Recommendation

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
    from portal.referrals.labels import STATUS_LABELS

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
               format_hours(standing.minutes if standing else 0), standing.attended if standing else 0,
               standing.no_shows if standing else 0, ", ".join(sorted(standing.points)) if standing else "",
               str(STATUS_LABELS[case.status]), format_date(case.decided_at)]
        if kind == "referral":
            row.insert(0, case.host.name if case.host else "")
        row.append(pretty(case.credential.code) if case.credential else "")
        rows.append(row)
    return header, rows


def _safe(value):
    """Keep a spreadsheet from reading a cell as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a BOM, so Excel shows Vietnamese letters correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[_safe(v) for v in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    """One sheet with a bold header row and sensible column widths."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(v) for v in row])
    for column, name in enumerate(header, start=1):
        width = max([len(str(name))] + [len(str(r[column - 1])) for r in rows]) + 2
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = min(width, 60)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
