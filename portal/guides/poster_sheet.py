"""The point's "tờ rơi" sheet: every guide it uses, each with its own QR code, title and call to action, on one A4
page under the campaign's band and over the point's (the poster's own pieces, from poster_pdf)."""
from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas

from portal.core.qr import draw_qr
from portal.guides.poster_pdf import (
    BLUE,
    BOLD,
    INK,
    LINE,
    MUTED,
    RED,
    SEMI,
    Poster,
    draw_lines,
    fit,
    footer,
    header,
    wrap,
)


def _card(c: Canvas, p: Poster, x: float, y: float, w: float, h: float) -> None:
    """One guide on the sheet: QR code on the left, title and call to action beside it, its address under."""
    pad = 9
    url_size = fit(p.short_url, SEMI, 9, w - 2 * pad)
    q = min(h - 2 * pad - url_size * 1.6, w * 0.45)
    c.setStrokeColor(LINE)
    c.setLineWidth(0.8)
    c.roundRect(x, y, w, h, 6, stroke=1, fill=0)
    draw_qr(c, p.url, x + pad, y + h - pad - q, q)
    text_x, text_w = x + pad * 2 + q + 4, w - q - pad * 3 - 4
    title_size, title = wrap(p.title, BOLD, min(17, w * 0.048), text_w, 4, 9)
    c.setFillColor(INK)
    ty = draw_lines(c, title, BOLD, title_size, text_x, y + h - pad - title_size, title_size * 1.25)
    call_size, call = wrap(p.call, SEMI, title_size * 0.85, text_w, 4, 8)
    c.setFillColor(RED)
    draw_lines(c, call, SEMI, call_size, text_x, ty - 4, call_size * 1.25)
    c.setFillColor(BLUE)
    draw_lines(c, [p.short_url], SEMI, url_size, x + pad, y + pad, 0)


def draw_leaflet(c: Canvas, sheet: list[Poster], point: Poster, width: float, height: float) -> None:
    """The point's sheet: every chosen guide with its own QR code (one column up to four, then two), on one page."""
    top = header(c, point, width, height, 1, strip=point.labels["leaflet"])
    bottom = footer(c, point, width, 1)
    if not sheet:
        c.setFillColor(MUTED)
        draw_lines(c, wrap(point.labels["empty"], SEMI, 14, width - 120, 4, 10)[1], SEMI, 14, width / 2,
               (top + bottom) / 2, 19, True)
        return
    columns = 1 if len(sheet) <= 4 else 2
    rows = max(3, -(-len(sheet) // columns))
    margin, gap = 30, 10
    w = (width - 2 * margin - (columns - 1) * gap) / columns
    h = (top - bottom - (rows + 1) * gap) / rows
    for index, item in enumerate(sheet):
        row, col = divmod(index, columns)
        _card(c, item, margin + col * (w + gap), top - gap - (row + 1) * h - row * gap, w, h)
