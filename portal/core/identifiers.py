"""One detector of citizens' identifiers in what leaders and students type: ID numbers (CCCD),
phone numbers and email addresses. Citizens are never users and their personal data is never
stored (Law No. 91/2025/QH15: collect the minimum), so free text that carries one is refused,
with the reason in the writer's language.

    from portal.core import identifiers
    identifiers.problem(text)   # a translated reason, or None
    identifiers.check(text, "notes")   # raises InvalidInput(reason, "notes")

What counts:
- an ID number: 12 digits, written whole or in groups of at least three digits ("001 203 004 567",
  "0012.0300.4567", "001-203-004-567") or one digit at a time, with spaces, dots, hyphens,
  underscores or slashes between the groups;
- a phone number: what Google's libphonenumber (the `phonenumbers` package, region VN) finds valid,
  mobile or landline, domestic ("0912 345 678", "(024) 3825 1234") or international
  ("+84 912 345 678"), also written with separators it does not expect ("0912.345.678",
  "0 9 1 2 3 4 5 6 7 8"), as long as it starts with 0 or 84;
- an email address.
What does not: times ("08:00-11:30"), dates ("20/12/2025", "20.12.2025 - 15.01.2026"), counts
("120 hồ sơ"), shift codes: a colon never joins digits, groups shorter than three digits never
make an ID, and a phone number must start as one.
"""
from __future__ import annotations

import re

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from portal.core.validation import InvalidInput
from portal.i18n import lazy_text as _l

NATIONAL_ID = "national_id"
PHONE = "phone"
EMAIL = "email"
ID_DIGITS = 12
_GROUP_SEPARATOR = r"(?:[ \t\u00a0\u202f._/\-\u2010-\u2015])"
# Runs of digit groups, each pair of groups joined by one separator character.
_RUN = re.compile(r"(?<![\d])\+?\d+(?:" + _GROUP_SEPARATOR + r"\d+)*")
_PHONE_SEPARATORS = set(" \t\u00a0\u202f.-\u2010\u2011\u2012\u2013\u2014\u2015")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

MESSAGES = {
    NATIONAL_ID: _l("The text contains a 12-digit number, which looks like a citizen's ID number. Remove it: "
                    "we never store citizens' personal data."),
    PHONE: _l("The text contains what looks like a phone number. Remove it: we never store citizens' personal data."),
    EMAIL: _l("The text contains an email address. Remove it: we never store citizens' personal data."),
}


def _groups(run: str) -> list[tuple[str, str]]:
    """The run's digit groups, each with the separator before it ('' for the first)."""
    found, separator, digits = [], "", ""
    for char in run:
        if char.isdigit():
            digits += char
        elif char == "+":
            continue
        else:
            found.append((separator, digits))
            separator, digits = char, ""
    found.append((separator, digits))
    return found


def _looks_like_id(groups: list[str]) -> bool:
    """Twelve digits in one group, in groups of three or more, or one digit at a time."""
    if sum(len(g) for g in groups) != ID_DIGITS:
        return False
    return len(groups) == 1 or all(len(g) >= 3 for g in groups) or all(len(g) == 1 for g in groups)


def _valid_phone(digits: str) -> bool:
    """A Vietnamese number, written domestically (0…) or internationally (84…), that libphonenumber finds valid."""
    if digits.startswith("0"):
        candidate = digits
    elif digits.startswith("84"):
        candidate = "+" + digits
    else:
        return False
    if not 9 <= len(digits) <= 12:
        return False
    try:
        number = phonenumbers.parse(candidate, "VN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and number.country_code == 84


def find(text: str) -> str | None:
    """The kind of the first identifier found in `text` (NATIONAL_ID, PHONE, EMAIL), or None."""
    if not text:
        return None
    runs = [_groups(m.group(0)) for m in _RUN.finditer(text)]
    for groups in runs:
        digits = [g for _sep, g in groups]
        for start in range(len(digits)):
            for end in range(start + 1, len(digits) + 1):
                if _looks_like_id(digits[start:end]):
                    return NATIONAL_ID
    for groups in runs:
        for start in range(len(groups)):
            joined = ""
            for separator, digits in groups[start:]:
                if joined and separator not in _PHONE_SEPARATORS:
                    break
                joined += digits
                if _valid_phone(joined):
                    return PHONE
    for match in PhoneNumberMatcher(text, "VN", leniency=Leniency.VALID):
        if match.number.country_code == 84:
            return PHONE
    if _EMAIL.search(text):
        return EMAIL
    return None


def problem(text: str):
    """Why `text` cannot be stored (a message in the reader's language), or None when it can."""
    kind = find(text)
    return MESSAGES[kind] if kind else None


def check(text: str, field: str | None = None) -> None:
    """Refuse `text` with InvalidInput beside `field` when it carries a citizen's identifier."""
    reason = problem(text)
    if reason is not None:
        raise InvalidInput(reason, field)
