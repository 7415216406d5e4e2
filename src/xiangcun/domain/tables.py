"""Read an uploaded table (.xlsx/.xls/.ods or .csv) into rows of cells, with Chinese errors.

Every import in xiangcun starts here, so bad files fail the same way everywhere: one clear
message and nothing read. CSV may be UTF-8 (with or without BOM) or GBK/GB18030.

- `read_table`: the first sheet (or a named one) of any spreadsheet, or a CSV, header and records as they are
  (the ledgers, regions and indicator templates, whose columns may come in any order).
- `read_sheet`: one named sheet of an .xlsx whose row 1 must be a fixed header (the project, asset and task
  workbooks); the file is checked by its bytes first (a renamed .txt, .xls or .docx, a zip bomb, a password).
- `cell_text`, `CellError`, `Problems`, `Checked`: what those imports share once the rows are read — a
  cell as text, a problem with its row and column, the all-or-nothing result.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    _check_size(len(data), MAX_FILE_BYTES)
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


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise TableError(f"文件过大（{size / 1024 / 1024:.1f} MB），上限为 {max_bytes // 1024 // 1024} MB")


# ---------------------------------------------------------------- one named sheet with a fixed header


def cell_text(value: Any) -> str:
    """A cell as the user sees it: whole numbers without ".0", dates as 2024-05-01, TRUE/FALSE as 是/否."""
    if type(value) is str:  # most cells: first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def is_blank(cells: Sequence[Any]) -> bool:
    """True when no cell holds anything but blank space (such rows are skipped, keeping the numbering)."""
    return not any(v is not None and v != "" and (type(v) is not str or v.strip()) for v in cells)


def read_sheet(
    source: bytes | str | os.PathLike[str],
    filename: str,
    sheet: str,
    columns: Sequence[str],
    *,
    what: str,
    max_bytes: int,
    max_unpacked: int,
    max_rows: int,
) -> list[tuple[int, list[Any]]]:
    """The non-blank data rows of `sheet` as (row number as Excel shows it, cells cut or padded to `columns`).

    `source` is an upload's bytes or a path (read by calamine from disk, not into memory). The file must be
    a real .xlsx within the limits and row 1 exactly `columns`; otherwise TableError with one Chinese
    message. `what` names the file in the message about a wrong type (项目表, 资产台账…).
    """
    workbook = _open_xlsx(source, filename, what, max_bytes, max_unpacked)
    if sheet not in workbook.sheet_names:
        present = "、".join(workbook.sheet_names) or "无"
        raise TableError(f"工作簿中缺少「{sheet}」工作表（现有：{present}）")
    try:
        found = workbook.get_sheet_by_name(sheet)
        if found.height - 1 > max_rows:
            raise TableError(
                f"数据行数过多（{found.height - 1} 行），单次导入上限为 {max_rows} 行，请分批导入"
            )
        rows = found.to_python(skip_empty_area=False)
    except TableError:
        raise
    except (
        BaseException
    ) as exc:  # calamine raises several types, a Rust panic even derives from BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise TableError(f"「{sheet}」工作表无法读取，文件可能已损坏") from exc
    if not rows:
        raise TableError(f"「{sheet}」工作表是空的，第1行应为表头")
    check_header(rows[0], columns, sheet)
    width = len(columns)
    out = []
    for number, cells in enumerate(rows[1:], start=2):
        cells = list(cells[:width])
        if not is_blank(cells):
            out.append((number, cells + [""] * (width - len(cells))))
    return out


def check_header(header: Sequence[Any], columns: Sequence[str], sheet: str) -> None:
    """TableError naming the missing and extra columns unless `header` is exactly `columns` (trailing blanks aside)."""
    found = [cell_text(v) for v in header]
    while found and not found[-1]:
        found.pop()
    if tuple(found) == tuple(columns):
        return
    missing = [c for c in columns if c not in found]
    extra = [h for h in found if h and h not in columns]
    detail = ([f"缺少列：{'、'.join(missing)}"] if missing else []) + (
        [f"多出列：{'、'.join(extra)}"] if extra else []
    )
    raise TableError(
        f"「{sheet}」表第1行的表头应依次为「{'、'.join(columns)}」；{'；'.join(detail) or '列的顺序不对'}"
    )


def _open_xlsx(
    source: bytes | str | os.PathLike[str], filename: str, what: str, max_bytes: int, max_unpacked: int
) -> python_calamine.CalamineWorkbook:
    """The workbook, after checking by its bytes that it is an .xlsx within the limits."""
    if isinstance(source, bytes | bytearray | memoryview):
        data: bytes | None = bytes(source)
        size, head, name = len(data), data[:64], filename
    else:
        path = Path(source)
        if not path.is_file():
            raise TableError(f"找不到文件「{path.name}」")
        data, size, name = None, path.stat().st_size, filename or path.name
        with path.open("rb") as handle:
            head = handle.read(64)
    if size == 0:
        raise TableError("文件是空的")
    _check_size(size, max_bytes)
    suffix = Path(name).suffix.lower()
    if suffix and suffix not in (".xlsx", ".xlsm"):
        raise TableError(f"不支持「{suffix}」文件，请上传 .xlsx 格式的{what}")
    if not head.startswith(b"PK\x03\x04"):
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise TableError("这是旧版 Excel（.xls）或其他 Office 文件，请在 Excel 中另存为 .xlsx 后再上传")
        if _looks_like_text(head):
            raise TableError("文件内容是纯文本（可能是改了扩展名的 .txt 或 .csv），不是有效的 Excel 工作簿")
        raise TableError("文件不是有效的 Excel 工作簿（.xlsx），可能已损坏或是改了扩展名的其他文件")
    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else Path(source)) as archive:  # type: ignore[arg-type]
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TableError("文件不是有效的 Excel 工作簿（压缩结构已损坏）") from exc
    if "xl/workbook.xml" not in names:
        raise TableError("文件是压缩包但不是 Excel 工作簿（可能是 Word 文档或改了扩展名的 .zip）")
    if unpacked > max_unpacked:
        raise TableError("工作簿解压后过大，请分批导入")
    try:
        if data is not None:
            return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        return python_calamine.CalamineWorkbook.from_path(os.fspath(source))  # type: ignore[arg-type]
    except python_calamine.PasswordError as exc:
        raise TableError("工作簿有密码保护，请去掉密码后再上传") from exc
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise TableError("文件不是有效的 Excel 工作簿，可能已损坏") from exc


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    for encoding in ("utf-8", "gb18030"):
        for cut in range(4):  # the head may end inside a character
            try:
                head[: len(head) - cut].decode(encoding)
            except UnicodeDecodeError:
                continue
            return all(b >= 0x20 or b in b"\t\r\n" for b in head)
    return False


# ---------------------------------------------------------------- row-level problems, all or nothing

MAX_ERRORS = 1000


@dataclass
class CellError:
    """One problem: the row as the spreadsheet numbers it (0: the whole file), the column header (empty: the
    whole row), a Chinese message, and the sheet when the file has several."""

    row: int
    column: str
    message: str
    sheet: str = ""

    def __str__(self) -> str:
        where = (f"「{self.sheet}」表" if self.sheet else "") + (f"第{self.row}行" if self.row else "")
        column = f"「{self.column}」列" if self.column else ""
        return f"{where}{column}：{self.message}" if where or column else self.message


@dataclass
class Checked:
    """An import's rows, every one parsed and checked, or the problems found (and how many there were)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @classmethod
    def failed(cls, message: str) -> Checked:
        """The whole file refused with one message (a TableError's)."""
        return cls(errors=[CellError(0, "", message)], error_count=1)


