"""Writing user text into spreadsheets without ever creating a formula (CSV/formula injection).

Every .xlsx and .csv export goes through this module (plain Python, so the domain writers use it too):

- **xlsx, large**: `XlsxWriter` streams rows out through the xlsxwriter library; every text value is
  written as a string, so it can never be a formula. The big exports (projects, assets) use it: openpyxl
  spends about 30 µs per cell (16 s of CPU for 20 000 projects), xlsxwriter about a third of that.
- **xlsx, openpyxl**: `append_row(sheet, values)` writes every text value as a string cell (`data_type "s"`, an
  inline string), so `=HYPERLINK(…)`, `+1`, `-1+2`, `@SUM(…)` come back out exactly as typed and Excel
  shows them as text. The value is not changed, so an export still reads back unchanged through the imports.
- **csv**: a CSV has no cell types, so `csv_cell(value)` puts an apostrophe in front of text that starts with
  `=`, `+`, `-`, `@`, a tab or a carriage return — what Excel and WPS users know as "text, not a formula"
  (OWASP's recommendation). Numbers stay numbers: a negative amount is written as a number, not as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import IO, Any, NamedTuple

import xlsxwriter
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
    if isinstance(sheet, XlsxSheet):  # text is always text there
        sheet.append(values)
        return
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


# ---------------------------------------------------------------- the streaming .xlsx writer

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
AMOUNT_FORMAT = "0.0000"
_MAX_TEXT = 32767  # Excel's limit per cell


class Styled(NamedTuple):
    """A value with a cell style: bold and/or a number format (e.g. `AMOUNT_FORMAT`)."""

    value: Any
    bold: bool = False
    number_format: str = ""


def amount(value: Any, *, bold: bool = False) -> Styled:
    """An amount in 万元 shown with four decimals (the number is kept exact, as the Decimal's digits)."""
    return Styled(value, bold, AMOUNT_FORMAT)


def bold(value: Any) -> Styled:
    return Styled(value, True)


class XlsxSheet:
    """One worksheet being written, row after row (xlsxwriter's constant-memory mode keeps memory flat)."""

    def __init__(self, book: XlsxWriter, title: str, widths: Mapping[str, float]) -> None:
        self.title = title
        self._book = book
        self._sheet = book._workbook.add_worksheet(title)
        self._row = -1
        for letter, width in widths.items():  # before any row: the mode writes rows as they come
            self._sheet.set_column(f"{letter}:{letter}", width)

    def append(self, values: Iterable[Any]) -> None:
        """One row. Text is always a text cell (never a formula); None and "" leave the cell empty."""
        self._row += 1
        r, sheet, style = self._row, self._sheet, self._book._style
        for c, value in enumerate(values):
            fmt = None
            if isinstance(value, Styled):
                fmt = style(value.bold, value.number_format)
                value = value.value
            if value is None or value == "":
                if fmt is not None:
                    sheet.write_blank(r, c, None, fmt)
            elif isinstance(value, str):
                sheet.write_string(r, c, _ILLEGAL_XML.sub("", value)[:_MAX_TEXT], fmt)
            elif isinstance(value, bool):
                sheet.write_boolean(r, c, value, fmt)
            elif isinstance(value, int | float | Decimal):
                number = float(value)
                if math.isfinite(number):
                    sheet.write_number(r, c, number, fmt)
            elif isinstance(value, dt.datetime):
                moment = value.replace(tzinfo=None)
                sheet.write_datetime(r, c, moment, fmt or style(False, "yyyy-mm-dd hh:mm:ss"))
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, c, value, fmt or style(False, "yyyy-mm-dd"))
            else:
                sheet.write_string(r, c, _ILLEGAL_XML.sub("", str(value))[:_MAX_TEXT], fmt)


class XlsxWriter:
    """The .xlsx writer for large exports, on the xlsxwriter library: text cells are always strings
    (never formulas, URLs or numbers), numbers, dates, bold and number formats, column widths.
    Sheets are written one after the other.

    Why not openpyxl here: it builds a cell object per cell — 20 000 projects (540 000 cells) took 16 s
    of CPU; xlsxwriter writes rows straight out in about a third of that.

        book = XlsxWriter()                     # or XlsxWriter(path_or_binary_file)
        sheet = book.sheet("项目", widths={"B": 40})
        sheet.append(["编号", amount(Decimal("1.2345")), bold("合计")])
        data = book.close()                     # bytes when no target was given
    """

    def __init__(self, target: str | os.PathLike[str] | IO[bytes] | None = None) -> None:
        self._buffer = io.BytesIO() if target is None else None
        destination = self._buffer if target is None else target
        self._workbook = xlsxwriter.Workbook(
            os.fspath(destination) if isinstance(destination, str | os.PathLike) else destination,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self._sheets: list[XlsxSheet] = []
        self._formats: dict[tuple[bool, str], Any] = {}

    def sheet(self, title: str, *, widths: Mapping[str, float] | None = None) -> XlsxSheet:
        """A new sheet. `title` loses the characters Excel refuses and is cut to its 31 characters."""
        title = _SHEET_NAME_BAD.sub("_", title)[:31] or f"Sheet{len(self._sheets) + 1}"
        sheet = XlsxSheet(self, title, widths or {})
        self._sheets.append(sheet)
        return sheet

    def _style(self, is_bold: bool, number_format: str) -> Any:
        key = (is_bold, number_format)
        if key not in self._formats:
            properties: dict[str, Any] = {"bold": True} if is_bold else {}
            if number_format:
                properties["num_format"] = number_format
            self._formats[key] = self._workbook.add_format(properties)
        return self._formats[key]

    def close(self) -> bytes | None:
        """Finish the file; its bytes when it was written to memory."""
        if not self._sheets:
            self.sheet("Sheet1")
        self._workbook.close()
        return self._buffer.getvalue() if self._buffer is not None else None
