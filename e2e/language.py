"""Is a page wholly in one language? The catalogue says what our interface text is in each language;
after a switch to English, none of the Vietnamese-only text may be left on the page, and after the
switch back, none of the English-only text.

Two checks, both built from the catalogue (portal/translations/vi/LC_MESSAGES/messages.po):
- every piece of text that stands alone (a button, a label, a tag, a link, an attribute people read
  or hear, the title) must not *be* a message of the other language; placeholders match anything,
  so "Còn 3 chỗ" is caught as "Còn %(num)d chỗ";
- the page's whole text must not *contain* any 12-character piece of a message of the other
  language (sentences with links or markup inside them);
- on a Vietnamese page, no standalone text may hold English words that Vietnamese never uses
  ("the", "your", "please"...): English that never reached the catalogue.
A message identical in both languages ("Email", "VNeID") belongs to neither. The demo data (its
campaign is called "Thanh niên đồng hành cùng hành chính công", which is also our tagline) is not
interface text and is left out, as is whatever is marked with another lang attribute (the switch's
own buttons, the bilingual verdict of the public verification page)."""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{[^}]*\}")
MARKUP = re.compile(r"<[^>]+>|\n")
MIN_FRAGMENT = 12


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True)
class Language:
    whole: re.Pattern      # matches a standalone text that is one of this language's messages
    fragments: frozenset   # long pieces of this language's messages


def _pattern(message: str) -> str | None:
    """A message as a whole-text pattern: a number placeholder matches a number, any other placeholder
    any text, spaces any spaces. None when too little of it is fixed text to tell it from data."""
    message = _clean(message)
    if MARKUP.search(message):
        return None
    parts = re.split(f"({PLACEHOLDER.pattern})", message)
    literal, holes = parts[0::2], parts[1::2]
    fixed = sum(len(part.strip()) for part in literal)
    if fixed < 3 or (fixed < 8 and any(not hole.endswith("d") for hole in holes)):
        return None
    return "".join((r"\d[\d.,]*" if part.endswith("d") else ".+?") if n % 2 else
                   "".join(r"\s+" if token.isspace() else re.escape(token)
                           for token in re.split(r"(\s+)", part) if token)
                   for n, part in enumerate(parts))


@functools.cache
def languages() -> dict[str, Language]:
    """For each language, what of the catalogue belongs only to it, with the demo data left out."""
    from babel.messages.pofile import read_po

    with open(ROOT / "portal" / "translations" / "vi" / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalogue = read_po(po)
    texts: dict[str, set[str]] = {"en": set(), "vi": set()}
    for message in catalogue:
        if not message.id or not message.string:
            continue
        for lang, value in (("en", message.id), ("vi", message.string)):
            texts[lang].update(_clean(v) for v in (value if isinstance(value, tuple) else (value,)))
    data = " ".join(_clean(path.read_text()) for path in (
        ROOT / "portal" / "seed.py", ROOT / "portal" / "seed_training.py", ROOT / "e2e" / "scenario.py"))
    result = {}
    for lang, other in (("en", "vi"), ("vi", "en")):
        own = {t for t in texts[lang] - texts[other] if t not in data}
        shared_fragments = {f for t in texts[other] for f in _fragments(t)}
        patterns = sorted(filter(None, map(_pattern, own)), key=len, reverse=True)
        result[lang] = Language(
            whole=re.compile("(?:" + "|".join(patterns) + ")", re.DOTALL),
            fragments=frozenset(f for t in own for f in _fragments(t) if f not in shared_fragments and f not in data))
    return result


def _fragments(text: str) -> set[str]:
    pieces = (_clean(p) for p in re.split(PLACEHOLDER.pattern + r"|" + MARKUP.pattern, text))
    return {p for p in pieces if len(p) >= MIN_FRAGMENT}


# The page's own-language text: each standalone text (an element's own text, an attribute people
# read or hear, the title), and the whole text; leaving out whatever is marked as another language.
OWN_TEXT = """() => {
  const lang = document.documentElement.lang, body = document.body.cloneNode(true);
  body.querySelectorAll('[lang]').forEach(e => { if (e.getAttribute('lang') !== lang) e.remove(); });
  body.querySelectorAll('script, style, template').forEach(e => e.remove());
  const pieces = [document.title];
  for (const e of [body, ...body.querySelectorAll('*')]) {
    pieces.push([...e.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join(' '));
    for (const a of ['placeholder', 'aria-label', 'title', 'alt', 'hx-confirm', 'data-label']) {
      if (e.hasAttribute(a)) pieces.push(e.getAttribute(a));
    }
    if (e.matches('input[type=submit], input[type=button]')) pieces.push(e.value);
  }
  return {pieces, text: body.textContent + ' ' + pieces.join(' ')};
}"""


# English that was never put in the catalogue: words a Vietnamese sentence does not use.
ENGLISH_WORDS = re.compile(r"\b(?:the|your|you|and|with|this|please|here|been|have|will|from)\b", re.IGNORECASE)


def foreign_text(page, lang: str) -> list[str]:
    """Interface text on the page that belongs to the other language than `lang`."""
    other = languages()["vi" if lang == "en" else "en"]
    seen = page.evaluate(OWN_TEXT)
    found = {p for p in map(_clean, seen["pieces"]) if p and other.whole.fullmatch(p)}
    if lang == "vi":
        found |= {p for p in map(_clean, seen["pieces"]) if ENGLISH_WORDS.search(p)}
    text = _clean(seen["text"])
    found |= {f for f in other.fragments if f in text}
    return sorted(found)
