"""Writing user text into spreadsheets without ever creating a formula (CSV/formula injection).

Every .xlsx and .csv export goes through this module (plain Python, so the domain writers use it too):

- **xlsx**: `append_row(sheet, values)` writes every text value as a string cell (`data_type "s"`, an
  inline string), so `=HYPERLINK(…)`, `+1`, `-1+2`, `@SUM(…)` come back out exactly as typed and Excel
  shows them as text. The value is not changed, so an export still reads back unchanged through the imports.
- **csv**: a CSV has no cell types, so `csv_cell(value)` puts an apostrophe in front of text that starts with
  `=`, `+`, `-`, `@`, a tab or a carriage return — what Excel and WPS users know as "text, not a formula"
  (OWASP's recommendation). Numbers stay numbers: a negative amount is written as a number, not as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_dangerous(text: str) -> bool:
    """True when a spreadsheet program would read `text` as the start of a formula."""
    return text.startswith(DANGEROUS_STARTS)


def text_cell(sheet: Any, value: str) -> Cell:
    """A cell holding `value` as text, whatever it starts with."""
    cell = Cell(sheet, row=1, column=1, value=value)
    cell.data_type = "s"  # after the value: openpyxl's setter marks text starting with "=" as a formula
    return cell


def safe_values(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """`values` with every text value replaced by a string cell; numbers, dates and cells as they are."""
    out: list[Any] = []
    for value in values:
        if isinstance(value, str):
            out.append(text_cell(sheet, value) if is_dangerous(value) else value)
        elif isinstance(value, Cell) and isinstance(value.value, str) and is_dangerous(value.value):
            value.data_type = "s"
            out.append(value)
        else:
            out.append(value)
    return out


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """`sheet.append(values)` with user text written as text (never a formula)."""
    sheet.append(safe_values(sheet, values))


def csv_cell(value: Any) -> Any:
    """A value for csv.writer: text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and is_dangerous(value):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """Rows as UTF-8 CSV with a BOM (so Excel opens it as UTF-8), every cell through `csv_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")
