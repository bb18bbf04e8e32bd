"""A report as a printable A4 paper (reportlab), in the certificate's embedded Vietnamese font, laid out
as a Youth Union paper: the organisers' header (parent body over the issuing body), the place and the
date it was made, the title and period, the figures, the narrative, and a signature line."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape  # reportlab reads Paragraph text as markup

from flask_babel import format_date as babel_format_date
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from portal.core.clock import LOCAL_TZ
from portal.core.fonts import register_fonts
from portal.i18n import current_locale, format_datetime_local, format_number
from portal.reports.narrative import Narrative, place_and_date

WIDTH = A4[0] - 36 * mm


@dataclass
class Paper:
    """Everything the paper prints besides the table."""

    title: str
    period: str
    scope: str
    organisers: list[str]
    made_at: datetime
    narrative: Narrative
    feedback_labels: dict


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("normal", fontName="Cert", fontSize=10.5, leading=14)
    return {
        "normal": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12, textColor=colors.HexColor("#4a5360")),
        "parent": ParagraphStyle("parent", parent=base, fontSize=10, leading=13, alignment=TA_CENTER),
        "issuer": ParagraphStyle("issuer", parent=base, fontName="Cert-Bold", fontSize=10, leading=13,
                                 alignment=TA_CENTER),
        "dateline": ParagraphStyle("dateline", parent=base, fontName="Cert-Italic", alignment=TA_CENTER),
        "title": ParagraphStyle("title", parent=base, fontName="Cert-Bold", fontSize=16, leading=20,
                                alignment=TA_CENTER, spaceBefore=8 * mm),
        "centre": ParagraphStyle("centre", parent=base, alignment=TA_CENTER),
        "heading": ParagraphStyle("heading", parent=base, fontName="Cert-Bold", fontSize=12, leading=16,
                                  spaceBefore=6 * mm, spaceAfter=2 * mm),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=12),
        "head": ParagraphStyle("head", parent=base, fontSize=9.5, leading=12, fontName="Cert-SemiBold"),
        "sign": ParagraphStyle("sign", parent=base, fontName="Cert-Bold", alignment=TA_CENTER),
    }


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _dateline(day: date) -> str:
    """"Hà Nội, ngày 15 tháng 02 năm 2026" in Vietnamese, "Hanoi, 15 February 2026" in English."""
    if current_locale() == "vi":
        return place_and_date(day)
    return _("Hanoi, %(date)s", date=babel_format_date(day, "d MMMM yyyy"))


def _header(paper: Paper, s) -> Table:
    """Top left the parent body over the issuing body, underlined; top right the place and date."""
    names = paper.organisers or [_("Đồng hành")]
    parent, issuers = (names[0], names[1:]) if len(names) > 1 else ("", names)
    left = ([_p(parent.upper(), s["parent"])] if parent else []) + [_p(n.upper(), s["issuer"]) for n in issuers]
    left.append(_p("———", s["parent"]))
    right = [_p(_dateline(paper.made_at.astimezone(LOCAL_TZ).date()), s["dateline"])]
    table = Table([[left, right]], colWidths=[WIDTH * 0.5, WIDTH * 0.5])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _figures(header: list[str], rows: list[list], s) -> Table:
    data = [[_p(h, s["head"]) for h in header]]
    data += [[_p(format_number(v, 1) if isinstance(v, (int, float)) else v, s["cell"]) for v in row] for row in rows]
    table = Table(data, colWidths=[70 * mm, 32 * mm, 32 * mm, 32 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#c9d1db")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def _story(paper: Paper, s) -> list:
    """The narrative: incidents, then citizens' feedback by kind with a few examples."""
    n = paper.narrative
    story = [_p(_("Incidents"), s["heading"])]
    if n.incidents:
        story += [_p(f"{item['day'].strftime('%d/%m/%Y')} · {item['point']}: {item['text']}", s["normal"])
                  for item in n.incidents]
        if n.incidents_total > len(n.incidents):
            story.append(_p(_("and %(count)d more in the activity logs.", count=n.incidents_total - len(n.incidents)),
                            s["small"]))
    else:
        story.append(_p(_("No incident was recorded in the activity logs."), s["normal"]))
    story.append(_p(_("Citizens' feedback"), s["heading"]))
    total = sum(n.feedback.values())
    if total:
        story.append(_p(" · ".join(f"{paper.feedback_labels[k]}: {format_number(v, 0)}"
                                   for k, v in n.feedback.items() if v), s["normal"]))
        if n.examples:
            story.append(_p(_("Examples (as recorded, without personal data):"), s["small"]))
            story += [_p(f"“{e['text']}” ({paper.feedback_labels[e['category']]})", s["normal"]) for e in n.examples]
    else:
        story.append(_p(_("No feedback was recorded."), s["normal"]))
    return story


def _signature(s) -> KeepTogether:
    """On behalf of the organisers: the title, room to sign, and a line for the name."""
    block = [_p(_("ON BEHALF OF THE ORGANISERS"), s["sign"]), _p(_("(signature and full name)"), s["dateline"]),
             Spacer(1, 22 * mm), _p("." * 48, s["centre"])]
    table = Table([["", block]], colWidths=[WIDTH * 0.45, WIDTH * 0.55])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([Spacer(1, 8 * mm), table])


def render(paper: Paper, header: list[str], rows: list[list]) -> bytes:
    """The paper: header, title and period, what it covers, the figures, the narrative and the signature."""
    register_fonts()
    s = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=15 * mm,
                                 bottomMargin=18 * mm, title=f"{paper.title} {paper.period}", author="Đồng hành",
                                 invariant=1)
    made = _("Made on %(when)s", when=format_datetime_local(paper.made_at))
    document.build([_header(paper, s), _p(paper.title, s["title"]), _p(paper.period, s["centre"]),
                    _p(paper.scope, s["centre"]), _p(made, s["small"]), Spacer(1, 5 * mm),
                    _figures(header, rows, s), *_story(paper, s), _signature(s)])
    return buffer.getvalue()
