"""Drawing a guide's poster and a point's "tờ rơi" sheet with reportlab: one layout for every page size (A4, A3 and
the e-posters' shapes), a vector QR code, Be Vietnam Pro; an e-poster is the same PDF rasterised with pypdfium2."""
from __future__ import annotations

import io
import threading
from dataclasses import dataclass

import pypdfium2
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A3, A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from portal.core.fonts import register_fonts
from portal.core.qr import draw_qr

BLUE, WASH, RED = HexColor("#0a2a52"), HexColor("#e6f0fa"), HexColor("#b3151e")
INK, MUTED, LINE = HexColor("#1b1f24"), HexColor("#4a5360"), HexColor("#c9d1db")
REGULAR, SEMI, BOLD = "Cert", "Cert-SemiBold", "Cert-Bold"
# Points per page; an e-poster is drawn at half its pixel size and rasterised at scale 2 (exact pixels).
PAGES = {"a4.pdf": A4, "a3.pdf": A3, "1080x1350.png": (540, 675), "1080x1920.png": (540, 960)}
PIXELS = {"1080x1350.png": (1080, 1350), "1080x1920.png": (1080, 1920)}
_PDFIUM = threading.Lock()  # pdfium is not thread-safe


@dataclass(frozen=True)
class Poster:
    """What a poster says, as plain Vietnamese text: no database object reaches the drawing."""

    brand: str
    organisers: str
    title: str
    call: str
    steps: tuple[str, ...]
    url: str
    short_url: str
    point: str
    address: str
    hours: str
    labels: dict


def wrap(text: str, font: str, size: float, width: float, most: int, smallest: float) -> tuple[float, list[str]]:
    """The text in at most `most` lines, at the largest size down to `smallest`; then cut with an ellipsis."""
    while True:
        lines = simpleSplit(text, font, size, width) if text else []
        if len(lines) <= most:
            return size, lines
        if size <= smallest:
            last = lines[most - 1]
            while last and pdfmetrics.stringWidth(last + " …", font, size) > width:
                last = last[:-1]
            return size, lines[:most - 1] + [last.rstrip() + " …"]
        size = max(size * 0.93, smallest)


def fit(text: str, font: str, size: float, width: float) -> float:
    """The largest size up to `size` at which the text fits on one line."""
    return min(size, size * width / max(pdfmetrics.stringWidth(text, font, size), 1))


def draw_lines(c: Canvas, rows: list[str], font: str, size: float, x: float, y: float, leading: float,
               centred: bool = False) -> float:
    """Draw lines from the baseline `y` down; the y below the last one."""
    c.setFont(font, size)
    for line in rows:
        (c.drawCentredString if centred else c.drawString)(x, y, line)
        y -= leading
    return y


def balance(lines: list[str], text: str, font: str, size: float, width: float) -> list[str]:
    """The same number of lines, made as even as they go (no lone last word under a centred title)."""
    if len(lines) < 2:
        return lines
    narrow, wide = width * 0.4, width
    while wide - narrow > 2:
        middle = (narrow + wide) / 2
        if len(simpleSplit(text, font, size, middle)) > len(lines):
            narrow = middle
        else:
            wide = middle
    return simpleSplit(text, font, size, wide)


def header(c: Canvas, p: Poster, width: float, top: float, u: float, strip: str = "") -> float:
    """The campaign's band across the top (organisers, campaign name, an optional line); the y under it."""
    inner, pad = width - 68 * u, 14 * u
    org_size, org = wrap(p.organisers.upper(), SEMI, 9 * u, inner, 2, 7 * u)
    brand_size, brand = wrap(p.brand.upper(), BOLD, 19 * u, inner, 2, 12 * u)
    rows = [(SEMI, org_size, line, 1.25, 0.3) for line in org]
    rows += [(BOLD, brand_size, line, 1.2, 0.1) for line in balance(brand, p.brand.upper(), BOLD, brand_size, inner)]
    if strip:
        rows.append((SEMI, fit(strip, SEMI, 12 * u, inner), strip, 1.5, 0.2))
    height = pad * 2 + sum(size * (above + below) for _, size, _, above, below in rows)
    c.setFillColor(BLUE)
    c.rect(0, top - height, width, height, stroke=0, fill=1)
    c.setFillColor(RED)
    c.rect(0, top - height - 5 * u, width, 5 * u, stroke=0, fill=1)
    c.setFillColor(white)
    y = top - pad
    for font, size, line, above, below in rows:  # Vietnamese capitals carry their marks above the cap height
        y -= size * above
        draw_lines(c, [line], font, size, width / 2, y, 0, True)
        y -= size * below
    return top - height - 5 * u


