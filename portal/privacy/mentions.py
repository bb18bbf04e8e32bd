"""Finding a person in text and JSON, for erasure and retention: their name (any case, NFC or NFD),
address, phone and student ID are replaced by their pseudonym; in a JSON snapshot about them, the
personal keys are emptied and their ids dropped from lists."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlalchemy import JSON

from portal.core.text import nfc
from portal.privacy import register
from portal.privacy.register_terms import BLANK, NULL, PSEUDONYM

# Kinds of data whose keys are emptied in a snapshot about the person.
_MENTION_KINDS = ("identity", "contact", "free_text", "evaluation")


@dataclass
class Person:
    """One person being erased: their id, what identifies them in text, and their pseudonym."""

    id: int
    email: str
    pseudonym: str
    identifiers: dict


def _casefold(text: str) -> str:
    return nfc(text).casefold()


def _phone_forms(phone: str | None) -> set[str]:
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 8:
        return set()
    national = "0" + digits[2:] if digits.startswith("84") else digits
    return {national, "84" + national[1:]}


_WORD = re.compile(r"\w+")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_PHONE = re.compile(r"\+?\d[\d .\-]{6,16}\d")
_TOKEN = re.compile(r"[\w\-/]+")


class Matcher:
    """Finds the people's names (any case, NFC or NFD), addresses, phones and student IDs in text,
    in time linear in the text, whatever the number of people."""

    def __init__(self, people: list[Person]):
        self.names: dict[tuple[str, ...], str] = {}
        self.emails: dict[str, str] = {}
        self.phones: dict[str, str] = {}
        self.codes: dict[str, str] = {}
        for p in people:
            words = tuple(_WORD.findall(_casefold(p.identifiers["name"])))
            if len(words) >= 2:  # a lone given name ("An") would erase half the campaign's notes
                self.names[words] = p.pseudonym
            if p.identifiers["email"]:
                self.emails[_casefold(p.identifiers["email"])] = p.pseudonym
            for form in _phone_forms(p.identifiers["phone"]):
                self.phones[form] = p.pseudonym
            if p.identifiers["code"] and len(p.identifiers["code"]) >= 4:
                self.codes[_casefold(p.identifiers["code"])] = p.pseudonym
        self.lengths = sorted({len(k) for k in self.names}, reverse=True)

    def redact(self, text: str) -> str:
        """The text with every mention of the people replaced by their pseudonyms (NFC)."""
        if not text:
            return text
        text = nfc(text)
        spans: list[tuple[int, int, str]] = []
        for m in _EMAIL.finditer(text):
            if _casefold(m.group()) in self.emails:
                spans.append((m.start(), m.end(), self.emails[_casefold(m.group())]))
        for m in _PHONE.finditer(text):
            for form in _phone_forms(m.group()):
                if form in self.phones:
                    spans.append((m.start(), m.end(), self.phones[form]))
                    break
        if self.codes:
            for m in _TOKEN.finditer(text):
                if _casefold(m.group()) in self.codes:
                    spans.append((m.start(), m.end(), self.codes[_casefold(m.group())]))
        if self.names:
            words = list(_WORD.finditer(text))
            folded = [w.group().casefold() for w in words]
            for i in range(len(words)):
                for n in self.lengths:
                    key = tuple(folded[i:i + n])
                    if len(key) == n and key in self.names:
                        spans.append((words[i].start(), words[i + n - 1].end(), self.names[key]))
                        break
        if not spans:
            return text
        spans.sort()
        out, at = [], 0
        for start, end, label in spans:
            if start < at:
                continue
            out += [text[at:start], label]
            at = end
        out.append(text[at:])
        return "".join(out)


def personal_keys() -> frozenset[str]:
    """Keys of JSON snapshots that hold personal values: the register's erased columns."""
    return frozenset(name for t in register.TABLES.values() for name, c in t.personal().items()
                     if c.erase in (NULL, BLANK, PSEUDONYM) and c.data in _MENTION_KINDS + ("security", "technical"))


def redact_json(value, matcher: Matcher | None, drop_keys=frozenset(), drop_ids=frozenset()):
    """A JSON value with personal keys emptied, mentions replaced and the people's ids dropped from lists."""
    if isinstance(value, dict):
        return {k: (None if k in drop_keys and v is not None else redact_json(v, matcher, drop_keys, drop_ids))
                for k, v in value.items()}
    if isinstance(value, list):
        return [redact_json(v, matcher, drop_keys, drop_ids) for v in value
                if not (isinstance(v, int) and not isinstance(v, bool) and v in drop_ids)]
    if isinstance(value, str) and matcher is not None:
        return matcher.redact(value)
    return value


def redact_value(value, column, matcher: Matcher, drop_keys=frozenset(), drop_ids=frozenset()):
    """Redact one stored value: JSON columns and JSON held in text are walked, other text is searched."""
    if value is None:
        return None
    if isinstance(column.type, JSON):
        return redact_json(value, matcher, drop_keys, drop_ids)
    if isinstance(value, str) and value[:1] in "{[":
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if isinstance(parsed, (dict, list)):
            walked = redact_json(parsed, matcher, drop_keys, drop_ids)
            return value if walked == parsed else json.dumps(walked, ensure_ascii=False, sort_keys=True)
    return matcher.redact(value) if isinstance(value, str) else value
