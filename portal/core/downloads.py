"""Files a person downloads (exports, certificates, reports, rosters): they hold personal data, so
they come as attachments that no cache keeps."""
from __future__ import annotations

from pathlib import PurePath

from flask import make_response

TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "pdf": "application/pdf",
    "png": "image/png",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


def attachment(data: bytes | str, filename: str):
    """`data` as a download named `filename`, typed by its extension, kept by no cache."""
    response = make_response(data)
    response.headers["Content-Type"] = TYPES[PurePath(filename).suffix.lstrip(".")]
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
