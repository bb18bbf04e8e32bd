"""The JSON-LD document loader for pyld: only the contexts our npm packages publish, never the network.

`make vendor` (scripts/export-jsonld-contexts.mjs) writes each context that the packages export into
static/vendor/jsonld/ with index.json (URL → file). Any other URL raises UnknownContext: a credential that
names a context we do not hold cannot be canonicalised, so it cannot verify, and nothing is ever fetched.
"""
from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

CONTEXTS_DIR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "jsonld"

_lock = threading.Lock()
_index: dict[str, str] | None = None
_documents: dict[str, dict] = {}


class UnknownContext(LookupError):
    """A JSON-LD document named a URL we hold no local copy of."""


class ContextsMissing(RuntimeError):
    """The contexts folder was never filled: `make vendor` (scripts/install.sh --step vendor) fills it."""


def _read_index() -> dict[str, str]:
    """URL → file name, read once per process."""
    global _index
    if _index is None:
        path = CONTEXTS_DIR / "index.json"
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ContextsMissing(f"{path} is missing: run `make vendor` to copy the JSON-LD contexts.") from None
        _index = {url: entry["file"] for url, entry in entries.items()}
    return _index


def urls() -> list[str]:
    """The context URLs we hold, sorted."""
    return sorted(_read_index())


def context(url: str) -> dict:
    """The context document published at `url`, from the local copy (parsed once per process)."""
    found = _documents.get(url)
    if found is not None:
        return found
    with _lock:
        index = _read_index()
        if url not in index:
            raise UnknownContext(f"No local copy of the JSON-LD context {url!r}; it is never fetched.")
        document = json.loads((CONTEXTS_DIR / index[url]).read_text(encoding="utf-8"))
        _documents[url] = document
        return document


def document_loader(aliases: Mapping[str, str] | None = None) -> Callable[[str, dict], dict]:
    """A pyld documentLoader serving the local copies; `aliases` (URL → a URL we hold) only for test vectors.

    Contexts we publish are tagged "static", so pyld keeps their resolved form for the whole process;
    an alias is not, so it never outlives the loader that knew it.
    """
    aliases = dict(aliases or {})

    def load(url: str, options: dict | None = None) -> dict:
        """The RemoteDocument for `url`, or UnknownContext."""
        target = aliases.get(url, url)
        remote = {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                  "document": copy.deepcopy(context(target))}  # pyld may rewrite what it is given
        if url not in aliases:
            remote["tag"] = "static"
        return remote

    return load


LOADER = document_loader()
