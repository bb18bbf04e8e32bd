"""The certificate PDF (and the referral letter and commendation, which share it): A4 landscape, Be Vietnam Pro
embedded, the official header, number and signature blocks (pdf_header.py), a vector QR code; same bytes every
time. Vietnamese first, English beneath; long names, schools and many points shrink or wrap to fit."""
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

from portal.certificates import pdf_header
from portal.certificates.codes import pretty
from portal.certificates.paper import signature_images
from portal.core.fonts import register_fonts
from portal.core.qr import draw_qr
from portal.core.text import nfc
from portal.i18n import lazy_text as _l

PAGE_W, PAGE_H = landscape(A4)
QR_SIZE = 40 * mm  # at least 35 mm, so a phone reads it from arm's length
INK = Color(0.11, 0.16, 0.28)
ACCENT = Color(0.70, 0.13, 0.13)
MUTED = Color(0.35, 0.38, 0.45)
LEFT, RIGHT, TOP, BOTTOM = 24 * mm, PAGE_W - 24 * mm, PAGE_H - 24 * mm, 22 * mm  # inside the frames


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


def _points_lines(points: list[str], width: float, size: float, most: int = 4) -> list[str]:
    """The service points in at most `most` lines at `size`: all of them, else the first ones and "and N more"."""
    lines = simpleSplit(tr("vi", "Service points: %(points)s", points=", ".join(points)), "Cert", size, width)
    if len(lines) <= most:
        return lines
    for shown in range(len(points) - 1, 0, -1):
        text = tr("vi", "Service points: %(points)s", points=", ".join(points[:shown]))
        text += " " + tr("vi", "and %(count)d more", count=len(points) - shown)
        lines = simpleSplit(text, "Cert", size, width)
        if len(lines) <= most:
            return lines
    return lines[:most]


def _middle(claims: dict, texts: dict, width: float, scale: float) -> list[tuple]:
    """The title down to the points, as (text lines, font, size, colour, leading, space after) at `scale`."""
    def block(text, font, size, colour=INK, after=0.0, smallest=None):
        size *= scale
        if smallest is not None:
            size = _fit(text, font, size, width, smallest * scale)
        return (simpleSplit(text, font, size, width), font, size, colour, size * 1.25, after * scale)

    name = nfc(claims["name"])
    served = "%(hours)s hours attended in %(shifts)d shifts"
    parts = [block(texts["title"][0], "Cert-Bold", 28, ACCENT, 2),
             block(f"{texts['subtitle'][0]} · {texts['subtitle'][1]}", "Cert-Italic", 11.5, MUTED, 10),
             block(f"{texts['intro'][0]} / {texts['intro'][1]}", "Cert", 11.5, INK, 2),
             block(name, "Cert-Bold", 26, INK, 4, smallest=16)]
    if claims.get("school"):
        parts.append(block(nfc(claims["school"]), "Cert-SemiBold", 12, INK, 2, smallest=9))
    parts += [block(texts["body"][0], "Cert", 11.5, INK),
              block(texts["body"][1], "Cert-Italic", 9.5, MUTED, 6),
              block(tr("vi", served, hours=_hours(claims["minutes"], "vi"), shifts=claims["shifts"]),
                    "Cert-SemiBold", 12),
              block(tr("en", served, hours=_hours(claims["minutes"], "en"), shifts=claims["shifts"]),
                    "Cert-Italic", 9.5, MUTED, 6)]
    if claims["points"]:
        size = 9.5 * scale
        parts.append((_points_lines(claims["points"], width, size, 3), "Cert", size, INK, size * 1.25, 0))
    return parts


def _height(parts) -> float:
    return sum(len(lines) * leading + after for lines, _f, _s, _c, leading, after in parts)


def _draw_middle(c: Canvas, claims: dict, texts: dict, top: float, bottom: float) -> None:
    """The middle, as large as fits between `top` and `bottom` (smaller type first, down to 60 %)."""
    width = RIGHT - LEFT - 20 * mm
    scale = 1.0
    parts = _middle(claims, texts, width, scale)
    while _height(parts) > top - bottom and scale > 0.55:
        scale -= 0.05
        parts = _middle(claims, texts, width, scale)
    y = top - max(0.0, top - bottom - _height(parts)) / 3  # a little more air above than below
    for lines, font, size, colour, leading, after in parts:
        c.setFillColor(colour)
        c.setFont(font, size)
        for n, line in enumerate(lines):
            c.drawCentredString(PAGE_W / 2, y - size - n * leading, line)
        y -= len(lines) * leading + after


