"""Checks on what people type: email, phone, names and passwords. Messages are translatable."""
from __future__ import annotations

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

from portal.accounts import passwords
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.i18n import lazy_text as _l

PASSWORD_MIN = 10
PASSWORD_MAX = 128

# The most common passwords worldwide and in Vietnam; a hit means "pick another".
COMMON_PASSWORDS = frozenset(
    """
    123456789 1234567890 12345678910 0123456789 1234567899 1111111111 0000000000 9876543210
    password password1 password123 passw0rd qwertyuiop qwerty1234 qwerty12345 1q2w3e4r5t
    abc1234567 abcd123456 iloveyou123 anhyeuem anhyeuem123 emyeuanh matkhau matkhau123
    matkhaumoi vietnam123 hanoi12345 admin12345 administrator welcome123 letmein123
    sinhvien123 doanvien123 thanhnien123 donghanh123 zaq12wsx1 aaaaaaaaaa
    """.split()
)

BREACHED = _l("This password appears in lists of passwords leaked from other websites, so attackers "
             "try it first. Choose another: a few unrelated words are easy to remember.")
MADE_OF_CONTEXT = _l("This password is made from your name, your email address or the campaign's name, "
                     "which anyone can guess. Add words of your own.")

_PHONE_RE = re.compile(r"^0(3|5|7|8|9)\d{8}$")
_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ .'\-][^\W\d_]+)*\.?$")


def canonical_email(raw) -> str:
    """The one spelling of an address: invisible and control characters (U+200B, U+FEFF, the soft
    hyphen…) dropped, compatibility forms folded (NFKC: full-width letters), surrounding space
    stripped, lower case. The forms' filter, the services and the rate limiter's key all use it,
    so every spelling of one address counts as one person."""
    if not isinstance(raw, str):
        return raw
    visible = "".join(c for c in raw if unicodedata.category(c) not in ("Cc", "Cf"))
    return unicodedata.normalize("NFKC", visible).strip().lower()


def normalise_email(raw: str) -> str:
    """Validate an email address and return its canonical spelling (see canonical_email)."""
    value = canonical_email(raw or "")
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidInput(_l("Enter an email address like ten@example.com."), "email") from None
    return result.normalized.lower()


def normalise_phone(raw: str) -> str:
    """Accept a Vietnamese mobile number with spaces, dots or +84, and return it as 0xxxxxxxxx."""
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not _PHONE_RE.match(digits):
        raise InvalidInput(
            _l("Enter a Vietnamese mobile number of 10 digits, like 0912 345 678."), "phone"
        )
    return digits


def check_name(value: str) -> str:
    """A person's name: letters (any script, with accents), spaces, hyphens and apostrophes only."""
    value = " ".join(nfc(value or "").split())
    if not value:
        raise InvalidInput(_l("Enter your full name."), "full_name")
    if not _NAME_RE.match(value):
        raise InvalidInput(
            _l("A name may contain only letters, spaces, hyphens and apostrophes."), "full_name"
        )
    return value


def check_password(password: str, email: str = "", full_name: str = "") -> None:
    """Refuse passwords that are short, breached, common or made from the person's email, name or the
    campaign's words."""
    if len(password) < PASSWORD_MIN:
        raise InvalidInput(
            _l("Use at least %(n)d characters for your password.", n=PASSWORD_MIN), "password"
        )
    if len(password) > PASSWORD_MAX:
        raise InvalidInput(
            _l("Use at most %(n)d characters for your password.", n=PASSWORD_MAX), "password"
        )
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        raise InvalidInput(
            _l("This password is too easy to guess. Try a few unrelated words."), "password"
        )
    email, full_name = email or "", full_name or ""
    local_part = email.split("@")[0].lower()
    name_parts = [p.lower() for p in full_name.split() if len(p) >= 3]
    if (len(local_part) >= 4 and local_part in lowered) or any(
        lowered == p or lowered.startswith(p) and len(p) >= 5 for p in name_parts
    ):
        raise InvalidInput(
            _l("Your password must not be made from your email address or name."), "password"
        )
    if passwords.is_made_of_context(password, email, full_name):
        raise InvalidInput(MADE_OF_CONTEXT, "password")
    if passwords.is_breached(password):
        raise InvalidInput(BREACHED, "password")
