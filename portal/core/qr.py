"""QR codes: inline SVG for screens (the CSP allows it: no script, no external image) and vector paths for PDFs
(certificates, guide posters), so they print sharp at any size."""
from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas


def qr_svg(data: str, box_size: int = 12) -> str:
    """A QR code as inline SVG markup, without the XML declaration (it goes inside HTML)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=box_size, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    markup = buffer.getvalue().decode()
    return markup[markup.index("<svg"):]


def draw_qr(c: Canvas, data: str, x: float, y: float, size: float) -> None:
    """A QR code (error correction Q) drawn on a PDF canvas as one vector path: each row's dark runs as
    rectangles, `size` points square with its lower left corner at (x, y), no quiet zone (leave one around it)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=0)
    code.add_data(data.encode())
    code.make(fit=True)
    matrix = code.get_matrix()
    count = len(matrix)
    module = size / count
    path = c.beginPath()
    for row, cells in enumerate(matrix):
        top = y + size - (row + 1) * module
        col = 0
        while col < count:
            if cells[col]:
                start = col
                while col < count and cells[col]:
                    col += 1
                path.rect(x + start * module, top, (col - start) * module, module)
            else:
                col += 1
    c.setFillColor(Color(0, 0, 0))
    c.drawPath(path, stroke=0, fill=1)
