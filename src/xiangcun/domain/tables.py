"""Read an uploaded table (.xlsx/.xls/.ods or .csv) into rows of cells, with Chinese errors.

Every import in xiangcun starts here, so bad files fail the same way everywhere: one clear
message and nothing read. CSV may be UTF-8 (with or without BOM) or GBK/GB18030.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import python_calamine

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 500_000
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}


class TableError(ValueError):
    """A file that cannot be read as a table; the message is for the user, in Chinese."""


@dataclass
class Table:
    header: list[object]
    records: list[list[object]]
    sheet: str | None = None


def read_table(data: bytes, filename: str, sheet: str | None = None) -> Table:
    """Read the first sheet (or `sheet`) of a spreadsheet, or a CSV file."""
    suffix = Path(filename).suffix.lower()
    if not data:
        raise TableError("文件是空的")
    if len(data) > MAX_FILE_BYTES:
        raise TableError(
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {MAX_FILE_BYTES // 1024 // 1024} MB"
        )
    if suffix == ".csv":
        rows = _read_csv(data)
    elif suffix in SPREADSHEET_SUFFIXES:
        rows = _read_sheet(data, sheet)
    else:
        raise TableError(f"不支持的文件类型「{suffix or filename}」，请上传 .xlsx 或 .csv 文件")
    rows = _trim(rows)
    if not rows:
        raise TableError("文件中没有内容")
    if len(rows) - 1 > MAX_ROWS:
        raise TableError(f"行数过多（{len(rows) - 1} 行），单次导入上限为 {MAX_ROWS} 行，请分批导入")
    return Table(header=rows[0], records=rows[1:], sheet=sheet)


def read_sheets(data: bytes, filename: str) -> dict[str, list[list[object]]]:
    """All sheets of a workbook by name (for multi-sheet imports such as the household registry)."""
    if not data:
        raise TableError("文件是空的")
    if Path(filename).suffix.lower() not in SPREADSHEET_SUFFIXES:
        raise TableError("请上传 .xlsx 格式的工作簿")
    workbook = _open_workbook(data)
    return {
        name: _trim(workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
        for name in workbook.sheet_names
    }


def _open_workbook(data: bytes) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError as exc:
        raise TableError("工作簿有密码保护，请去掉密码后再上传") from exc
    except Exception as exc:  # calamine raises several error types for non-workbooks
        raise TableError("文件不是有效的 Excel 工作簿（可能是改了扩展名的其他文件或已损坏）") from exc


def _read_sheet(data: bytes, sheet: str | None) -> list[list[object]]:
    workbook = _open_workbook(data)
    if not workbook.sheet_names:
        raise TableError("工作簿中没有工作表")
    name = sheet or workbook.sheet_names[0]
    if name not in workbook.sheet_names:
        raise TableError(f"工作簿中没有名为「{name}」的工作表")
    try:
        return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:
        raise TableError(f"工作表「{name}」无法读取：文件可能已损坏") from exc


def decode_text(data: bytes) -> str:
    """Decode CSV/text bytes: UTF-8 (BOM or not), UTF-16 with BOM, then GB18030 (a superset of GBK)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise TableError("文件编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV 文件")


def _read_csv(data: bytes) -> list[list[object]]:
    text = decode_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        return [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise TableError(f"CSV 格式错误：{exc}") from exc


def _trim(rows: list[list[object]]) -> list[list[object]]:
    """Drop trailing empty rows; leading ones stay so reported row numbers match the file."""

    def empty(row: list[object]) -> bool:
        return all(v is None or str(v).strip() == "" for v in row)

    end = len(rows)
    while end and empty(rows[end - 1]):
        end -= 1
    return rows[:end]