def footer(c: Canvas, p: Poster, width: float, u: float) -> float:
    """The point's band at the bottom: its name, address, opening hours and an offer of help; the band's top."""
    inner, pad = width - 68 * u, 14 * u
    name_size, name = wrap(p.point, BOLD, 15 * u, inner, 2, 10 * u)
    rows = [(SEMI, 10.5 * u, line) for line in wrap(p.address, REGULAR, 10.5 * u, inner, 2, 8 * u)[1]]
    if p.hours:
        rows += [(SEMI, 10.5 * u, line) for line in
                 wrap(f"{p.labels['hours']}: {p.hours}", SEMI, 10.5 * u, inner, 2, 8 * u)[1]]
    rows += [(REGULAR, 10 * u, line) for line in wrap(p.labels["help"], REGULAR, 10 * u, inner, 2, 8 * u)[1]]
    height = pad * 2 + len(name) * name_size * 1.25 + sum(size * 1.4 for _, size, _ in rows)
    c.setFillColor(WASH)
    c.rect(0, 0, width, height, stroke=0, fill=1)
    c.setFillColor(BLUE)
    y = draw_lines(c, name, BOLD, name_size, 34 * u, height - pad - name_size, name_size * 1.25)
    for font, size, line in rows:
        c.setFillColor(MUTED if font == REGULAR else INK)
        y = draw_lines(c, [line], font, size, 34 * u, y - size * 0.15, size * 1.4)
    return height


def _steps_block(p: Poster, width: float, size: float) -> tuple[float, list[tuple[int, list[str]]]]:
    """The numbered steps wrapped to `width` (after the number's disc): their height and lines."""
    items = [(n, wrap(step, REGULAR, size, width - size * 2.2, 3, size)[1]) for n, step in enumerate(p.steps, 1)]
    height = size * 1.9 + sum(len(lines) * size * 1.3 + size * 0.7 for _, lines in items)
    return height, items


def _draw_steps(c: Canvas, p: Poster, items, x: float, y: float, size: float) -> None:
    """The steps' heading and the numbered steps, from `y` down."""
    c.setFillColor(BLUE)
    draw_lines(c, [p.labels["steps"]], BOLD, size * 1.05, x, y - size, 0)
    y -= size * 1.9
    for number, text in items:
        c.setFillColor(BLUE)
        c.circle(x + size * 0.75, y - size * 0.62, size * 0.75, stroke=0, fill=1)
        c.setFillColor(white)
        c.setFont(BOLD, size * 0.9)
        c.drawCentredString(x + size * 0.75, y - size * 0.92, str(number))
        c.setFillColor(INK)
        draw_lines(c, text, REGULAR, size, x + size * 2.2, y - size * 0.95, size * 1.3)
        y -= len(text) * size * 1.3 + size * 0.7


def _measure(p: Poster, inner: float, u: float, s: float, stacked: bool, with_steps: bool) -> dict:
    """Sizes and heights of the body's blocks at type scale `s`."""
    m = {"q": max(118 * u, 170 * u * s), "gap": 14 * u * s}
    m["title_size"], title = wrap(p.title, BOLD, 25 * u * s, inner, 3, 15 * u * s)
    m["title"] = balance(title, p.title, BOLD, m["title_size"], inner)
    m["call_size"], call = wrap(p.call, BOLD, 38 * u * s, inner, 3, 24 * u * s)
    m["call"] = balance(call, p.call, BOLD, m["call_size"], inner)
    m["step_size"] = 13.5 * u * min(s, 1.15)
    side = inner if stacked else inner - m["q"] - 22 * u
    m["steps_h"], m["steps"] = _steps_block(p, side, m["step_size"]) if with_steps else (0, [])
    m["hint_size"] = fit(p.labels["scan"], REGULAR, 11.5 * u * min(s, 1.1), inner)
    m["url_size"] = fit(p.short_url, BOLD, 17 * u * min(s, 1.1), inner)
    m["row"] = m["q"] + m["gap"] + m["steps_h"] if stacked and m["steps"] else max(m["q"], m["steps_h"])
    m["height"] = (len(m["title"]) * m["title_size"] * 1.25 + len(m["call"]) * m["call_size"] * 1.2 + m["row"]
                   + m["hint_size"] * 1.6 + m["url_size"] * 1.3 + m["gap"] * 5)
    return m


