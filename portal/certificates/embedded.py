"""The credential's JSON inside its PDF (an embedded file, PDF 1.7 §7.11.4): a holder with only the PDF
still holds the signed Open Badge, and `flask credentials verify` or the public page read it from there."""
from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

NAME = "credential.json"


def attach(pdf: bytes, document: bytes) -> bytes:
    """The PDF with `document` embedded as credential.json; the same input gives the same bytes."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.add_attachment(NAME, document)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def extract(pdf: bytes) -> bytes | None:
    """The embedded credential.json, or None (not a PDF we can read, or none inside)."""
    try:
        found = PdfReader(io.BytesIO(pdf)).attachments.get(NAME)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError):
        return None
    return found[0] if found else None
