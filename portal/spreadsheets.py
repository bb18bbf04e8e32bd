"""Tables as CSV (UTF-8 with a BOM, for Excel) and XLSX (openpyxl), safe against formula injection.

Callers pass typed values: numbers as int or float (hours as decimal hours, see `hours`), days as
`date`. XLSX keeps them typed, so a column of hours sums and days sort; CSV writes plain numbers
(12.5, never "12,5") and days as dd/mm/yyyy."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Font

from portal.core.clock import LOCAL_TZ

_NUMBER = re.compile(r"[+-]?[\d.,]+")  # a signed number (e.g. a change of -7 hours) is not a formula


def _safe(value):
    """Keep a spreadsheet from reading a cell as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


DATE_FORMAT = "dd/mm/yyyy"
HOURS_FORMAT = "0.0#"


def hours(minutes: int | None) -> float:
    """Minutes as decimal hours for a spreadsheet cell (150 → 2.5), to two places so sums stay exact enough."""
    return round((minutes or 0) / 60, 2)


def _plain(value):
    """A CSV field: days as dd/mm/yyyy, everything else as Python writes it (numbers stay plain)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):  # 7.0 → 7, 12.50 → 12.5: a point, never a comma or an exponent
        return ("%.10f" % value).rstrip("0").rstrip(".")
    return _safe(value)


def _cell(sheet, row: int, column: int, value) -> None:
    """Write one XLSX cell with its type: numbers as numbers, days as dates shown dd/mm/yyyy."""
    if isinstance(value, datetime) and value.tzinfo is not None:  # Excel knows no time zones: Hanoi time
        value = value.astimezone(LOCAL_TZ).replace(tzinfo=None)
    cell = sheet.cell(row=row, column=column, value=_safe(value))
    if isinstance(value, datetime):
        cell.number_format = DATE_FORMAT + " hh:mm"
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, float):
        cell.number_format = HOURS_FORMAT


def _width(value) -> int:
    return 10 if isinstance(value, (date, datetime)) else len(str(value))


def to_csv(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a BOM, so Excel shows Vietnamese letters correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[_plain(v) for v in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    """One sheet with a bold header row and sensible column widths."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            _cell(sheet, number, column, value)
    for column, name in enumerate(header, start=1):
        width = max([len(str(name))] + [_width(r[column - 1]) for r in rows]) + 2
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = min(width, 60)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
