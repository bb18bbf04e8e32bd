"""QR codes for screens: inline SVG, which the CSP allows (no script, no external image)."""
from __future__ import annotations

import io

import qrcode
import qrcode.image.svg


def qr_svg(data: str, box_size: int = 12) -> str:
    """A QR code as inline SVG markup, without the XML declaration (it goes inside HTML)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=box_size, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    markup = buffer.getvalue().decode()
    return markup[markup.index("<svg"):]
