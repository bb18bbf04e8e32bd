"""The one NFC normaliser: every stored or compared string is NFC first."""
from __future__ import annotations

import unicodedata


def nfc(value):
    """Normalise text to Unicode NFC, as every stored string must be; anything else is returned as is."""
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value
