"""Certificate codes: 80 random bits in Crockford base32, printed in groups of four."""
from __future__ import annotations

import secrets
import unicodedata

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
LENGTH = 16  # 16 symbols x 5 bits = 80 bits
_READ_AS = {"O": "0", "I": "1", "L": "1"}  # what people mistype, read as Crockford intends


def new_code() -> str:
    """A fresh random code, without meaning (no sequence, no year)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def pretty(code: str) -> str:
    """The printed form: 7KQ2-M9XD-4FHT-PW3R."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def normalise(typed: str) -> str | None:
    """Read a typed code case-insensitively, with or without separators; None if it cannot be one."""
    # Separators of any kind (hyphens, en dashes, dots, non-breaking spaces) are ignored.
    cleaned = "".join(ch for ch in unicodedata.normalize("NFKC", typed or "").upper() if ch.isalnum())
    cleaned = "".join(_READ_AS.get(ch, ch) for ch in cleaned)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned
