"""The TrueType fonts of every PDF the portal makes (certificates, reports): Be Vietnam Pro, which
has every Vietnamese letter. Registered once per process with reportlab under the names below."""
from __future__ import annotations

from pathlib import Path

from flask import current_app
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONTS = {
    "Cert": "BeVietnamPro_400Regular.ttf",
    "Cert-Italic": "BeVietnamPro_400Regular_Italic.ttf",
    "Cert-SemiBold": "BeVietnamPro_600SemiBold.ttf",
    "Cert-Bold": "BeVietnamPro_700Bold.ttf",
}


class FontMissing(RuntimeError):
    """The TrueType fonts were not installed (run `make vendor`)."""


def register_fonts() -> None:
    """Load the fonts from CERT_FONT_DIR once per process; FontMissing names a missing file."""
    if "Cert" in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(current_app.config["CERT_FONT_DIR"])
    for name, filename in FONTS.items():
        path = folder / filename
        if not path.exists():
            raise FontMissing(f"{path} is missing: run `make vendor` to install the certificate fonts.")
        pdfmetrics.registerFont(TTFont(name, str(path)))
