"""A report as a printable A4 page (reportlab), in the certificate's embedded Vietnamese font."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape  # reportlab reads Paragraph text as markup

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from portal.certificates.pdf import _register_fonts


def render(title: str, subtitle: str, scope: str, header: list[str], rows: list[list]) -> bytes:
    """The title, the period, what it covers, and the table of figures."""
    _register_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                                 bottomMargin=18 * mm, title=title, author="Đồng hành", invariant=1)
    big = ParagraphStyle("title", fontName="Cert-Bold", fontSize=18, leading=22)
    normal = ParagraphStyle("normal", fontName="Cert", fontSize=10.5, leading=14)
    cell = ParagraphStyle("cell", fontName="Cert", fontSize=9.5, leading=12)
    data = [[Paragraph(escape(str(h)), ParagraphStyle("head", parent=cell, fontName="Cert-SemiBold")) for h in header]]
    data += [[Paragraph(escape(str(v)), cell) for v in row] for row in rows]
    table = Table(data, colWidths=[70 * mm, 32 * mm, 32 * mm, 32 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#c9d1db")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    document.build([Paragraph(escape(title), big), Paragraph(escape(subtitle), normal), Paragraph(escape(scope), normal),
                    Spacer(1, 6 * mm),
                    table])
    return buffer.getvalue()
