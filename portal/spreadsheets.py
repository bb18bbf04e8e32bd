"""Tables as CSV (UTF-8 with a BOM, for Excel) and XLSX (openpyxl), safe against formula injection."""
from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font


_NUMBER = re.compile(r"[+-]?[\d.,]+")  # a signed number (e.g. a change of -7 hours) is not a formula


def _safe(value):
    """Keep a spreadsheet from reading a cell as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def to_csv(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a BOM, so Excel shows Vietnamese letters correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[_safe(v) for v in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    """One sheet with a bold header row and sensible column widths."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(v) for v in row])
    for column, name in enumerate(header, start=1):
        width = max([len(str(name))] + [len(str(r[column - 1])) for r in rows]) + 2
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = min(width, 60)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
