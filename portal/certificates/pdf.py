"""The certificate PDF: A4 landscape, Be Vietnam Pro embedded, a vector QR code; same bytes every time."""
from __future__ import annotations

import io
from datetime import date

from flask_babel import force_locale, gettext
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from portal.certificates.codes import pretty
from portal.core.fonts import register_fonts
from portal.core.qr import draw_qr
from portal.core.text import nfc
from portal.i18n import lazy_text as _l

PAGE_W, PAGE_H = landscape(A4)
QR_SIZE = 40 * mm  # at least 35 mm, so a phone reads it from arm's length
INK = Color(0.11, 0.16, 0.28)
ACCENT = Color(0.70, 0.13, 0.13)
MUTED = Color(0.35, 0.38, 0.45)
def tr(locale: str, msgid: str, **values) -> str:
    """A label in the given language (the paper is bilingual whoever downloads it)."""
    with force_locale(locale):
        return nfc(gettext(msgid, **values))


def both(msgid: str, **values) -> tuple[str, str]:
    """A label in Vietnamese and in English."""
    return tr("vi", msgid, **values), tr("en", msgid, **values)


def both_of(text) -> tuple[str, str]:
    """A lazy string (with its values) in Vietnamese and in English."""
    result = []
    for locale in ("vi", "en"):
        with force_locale(locale):
            result.append(nfc(str(text)))
    return result[0], result[1]


# What each kind of credential says; the layout is shared (one mechanism, three documents).
KIND_TEXTS = {
    "participation": {
        "title": lambda c: _l("CERTIFICATE"),
        "subtitle": lambda c: _l("Certificate of participation"),
        "intro": lambda c: _l("This certifies that"),
        "body": lambda c: _l("took part as a volunteer in the campaign “%(campaign)s”, from %(start)s to %(end)s.",
                             campaign=c["campaign"], start=_day(c["start"]), end=_day(c["end"])),
    },
    "commendation": {
        "title": lambda c: _l("COMMENDATION"),
        "subtitle": lambda c: _l("Commendation for an outstanding volunteer"),
        "intro": lambda c: _l("This commendation is awarded to"),
        "body": lambda c: _l("for an outstanding contribution as a volunteer in the campaign “%(campaign)s”, "
                             "from %(start)s to %(end)s.",
                             campaign=c["campaign"], start=_day(c["start"]), end=_day(c["end"])),
    },
    "referral": {
        "title": lambda c: _l("INTERNSHIP REFERRAL"),
        "subtitle": lambda c: _l("Letter of referral for an internship"),
        "intro": lambda c: _l("The organisers refer"),
        "body": lambda c: _l("who volunteered in the campaign “%(campaign)s” from %(start)s to %(end)s, "
                             "to %(host)s for an internship.",
                             campaign=c["campaign"], start=_day(c["start"]), end=_day(c["end"]),
                             host=c.get("host", "")),
    },
}


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def _hours(minutes: int, locale: str) -> str:
    value = f"{round(minutes / 60, 1):g}"
    return value.replace(".", ",") if locale == "vi" else value


def _fit(text: str, font: str, size: float, width: float, smallest: float) -> float:
    """The largest size from `size` down to `smallest` at which the text fits on one line."""
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _points_lines(points: list[str], width: float, most: int = 4) -> tuple[float, list[str]]:
    """The service points in at most `most` lines: smaller type first, then "and N more"."""
    for size in (10.5, 9.5, 8.5):
        lines = simpleSplit(tr("vi", "Service points: %(points)s", points=", ".join(points)), "Cert", size, width)
        if len(lines) <= most:
            return size, lines
    for shown in range(len(points) - 1, 0, -1):
        text = tr("vi", "Service points: %(points)s", points=", ".join(points[:shown]))
        text += " " + tr("vi", "and %(count)d more", count=len(points) - shown)
        lines = simpleSplit(text, "Cert", 8.5, width)
        if len(lines) <= most:
            return 8.5, lines
    return 8.5, lines[:most]


def _centred(c: Canvas, lines: list[str], font: str, size: float, y: float, leading: float) -> float:
    c.setFont(font, size)
    for line in lines:
        c.drawCentredString(PAGE_W / 2, y, line)
        y -= leading
    return y