def _fitted(p: Poster, inner: float, u: float, room: float, stacked: bool) -> dict:
    """The largest type scale at which the body fits the room; the steps go last, when nothing else fits."""
    for with_steps in ((True, False) if p.steps else (False,)):
        for s in (1.3, 1.22, 1.15, 1.08, 1.0, 0.94, 0.88, 0.82, 0.76, 0.7):
            m = _measure(p, inner, u, s, stacked, with_steps)
            if m["height"] <= room:
                return m
    return m


def draw_poster(c: Canvas, p: Poster, width: float, height: float) -> None:
    """The poster on a page of any portrait size: everything scales with the width, then fits the height."""
    u = width / A4[0]
    margin, inner = 34 * u, width - 68 * u
    top, bottom = header(c, p, width, height, u), footer(c, p, width, u)
    stacked = height / width > 1.6 or not p.steps
    m = _fitted(p, inner, u, top - bottom, stacked)
    spare = top - bottom - m["height"]
    if stacked and spare > 0:  # a tall page gives the QR code the room first
        grow = max(min(spare * 0.6, inner * 0.62 - m["q"]), 0)
        m["q"], m["row"], spare = m["q"] + grow, m["row"] + grow, spare - grow
    gap = m["gap"] + max(spare, 0) / 5
    y = top - gap
    for lines, size, colour, above, below in ((m["title"], m["title_size"], INK, 1.05, 0.2),
                                              (m["call"], m["call_size"], RED, 1.0, 0.2)):
        c.setFillColor(colour)
        for line in lines:
            y -= size * above
            draw_lines(c, [line], BOLD, size, width / 2, y, 0, True)
            y -= size * below
        y -= gap
    q = m["q"]
    if stacked or not m["steps"]:
        draw_qr(c, p.url, (width - q) / 2, y - q, q)
        if m["steps"]:
            _draw_steps(c, p, m["steps"], margin, y - q - m["gap"], m["step_size"])
    else:
        draw_qr(c, p.url, margin, y - (m["row"] + q) / 2, q)
        _draw_steps(c, p, m["steps"], margin + q + 22 * u, y - (m["row"] - m["steps_h"]) / 2, m["step_size"])
    y -= m["row"] + gap + m["hint_size"] * 1.1
    c.setFillColor(MUTED)
    draw_lines(c, [p.labels["scan"]], REGULAR, m["hint_size"], width / 2, y, 0, True)
    c.setFillColor(BLUE)
    draw_lines(c, [p.short_url], BOLD, m["url_size"], width / 2, y - m["hint_size"] * 0.5 - m["url_size"], 0, True)


def pdf(draw, size: tuple[float, float], title: str) -> bytes:
    """One page of `size` drawn by `draw(canvas, width, height)`; the same bytes every time."""
    register_fonts()
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=size, invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setCreator("Đồng hành")
    draw(c, *size)
    c.showPage()
    c.save()
    return buffer.getvalue()


def png(document: bytes, pixels: tuple[int, int]) -> bytes:
    """The first page of a PDF as a PNG of exactly `pixels`."""
    with _PDFIUM:
        pdf_doc = pypdfium2.PdfDocument(document)
        try:
            page = pdf_doc[0]
            image = page.render(scale=pixels[0] / page.get_width()).to_pil()
        finally:
            pdf_doc.close()
    if image.size != pixels:  # a rounding pixel, never a different shape
        image = image.resize(pixels)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "PNG")
    return buffer.getvalue()
