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


# Error correction levels by name: M restores about 15 % of a damaged code, Q about 25 %.
ERROR_CORRECTION = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
                    "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}


def qr_matrix(data: str, error_correction: str = "Q") -> list[list[bool]]:
    """The modules of the smallest QR code that holds `data` at this error correction, without a quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION[error_correction], border=0)
    code.add_data(data.encode())
    code.make(fit=True)
    return code.get_matrix()


def draw_qr(c: Canvas, data: str, x: float, y: float, size: float, error_correction: str = "Q") -> None:
    """A QR code (error correction Q unless asked otherwise) drawn on a PDF canvas as one vector path: each row's
    dark runs as rectangles, `size` points square with its lower left corner at (x, y), no quiet zone (leave one
    around it)."""
    matrix = qr_matrix(data, error_correction)
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


def module_size(data: str, size: float, error_correction: str = "Q") -> float:
    """The side of one module when the QR code for `data` is drawn `size` units square (no quiet zone)."""
    return size / len(qr_matrix(data, error_correction))