def _chars(text: str, font: str, size: float, width: float) -> list[str]:
    """A text without spaces (an address) cut into lines of `width`."""
    lines, line = [], ""
    for char in text:
        if line and pdfmetrics.stringWidth(line + char, font, size) > width:
            lines.append(line)
            line = ""
        line += char
    return lines + [line]


def _foot(c: Canvas, claims: dict, url: str, qr_drawer) -> float:
    """The QR code in the lower left corner, the code and how to check it beside it; the top of the QR."""
    qr_drawer(c, url, LEFT, BOTTOM, QR_SIZE)
    x, width = LEFT + QR_SIZE + 5 * mm, 60 * mm
    y = BOTTOM + QR_SIZE - 9
    c.setFillColor(INK)
    if not claims.get("place_date"):  # before numbering the issue date stood here
        issued = date.fromisoformat(claims["issued"]).strftime("%d/%m/%Y")
        c.setFont("Cert", 8.5)
        for line in simpleSplit(" · ".join(both("Issued on %(date)s", date=issued)), "Cert", 8.5, width):
            c.drawString(x, y, line)
            y -= 11
        y -= 3
    code_vi, code_en = both("Certificate code")
    c.setFont("Cert", 8.5)
    c.drawString(x, y, f"{code_vi} / {code_en}:")
    c.setFont("Cert-Bold", 12)
    c.drawString(x, y - 15, pretty(claims["code"]))
    c.setFillColor(MUTED)
    c.setFont("Cert", 8)
    y -= 33
    for line in simpleSplit(" · ".join(both("Scan to verify")), "Cert", 8, width):
        c.drawString(x, y, line)
        y -= 10
    for line in _chars(url.split("#")[0], "Cert", 6.5, width)[:3]:
        c.setFont("Cert", 6.5)
        c.drawString(x, y, line)
        y -= 9
    return BOTTOM + QR_SIZE


def render(claims: dict, url: str, qr_drawer=draw_qr, images: dict[str, bytes] | None = None) -> bytes:
    """The PDF of one credential; deterministic (reportlab's invariant mode, no clock, no randomness).
    `images`: the signature PNGs by SHA-256 (read from the database when not given)."""
    images = signature_images(claims) if images is None else images
    register_fonts()
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
    kind = KIND_TEXTS[claims.get("kind", "participation")]
    texts = {key: both_of(make(claims)) for key, make in kind.items()}
    name = nfc(claims["name"])
    c.setTitle(nfc(f"{texts['subtitle'][0]} · {name}"))
    c.setAuthor(nfc(" · ".join(i["body"] for i in claims.get("issuers", ())) or " · ".join(claims["organisers"])))
    c.setSubject(nfc(claims["campaign"]))
    c.setKeywords(pretty(claims["code"]))
    c.setCreator("Đồng hành")

    # A double frame.
    c.setStrokeColor(ACCENT)
    c.setLineWidth(2.2)
    c.rect(12 * mm, 12 * mm, PAGE_W - 24 * mm, PAGE_H - 24 * mm)
    c.setLineWidth(0.6)
    c.rect(15 * mm, 15 * mm, PAGE_W - 30 * mm, PAGE_H - 30 * mm)

    c.setFillColor(INK)
    c.setStrokeColor(INK)
    if claims.get("number"):
        top = pdf_header.header(c, claims, LEFT, RIGHT, TOP - 4) - 14
    else:  # a credential issued before numbering: its organisers, as it was printed then
        organisers = [nfc(o).upper() for o in claims["organisers"]] or ["ĐỒNG HÀNH"]
        lines = simpleSplit("   ·   ".join(organisers), "Cert-SemiBold", 10.5, RIGHT - LEFT)
        c.setFont("Cert-SemiBold", 10.5)
        top = TOP - 4
        for line in lines:
            c.drawCentredString(PAGE_W / 2, top, line)
            top -= 14
    qr_top = _foot(c, claims, url, qr_drawer)
    sign_left = LEFT + QR_SIZE + 5 * mm + 62 * mm
    foot_top = max(qr_top, BOTTOM + pdf_header.signature_height(claims, (RIGHT - sign_left) / 2 - 6 * mm))
    c.setFillColor(INK)
    pdf_header.signatures(c, claims, sign_left, RIGHT, BOTTOM, images)
    _draw_middle(c, claims, texts, top, foot_top + 8)
    c.showPage()
    c.save()
    return buffer.getvalue()