def render(claims: dict, url: str, qr_drawer=draw_qr) -> bytes:
    """The PDF of one certificate; deterministic (reportlab's invariant mode, no clock, no randomness)."""
    register_fonts()
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
    name = nfc(claims["name"])
    c.setTitle(nfc(f"{both_of(KIND_TEXTS[claims.get('kind', 'participation')]['subtitle'](claims))[0]} · {name}"))
    c.setAuthor(nfc(" · ".join(claims["organisers"])))
    c.setSubject(nfc(claims["campaign"]))
    c.setKeywords(pretty(claims["code"]))
    c.setCreator("Đồng hành")

    # A double frame.
    c.setStrokeColor(ACCENT)
    c.setLineWidth(2.2)
    c.rect(12 * mm, 12 * mm, PAGE_W - 24 * mm, PAGE_H - 24 * mm)
    c.setLineWidth(0.6)
    c.rect(15 * mm, 15 * mm, PAGE_W - 30 * mm, PAGE_H - 30 * mm)

    width = PAGE_W - 60 * mm
    c.setFillColor(INK)
    organisers = [nfc(o).upper() for o in claims["organisers"]] or ["ĐỒNG HÀNH"]
    y = _centred(c, simpleSplit("   ·   ".join(organisers), "Cert-SemiBold", 10.5, width),
                 "Cert-SemiBold", 10.5, PAGE_H - 33 * mm, 14)

    texts = {key: both_of(make(claims)) for key, make in KIND_TEXTS[claims.get("kind", "participation")].items()}
    title_vi, title_en = texts["subtitle"]
    c.setFillColor(ACCENT)
    c.setFont("Cert-Bold", 34)
    c.drawCentredString(PAGE_W / 2, y - 34, texts["title"][0])
    c.setFillColor(MUTED)
    c.setFont("Cert-Italic", 12)
    c.drawCentredString(PAGE_W / 2, y - 54, f"{title_vi} · {title_en}")

    c.setFillColor(INK)
    intro_vi, intro_en = texts["intro"]
    c.setFont("Cert", 12)
    c.drawCentredString(PAGE_W / 2, y - 90, f"{intro_vi} / {intro_en}")
    size = _fit(name, "Cert-Bold", 28, width, 16)
    lines = simpleSplit(name, "Cert-Bold", size, width)  # a very long name takes two lines
    y = _centred(c, lines, "Cert-Bold", size, y - 90 - size - 10, size + 4) - 16
    if claims.get("school"):
        school = nfc(claims["school"])
        size = _fit(school, "Cert-SemiBold", 12.5, width, 9)
        y = _centred(c, simpleSplit(school, "Cert-SemiBold", size, width), "Cert-SemiBold", size, y, size + 3) - 7

    took_vi, took_en = texts["body"]
    y = _centred(c, simpleSplit(took_vi, "Cert", 12, width), "Cert", 12, y, 15)
    c.setFillColor(MUTED)
    y = _centred(c, simpleSplit(took_en, "Cert-Italic", 10, width), "Cert-Italic", 10, y, 13) - 14

    c.setFillColor(INK)
    served = "%(hours)s hours attended in %(shifts)d shifts"
    c.setFont("Cert-SemiBold", 13)
    c.drawCentredString(PAGE_W / 2, y, tr("vi", served, hours=_hours(claims["minutes"], "vi"), shifts=claims["shifts"]))
    c.setFillColor(MUTED)
    c.setFont("Cert-Italic", 10)
    c.drawCentredString(PAGE_W / 2, y - 14, tr("en", served, hours=_hours(claims["minutes"], "en"),
                                                shifts=claims["shifts"]))
    y -= 38
    if claims["points"]:
        c.setFillColor(INK)
        size, lines = _points_lines(claims["points"], width - QR_SIZE * 2)
        _centred(c, lines, "Cert", size, y, size + 2.5)

    # The foot: issue date and code on the left, the QR code on the right.
    left, base = 26 * mm, 24 * mm
    issued = date.fromisoformat(claims["issued"]).strftime("%d/%m/%Y")
    c.setFillColor(INK)
    c.setFont("Cert", 10.5)
    issued_vi, issued_en = both("Issued on %(date)s", date=issued)
    c.drawString(left, base + 24, f"{issued_vi} · {issued_en}")
    code_vi, code_en = both("Certificate code")
    c.drawString(left, base + 10, f"{code_vi} / {code_en}:")
    c.setFont("Cert-Bold", 14)
    c.drawString(left, base - 6, pretty(claims["code"]))

    qr_x = PAGE_W - 26 * mm - QR_SIZE
    qr_drawer(c, url, qr_x, base, QR_SIZE)
    c.setFont("Cert", 8.5)
    c.setFillColor(MUTED)
    scan_vi, scan_en = both("Scan to verify")
    c.drawRightString(qr_x - 4 * mm, base + 10, f"{scan_vi} · {scan_en}")
    c.drawRightString(qr_x - 4 * mm, base, url.split("#")[0])
    c.showPage()
    c.save()
    return buffer.getvalue()
