"""The credential's JSON inside its PDF (an embedded file, PDF 1.7 §7.11.4): a holder with only the PDF
still holds the signed Open Badge, and `flask credentials verify` or the public page read it from there."""
from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter, apply_configuration
from pypdf.errors import PyPdfError

NAME = "credential.json"
# An uploaded PDF is read with small limits: our embedded JSON is a few KB, a decompression bomb is refused.
LIMITS = {"maximum_declared_stream_length": 4_000_000, "zlib_maximum_output_length": 1_000_000,
          "array_based_stream_maximum_output_length": 1_000_000, "lzw_maximum_output_length": 1_000_000,
          "run_length_maximum_output_length": 1_000_000}


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
        with apply_configuration(**LIMITS):
            found = PdfReader(io.BytesIO(pdf)).attachments.get(NAME)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError, RecursionError):
        return None
    return found[0] if found else None