class Problems:
    """Collects an import's problems: every one counted, the first `limit` kept (a file of 100 000 bad rows
    must not build 100 000 messages)."""

    def __init__(self, sheet: str = "", limit: int = MAX_ERRORS) -> None:
        self.sheet = sheet
        self.limit = limit
        self.errors: list[CellError] = []
        self.count = 0

    def add(self, row: int, column: str, message: str) -> None:
        self.count += 1
        if len(self.errors) < self.limit:
            self.errors.append(CellError(row, column, message, self.sheet))

    def result(self, rows: list[dict[str, Any]], *, overflow: bool = False) -> Checked:
        """All the rows when there was no problem, else the problems (`overflow`: with a line saying how many
        more were not listed)."""
        if not self.count:
            return Checked(rows=rows)
        errors = with_overflow(self.errors, self.count) if overflow else self.errors
        return Checked(errors=errors, error_count=self.count)


def with_overflow(errors: list[CellError], count: int) -> list[CellError]:
    """`errors` in row order and, when some were not kept, one line saying how many more there are."""
    errors = sorted(errors, key=lambda e: (e.row == 0, e.row))
    if count > len(errors):
        return [*errors, CellError(0, "", f"另有 {count - len(errors)} 处错误未列出，请先改正以上错误")]
    return errors
