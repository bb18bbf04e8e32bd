"""The official parts of the paper, laid out as a Vietnamese organisation's document carries them.

Nghị định 30/2020/NĐ-CP (Phụ lục I): on the left the parent body (capitals) over the issuing body (capitals,
bold) with a short rule under it, then "Số: …"; on the right the national motto in bold with a rule under
"Độc lập - Tự do - Hạnh phúc", then the italic place-and-date line. Đoàn's Hướng dẫn thể thức văn bản: the
title "ĐOÀN TNCS HỒ CHÍ MINH" on the right, underlined, and three asterisks under the issuing body instead of
the rule. Two co-issuers: both bodies on the left, the leading one first; their signature blocks side by side
at the foot, the leading one on the right.
"""
from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

STATE = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
UNION = ("ĐOÀN TNCS HỒ CHÍ MINH",)
HEAD_SIZE = 10.5
SIGNATURE_H = 21 * mm  # the signature-and-seal's box


def _lines(c: Canvas, lines, x: float, y: float, leading: float) -> float:
    """Draw (text, font, size) lines centred on x from baseline y down; the baseline after the last."""
    for text, font, size in lines:
        c.setFont(font, size)
        c.drawCentredString(x, y, text)
        y -= leading
    return y


def _wrapped(text: str, font: str, size: float, width: float) -> list[tuple[str, str, float]]:
    return [(line, font, size) for line in simpleSplit(text, font, size, width)]


def _rule(c: Canvas, x: float, y: float, width: float) -> None:
    c.setLineWidth(0.6)
    c.line(x - width / 2, y, x + width / 2, y)


def left_block(c: Canvas, claims: dict, x: float, top: float, width: float) -> float:
    """The issuing bodies, the rule or asterisks, and the number; the lowest baseline used."""
    lines = []
    issuers = (claims.get("issuers") or [{"parent": "", "body": name} for name in claims["organisers"]]
               or [{"parent": "", "body": "ĐỒNG HÀNH"}])
    for issuer in issuers:
        if issuer.get("parent"):
            lines += _wrapped(issuer["parent"].upper(), "Cert", HEAD_SIZE, width)
        lines += _wrapped(issuer["body"].upper(), "Cert-Bold", HEAD_SIZE, width)
    leading = HEAD_SIZE + 3
    last = _lines(c, lines, x, top, leading) + leading  # the last body's baseline
    if claims.get("motto") == "union":
        last = _lines(c, [("***", "Cert-Bold", HEAD_SIZE)], x, last - leading, leading) + leading
    else:
        text, font, size = lines[-1]
        _rule(c, x, last - 4, max(pdfmetrics.stringWidth(text, font, size) / 3, 18 * mm))
    number_y = last - leading - 6
    _lines(c, [(f"Số: {claims['number']}", "Cert", HEAD_SIZE)], x, number_y, leading)
    return number_y


def right_block(c: Canvas, claims: dict, x: float, top: float, under: float) -> float:
    """The motto (or the union's title) with its rule, and the place-and-date line no higher than `under`."""
    motto = UNION if claims.get("motto") == "union" else STATE
    lines = [(motto[0], "Cert-Bold", HEAD_SIZE)] + [(text, "Cert-Bold", HEAD_SIZE + 0.5) for text in motto[1:]]
    leading = HEAD_SIZE + 3
    y = _lines(c, lines, x, top, leading)
    last, font, size = lines[-1]
    _rule(c, x, y + leading - 4, pdfmetrics.stringWidth(last, font, size))
    date_y = min(y - 6, under)
    _lines(c, [(claims["place_date"], "Cert-Italic", HEAD_SIZE)], x, date_y, leading)
    return date_y


def header(c: Canvas, claims: dict, left: float, right: float, top: float) -> float:
    """Both header blocks; the baseline of their lowest line."""
    middle = (left + right) / 2
    left_w, right_w = middle - left - 4 * mm, right - middle - 4 * mm
    number_y = left_block(c, claims, left + left_w / 2, top, left_w)
    date_y = right_block(c, claims, right - right_w / 2, top, number_y)
    return min(number_y, date_y)


def signature_height(claims: dict, width: float) -> float:
    """How tall the tallest signature block is, from its bottom to the top of its first line."""
    tallest = 0.0
    for issuer in claims.get("issuers", ()):
        count = len(_block_lines(issuer, width))
        tallest = max(tallest, count * 12.5 + SIGNATURE_H + 22)
    return tallest


def _block_lines(issuer: dict, width: float) -> list[tuple[str, str, float]]:
    lines = _wrapped(issuer["on_behalf"].upper(), "Cert-Bold", 10, width) if issuer.get("on_behalf") else []
    return lines + _wrapped(issuer["title"].upper(), "Cert-Bold", 10, width)


def signatures(c: Canvas, claims: dict, left: float, right: float, bottom: float, images: dict[str, bytes]) -> None:
    """The signature blocks side by side between `left` and `right`, the leading issuer's on the right:
    "TM." line and title, the signature-and-seal picture (when there is one), the signatory's name."""
    issuers = list(claims.get("issuers", ()))
    width = (right - left) / 2
    for slot, issuer in enumerate(issuers[:2]):
        x = right - width / 2 - slot * width
        lines = _block_lines(issuer, width - 6 * mm)
        top = bottom + len(lines) * 12.5 + SIGNATURE_H + 22  # both names on one baseline
        y = _lines(c, lines, x, top - 10, 12.5)
        box_top = y + 12.5 - 4
        picture = images.get(issuer.get("signature") or "")
        if picture:
            _picture(c, picture, x, box_top - SIGNATURE_H, width - 6 * mm, SIGNATURE_H)
        name = issuer["signatory"]
        size = 11.0
        while size > 8 and pdfmetrics.stringWidth(name, "Cert-Bold", size) > width - 6 * mm:
            size -= 0.5
        _lines(c, [(name, "Cert-Bold", size)], x, box_top - SIGNATURE_H - 14, 12.5)


def _picture(c: Canvas, png: bytes, x: float, y: float, width: float, height: float) -> None:
    """The PNG centred on x in the box above y, its proportions kept, its transparency kept."""
    reader = ImageReader(io.BytesIO(png))
    w, h = reader.getSize()
    scale = min(width / w, height / h)
    c.drawImage(reader, x - w * scale / 2, y + (height - h * scale) / 2, w * scale, h * scale, mask="auto")
