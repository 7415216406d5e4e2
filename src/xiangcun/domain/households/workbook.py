"""The household registry workbook (.xlsx): sheets 户, 成员 and 收支 with fixed header rows.

`read_registry` is all-or-nothing: it returns either a complete, validated registry or the list of
problems, each with sheet, row, column and a Chinese message, so a township clerk can fix the whole
file in one go and nothing half-checked reaches the database. A bad file (empty, not a workbook, a
renamed .txt or .xls, a zip bomb, a missing sheet, a wrong or merged header, too many rows) gives one
clear message and never a traceback.

It is built for a province-sized file (1 000 000 households, 3.5 million members): python-calamine
reads the sheets, rows are taken in chunks and every check runs over numpy columns; there is no Python
code per cell except for cells that are not text where text is expected. Parsed data is kept as
columns (`Records`), which a caller may iterate as dicts or hand to numpy directly (`screening_columns`).

Decisions, documented in docs/households.md:
- money cells must be numbers ≥ 0 (a blank cell means 0). A business loss is written as 生产经营性支出
  larger than 生产经营性收入, so net income can still be negative; no column needs a negative value.
- 年度 is a whole number between 2000 and the current year.
- 残疾等级 may be empty; every other enumerated cell must hold one of its listed values exactly.
- 联系电话 is optional; when present it holds digits (and - + or spaces), 5 to 20 of them.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import itertools
import operator
import os
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, overload

import numpy as np
import openpyxl
import python_calamine

from ..spreadsheets import append_row
from .idcard import check_many, error_message
from .mapping import ColumnMapping, match_header, project

HOUSEHOLD_COLUMNS = ("户编号", "村代码", "自然村", "户主姓名", "联系电话", "户类型", "易地搬迁", "低保", "特困",
                     "住房安全等级", "饮水安全", "自主申报")  # fmt: skip
MEMBER_COLUMNS = ("户编号", "姓名", "身份证号", "与户主关系", "劳动能力", "健康状况", "残疾等级", "在校状况",
                  "基本医保", "养老保险", "务工状况")  # fmt: skip
FINANCE_COLUMNS = ("户编号", "年度", "工资性收入", "生产经营性收入", "生产经营性支出", "财产性收入", "转移性收入",
                   "医疗自付支出", "教育支出")  # fmt: skip
SHEETS = {"户": HOUSEHOLD_COLUMNS, "成员": MEMBER_COLUMNS, "收支": FINANCE_COLUMNS}

YES_NO = ("是", "否")
CHOICES: dict[str, tuple[str, ...]] = {
    "户类型": ("脱贫户", "一般农户"),
    "易地搬迁": YES_NO,
    "低保": YES_NO,
    "特困": ("否", "分散供养", "集中供养"),
    "住房安全等级": ("A", "B", "C", "D"),
    "饮水安全": YES_NO,
    "自主申报": YES_NO,
    "劳动能力": ("普通劳动力", "技能劳动力", "弱劳动力", "丧失劳动力", "无劳动力"),
    "健康状况": ("健康", "长期慢性病", "患有大病", "残疾"),
    "残疾等级": ("", "一级", "二级", "三级", "四级"),
    "在校状况": ("学龄前", "小学", "初中", "高中", "中职", "高职", "大专", "本科及以上", "非在校"),
    "基本医保": YES_NO,
    "养老保险": YES_NO,
}
MONEY = (
    "工资性收入",
    "生产经营性收入",
    "生产经营性支出",
    "财产性收入",
    "转移性收入",
    "医疗自付支出",
    "教育支出",
)
# Names of the non-enumerated columns in parsed records (the enumerated ones keep their Chinese name).
HOUSEHOLD_FIELDS = {"户编号": "code", "村代码": "village_code", "自然村": "natural_village", "户主姓名": "head_name",
                    "联系电话": "phone"}  # fmt: skip
MEMBER_FIELDS = {"户编号": "household", "姓名": "name", "身份证号": "id_number", "与户主关系": "relation",
                 "务工状况": "work_status"}  # fmt: skip
FINANCE_FIELDS = {"户编号": "household", "年度": "year"}

MAX_FILE_BYTES = 512 * 1024 * 1024  # a 1 000 000-household workbook is about 150 MB
MAX_UNCOMPRESSED_BYTES = 4 * 1024 * 1024 * 1024  # refuses zip bombs before any XML is parsed
ROW_LIMITS = {"户": 2_000_000, "成员": 5_000_000, "收支": 10_000_000}  # data rows per sheet
# a province's registry from the command line on PostgreSQL (the reader's memory stays bounded: 0.92 GB at 5M)
PROVINCE_ROW_LIMITS = {"户": 10_000_000, "成员": 40_000_000, "收支": 50_000_000}
PROVINCE_MAX_FILE_BYTES = 16 * 1024 * 1024 * 1024
MAX_CELL_CHARS = 100
MAX_MONEY = 10_000_000.0  # per household and year; larger is a typing mistake (yuan entered as fen)
EARLIEST_YEAR = 2000
MAX_ERRORS = 1000
_CHUNK = 100_000
_INVALID = 255
_CODES = {column: {option: k for k, option in enumerate(options)} for column, options in CHOICES.items()}


@dataclass
class CellError:
    """One problem: sheet, 1-based row as Excel shows it (0: the whole sheet/file), column header."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = (f"「{self.sheet}」表" if self.sheet else "") + (f"第{self.row}行" if self.row else "")
        column = f"「{self.column}」列" if self.column else ""
        return f"{where}{column}：{self.message}" if where or column else self.message


class Records(Sequence[dict[str, Any]]):
    """Parsed rows of one sheet stored as numpy columns; indexing or iterating gives plain dicts.

    Enumerated columns are stored as small integer codes into `CHOICES` (one byte per cell instead of
    a Python string), which keeps a 3.5-million-member registry in a few hundred MB.
    """

    def __init__(self, columns: Mapping[str, np.ndarray] | None = None) -> None:
        self.columns: dict[str, np.ndarray] = dict(columns or {})
        self._length = len(next(iter(self.columns.values()))) if self.columns else 0

    def __len__(self) -> int:
        return self._length

    def column(self, name: str) -> np.ndarray:
        """One column with enumerated values decoded to strings (for numpy work)."""
        values = self.columns[name]
        if name in CHOICES:
            return np.asarray(CHOICES[name])[values]
        return values

    def _dicts(self, start: int, stop: int) -> list[dict[str, Any]]:
        names = list(self.columns)
        lists = []
        for name in names:
            part = self.columns[name][start:stop]
            if name in CHOICES:
                part = np.asarray(CHOICES[name], dtype=object)[part]
            lists.append(part.tolist())
        return [dict(zip(names, row, strict=True)) for row in zip(*lists, strict=True)]

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._length)
            return self._dicts(start, stop)[::step]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        return self._dicts(index, index + 1)[0]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for start in range(0, self._length, 50_000):
            yield from self._dicts(start, start + 50_000)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


@dataclass
class Registry:
    """A parsed registry, or its errors. Households, members and finances are in file order.

    `member_household` / `finance_household` give, for every member or finance row, the index of its
    household in `households` (what the screening evaluator needs).
    """

    households: Records = field(default_factory=Records)
    members: Records = field(default_factory=Records)
    finances: Records = field(default_factory=Records)
    errors: list[CellError] = field(default_factory=list)
    error_count: int = 0  # all problems found; `errors` keeps the first MAX_ERRORS
    member_household: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    finance_household: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    # the sheet row (as Excel shows it) of every household and member, for errors found against the database
    household_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    member_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    # with `preview_rows`: each sheet's header as in the file and its first rows as the checks read them
    preview: dict[str, SheetPreview] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class SheetPreview:
    """A sheet as the import reads it: the file's own header, the template column each file column feeds
    (None: not imported), and the first data rows already in template column order."""

    header: list[str] = field(default_factory=list)
    used: list[str | None] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row as Excel shows it, cells)


class RegistryFileError(ValueError):
    """The file as a whole cannot be read; the message is in Chinese."""


class _Errors:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: list[CellError] = []
        self.count = 0

    def add(self, sheet: str, row: int, column: str, message: str) -> None:
        self.count += 1
        if len(self.items) < self.limit:
            self.items.append(CellError(sheet, row, column, message))

    def add_many(
        self,
        sheet: str,
        column: str,
        rows: np.ndarray,
        message: str | Callable[..., str],
        *values: np.ndarray,
    ) -> None:
        """One error per entry of `rows`; message is a str.format template (or a function) of the
        matching entries of `values`, built only for the errors that are kept."""
        room = max(0, self.limit - len(self.items))
        render = message.format if isinstance(message, str) else message
        for k in range(min(room, len(rows))):
            self.items.append(CellError(sheet, int(rows[k]), column, render(*(v[k] for v in values))))
        self.count += len(rows)


Sink = Callable[[str, dict[str, np.ndarray]], None]


def read_registry(
    source: bytes | str | os.PathLike[str] | Mapping[str, bytes | str | os.PathLike[str]],
    filename: str = "",
    village_codes: Collection[str] = (),
    *,
    today: dt.date | None = None,
    max_errors: int = MAX_ERRORS,
    row_limits: Mapping[str, int] | None = None,
    max_file_bytes: int = MAX_FILE_BYTES,
    sink: Sink | None = None,
    mapping: ColumnMapping | None = None,
    preview_rows: int = 0,
) -> Registry:
    """Read and validate a registry: a workbook (bytes of an upload, or a path), or one CSV per sheet
    given as a mapping {"户": …, "成员": …, "收支": …}.

    village_codes: the 行政村/社区 codes the importing user may use (the caller knows the regions).
    Sheets are read one at a time and checked `_CHUNK` rows at a time. With a `sink`, every checked chunk
    (the columns `Records` would hold) is handed to it while no error has been found, and only the integers
    the cross-sheet checks need stay in memory (`_Keys`): the returned registry then holds no columns, only
    `household_rows`, `member_rows`, `member_household` and `finance_household`. A caller writing
    chunks somewhere must discard them when the result has errors (the last row may be the bad one).

    mapping: the county's own sheet and column names (`mapping.py`); headers are renamed and columns
    rearranged before any check, so the checks and the report are the template's. Without one, the header
    must be the template's exactly. preview_rows: keep each sheet's header and first rows in `preview`.
    """
    errors = _Errors(max_errors)
    today = today or dt.date.today()
    limits = {**ROW_LIMITS, **(row_limits or {})}
    parsed = _Parser(errors, today, village_codes, sink)
    tables: dict[str, dict[str, np.ndarray]] = {}
    previews: dict[str, SheetPreview] = {}
    reading = _Reading(limits, errors, mapping, previews if preview_rows else None)
    try:
        if isinstance(source, Mapping):
            sheets = _csv_sheets(source, max_file_bytes, reading)
        else:
            sheets = _xlsx_sheets(_open(source, filename, max_file_bytes), reading)
        for name, rows in sheets:
            if rows is None:
                break
            if preview_rows:
                rows = _captured(rows, previews[name], preview_rows)
            parsed.keys.reserve(name, min(reading.counts.get(name, 0), limits[name]))
            tables[name] = parsed.sheet(name, rows)
    except RegistryFileError as exc:
        return Registry(errors=[CellError("", 0, "", str(exc))], error_count=1, preview=previews)
    except MemoryError:
        return Registry(errors=[CellError("", 0, "", "文件太大，内存不足，请按乡镇分批导入")], error_count=1)
    if len(tables) < len(SHEETS):
        return _failed(errors, previews)
    keys = parsed.keys
    del parsed  # the parser's chunks are gone; only the kept keys are left
    member_index, finance_index = _cross_checks(keys, errors)
    if errors.count:
        return _failed(errors, previews)
    household_rows, member_rows = keys.rows["户"].array(), keys.rows["成员"].array()
    del keys
    households, members, finances = ({k: v for k, v in tables[n].items() if k != "_row"} for n in SHEETS)
    return Registry(
        Records(households), Records(members), Records(finances), [], 0, member_index, finance_index,
        household_rows, member_rows, previews,
    )  # fmt: skip


@dataclass
class _Reading:
    """What the sheet readers share: limits, the error list, the mapping and where previews go."""

    limits: Mapping[str, int]
    errors: _Errors
    mapping: ColumnMapping | None
    previews: dict[str, SheetPreview] | None
    counts: dict[str, int] = field(default_factory=dict)  # rows per sheet as counted before reading

    def header(self, name: str, header_row: Sequence[Any], rows: int) -> list[int] | None:
        """The file column of each template column (None: the header is wrong, reported), after the mapping."""
        columns = SHEETS[name]
        self.counts[name] = rows
        header = [_text(v) for v in header_row]
        if self.mapping is None:
            ok = _header_ok(name, columns, header, rows, self.limits, self.errors)
            if self.previews is not None:
                used = [h if h in columns else None for h in header]
                self.previews[name] = SheetPreview(header, used)
            return list(range(len(columns))) if ok else None
        match = match_header(header, columns, self.mapping.columns.get(name, {}))
        if self.previews is not None:
            by_position = {p: c for c, p in zip(columns, match.positions, strict=True) if p >= 0}
            self.previews[name] = SheetPreview(header, [by_position.get(k) for k in range(len(header))])
        if not match.ok:
            self.errors.add(name, 1, "", f"表头与列对应不符：{'；'.join(match.problems())}")
            return None
        if not _row_count_ok(name, rows, self.limits, self.errors):
            return None
        return match.positions

    def rows(self, positions: list[int], rows: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
        if positions == list(range(len(positions))):
            return rows
        return project(rows, positions)


def _captured(rows: Iterator[Sequence[Any]], into: SheetPreview, count: int) -> Iterator[Sequence[Any]]:
    """Pass rows through, keeping the first `count` non-empty ones (as text) for the preview."""
    number = 1
    for row in rows:
        number += 1
        if len(into.rows) < count and any(row):
            into.rows.append((number, [_text(v) for v in row]))
        yield row


def registry_headers(
    source: bytes | str | os.PathLike[str] | Mapping[str, bytes | str | os.PathLike[str]],
    filename: str = "",
    mapping: ColumnMapping | None = None,
    max_file_bytes: int = MAX_FILE_BYTES,
) -> tuple[list[str], dict[str, list[str]]]:
    """The workbook's sheet names ([] for CSV) and the header row of each sheet found (through the mapping's
    sheet names), so a mapping page can offer every file column even when a header is wrong.
    Raises RegistryFileError for a file that cannot be read at all."""
    headers: dict[str, list[str]] = {}
    if isinstance(source, Mapping):
        for name in SHEETS:
            if name not in source:
                continue
            handle = _csv_text(name, source[name], max_file_bytes)
            try:
                headers[name] = [_text(v) for v in next(csv.reader(handle), [])]
            except (csv.Error, UnicodeDecodeError) as exc:
                raise RegistryFileError(f"「{name}」表的 CSV 文件无法读取：{exc}") from exc
            finally:
                handle.close()
        return [], headers
    workbook = _open(source, filename, max_file_bytes)
    mapping = mapping or ColumnMapping()
    for name in SHEETS:
        own = mapping.sheet_name(name)
        if own not in workbook.sheet_names:
            continue
        try:
            rows = workbook.get_sheet_by_name(own).iter_rows()
            headers[name] = [_text(v) for v in next(iter(rows), [])]
        except Exception as exc:  # a broken sheet: the import reports it in full
            raise RegistryFileError(f"「{own}」工作表无法读取，文件可能已损坏") from exc
    return list(workbook.sheet_names), headers


def _failed(errors: _Errors, previews: dict[str, SheetPreview] | None = None) -> Registry:
    sheet_order = {name: k for k, name in enumerate(SHEETS)}
    column_order = {name: k for columns in SHEETS.values() for k, name in enumerate(columns)}
    items = sorted(
        errors.items, key=lambda e: (sheet_order.get(e.sheet, -1), e.row, column_order.get(e.column, -1))
    )
    if errors.count > len(items):
        items.append(CellError("", 0, "", f"另有 {errors.count - len(items)} 处错误未列出，请先改正以上错误"))
    return Registry(errors=items, error_count=errors.count, preview=previews or {})


# ---------------------------------------------------------------- opening the file


def _open(
    source: bytes | str | os.PathLike[str], filename: str, max_bytes: int
) -> python_calamine.CalamineWorkbook:
    if isinstance(source, bytes | bytearray | memoryview):
        data: bytes | None = bytes(source)
        size = len(data)
        head = data[:8]
        name = filename
    else:
        path = Path(source)
        if not path.is_file():
            raise RegistryFileError(f"找不到文件「{path.name}」")
        data, size, name = None, path.stat().st_size, filename or path.name
        with path.open("rb") as handle:
            head = handle.read(8)
    if size == 0:
        raise RegistryFileError("文件是空的")
    if size > max_bytes:
        raise RegistryFileError(
            f"文件过大（{size / 1024 / 1024:.0f} MB），上限为 {max_bytes // 1024 // 1024} MB，请按乡镇分批导入"
        )
    suffix = Path(name).suffix.lower()
    if suffix and suffix not in (".xlsx", ".xlsm"):
        raise RegistryFileError(f"不支持「{suffix}」文件，请上传 .xlsx 格式的农户信息工作簿")
    if not head.startswith(b"PK\x03\x04"):
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise RegistryFileError(
                "这是旧版 Excel（.xls）或其他 Office 文件，请在 Excel 中另存为 .xlsx 后再上传"
            )
        if _looks_like_text(head):
            raise RegistryFileError("文件内容是纯文本（可能是改了扩展名的 .txt 或 .csv），不是 Excel 工作簿")
        raise RegistryFileError("文件不是有效的 Excel 工作簿（.xlsx），可能已损坏或是其他类型的文件")
    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else Path(source)) as archive:  # type: ignore[arg-type]
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RegistryFileError("文件不是有效的 Excel 工作簿（压缩结构已损坏）") from exc
    if "xl/workbook.xml" not in names:
        raise RegistryFileError("文件是压缩包但不是 Excel 工作簿（可能是 Word 文档或改了扩展名的 .zip）")
    if unpacked > MAX_UNCOMPRESSED_BYTES:
        raise RegistryFileError("工作簿解压后过大，请按乡镇分批导入")
    try:
        if data is not None:
            return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        return python_calamine.CalamineWorkbook.from_path(str(source))
    except python_calamine.PasswordError as exc:
        raise RegistryFileError("工作簿有密码保护，请去掉密码后再上传") from exc
    except (
        BaseException
    ) as exc:  # calamine raises several types, a Rust panic even derives from BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise RegistryFileError("文件不是有效的 Excel 工作簿，可能已损坏") from exc


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            head.decode("gb18030")
        except UnicodeDecodeError:
            return False
    return all(b >= 0x20 or b in b"\t\r\n" for b in head)


def _xlsx_sheets(
    workbook: python_calamine.CalamineWorkbook, reading: _Reading
) -> Iterator[tuple[str, Iterator[Sequence[Any]] | None]]:
    """Each sheet's data rows (after a checked header), loading one sheet at a time: calamine holds a
    whole sheet in memory, so the next one is only loaded once the previous one has been read."""
    errors = reading.errors
    mapping = reading.mapping or ColumnMapping()
    missing = [name for name in SHEETS if mapping.sheet_name(name) not in workbook.sheet_names]
    present = "、".join(workbook.sheet_names) or "无"
    for name in missing:
        own = mapping.sheet_name(name)
        wanted = f"「{name}」" if own == name else f"「{own}」（对应「{name}」表）"
        errors.add(name, 0, "", f"工作簿中缺少{wanted}工作表（需要 户、成员、收支 三张表；现有：{present}）")
    if missing:
        return
    for name in SHEETS:
        try:
            sheet = workbook.get_sheet_by_name(mapping.sheet_name(name))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            errors.add(name, 0, "", "工作表无法读取，文件可能已损坏")
            yield name, None
            return
        if sheet.start not in (None, (0, 0)):
            row, col = sheet.start  # type: ignore[misc]
            errors.add(
                name, row + 1, "", f"表头应在第1行、从A列开始（现在从 {_cell_name(row, col)} 单元格开始）"
            )
            yield name, None
            return
        merged = [r for r in (sheet.merged_cell_ranges or []) if r[0][0] == 0]
        if merged:
            cells = "、".join(f"{_cell_name(*a)}:{_cell_name(*b)}" for a, b in merged)
            errors.add(name, 1, "", f"表头不能有合并单元格（{cells}），请取消合并，每列一个列名")
            yield name, None
            return
        rows = iter(sheet.iter_rows()) if sheet.height else iter(())
        positions = reading.header(name, next(rows, []), max(0, sheet.height - 1))
        if positions is None:
            yield name, None
            return
        yield name, reading.rows(positions, rows)
        del rows, sheet


def _header_ok(
    name: str,
    columns: tuple[str, ...],
    header_row: Sequence[Any],
    rows: int,
    limits: Mapping[str, int],
    errors: _Errors,
) -> bool:
    header = [_text(v) for v in header_row]
    if tuple(header[: len(columns)]) != columns or any(header[len(columns) :]):
        missing = [c for c in columns if c not in header]
        extra = [h for h in header if h and h not in columns]
        detail = []
        if missing:
            detail.append(f"缺少列：{'、'.join(missing)}")
        if extra:
            detail.append(f"多出列：{'、'.join(extra)}")
        if not detail:
            detail.append("列的顺序不对")
        errors.add(name, 1, "", f"表头应依次为「{'、'.join(columns)}」；{'；'.join(detail)}")
        return False
    return _row_count_ok(name, rows, limits, errors)


def _row_count_ok(name: str, rows: int, limits: Mapping[str, int], errors: _Errors) -> bool:
    if rows > limits[name]:
        errors.add(
            name, 0, "", f"数据行数过多（{rows} 行），单次导入上限为 {limits[name]} 行，请按乡镇分批导入"
        )
        return False
    return True


def _csv_sheets(
    sources: Mapping[str, bytes | str | os.PathLike[str]], max_bytes: int, reading: _Reading
) -> Iterator[tuple[str, Iterator[Sequence[Any]] | None]]:
    """Each CSV's data rows after a checked header; UTF-8 (with or without BOM) or GB18030 (what Excel
    saves as "CSV" on a Chinese Windows). The file is read as a stream, never held as rows."""
    missing = [name for name in SHEETS if name not in sources]
    for name in missing:
        reading.errors.add(name, 0, "", f"缺少「{name}」表的 CSV 文件（需要 户、成员、收支 三个文件）")
    if missing:
        return
    for name in SHEETS:
        handle = _csv_text(name, sources[name], max_bytes)
        try:
            reader = csv.reader(handle)
            try:
                header = next(reader, [])
            except (csv.Error, UnicodeDecodeError) as exc:
                raise RegistryFileError(f"「{name}」表的 CSV 文件无法读取：{exc}") from exc
            positions = reading.header(name, header, _csv_rows(sources[name]))
            if positions is None:
                yield name, None
                return
            if positions == list(range(len(positions))) and reading.previews is None:
                yield name, _CsvRows(name, handle)
            else:
                yield name, reading.rows(positions, _csv_records(name, reader))
        finally:
            handle.close()


class _CsvRows:
    """The data rows of one CSV after its header, for `_chunks` to take as columns a block at a time.

    A plain block (no quote, no lone carriage return, no NUL, no empty row, every line with the sheet's
    number of fields: what Excel and the national system write for a registry) is split by one `str.split`
    over the whole block and cut into columns by slicing, with no Python per row: the csv module took most
    of the reading time of a province file. The first block that is not plain goes, with the rest of the
    file, to the csv module, so quotes, ragged and empty rows are read exactly as before. Iterating gives
    rows through the csv module.
    """

    BLOCK = 1 << 22  # characters: about 40 000 member rows

    def __init__(self, name: str, handle: io.TextIOBase) -> None:
        self.name = name
        self.handle = handle

    def __iter__(self) -> Iterator[list[str]]:
        return _csv_records(self.name, csv.reader(self.handle))

    def _read(self, size: int) -> str:
        try:
            text = self.handle.read(size)
            if text.endswith("\r"):
                text += self.handle.read(1)
            if text and not text.endswith("\n"):
                text += self.handle.readline()
        except UnicodeDecodeError as exc:
            raise RegistryFileError(f"「{self.name}」表的 CSV 文件无法读取（编码或引号有误）：{exc}") from exc
        return text

    def blocks(
        self, width: int, numeric: Callable[[str, int], _Numeric | None] | None = None
    ) -> Iterator[tuple[np.ndarray, list[list[str]] | _Numeric, bool]]:
        """numeric: reads a plain block of a numbers sheet straight from its bytes (None: it cannot)."""
        number = 2  # the first data row as Excel shows it
        empty_row = "\n" + "," * (width - 1) + "\n"
        while text := self._read(self.BLOCK):
            if "\r" in text:
                text = text.replace("\r\n", "\n")
            if not text.endswith("\n"):
                text += "\n"
            lines = text.count("\n")
            plain = not ('"' in text or "\r" in text or "\x00" in text or empty_row in "\n" + text)
            parsed = numeric(text, lines) if plain and numeric is not None else None
            if parsed is not None:
                yield np.arange(number, number + lines), parsed, True
                number += lines
                continue
            columns = _split_plain(text, lines, width) if plain else None
            if columns is None:  # not plain: this block and the rest through the csv module
                rest = itertools.chain(io.StringIO(text, newline=""), self.handle)
                yield from _chunks(_csv_records(self.name, csv.reader(rest)), width, number)
                return
            yield np.arange(number, number + lines), columns, _clean(text)
            number += lines


@dataclass
class _Numeric:
    """A 收支 block read from its bytes: 户编号 per row and the number columns (年度 first) as floats."""

    household: np.ndarray
    values: np.ndarray  # (rows, columns after 户编号)


def _numeric_block(text: str, lines: int, width: int, latest_year: int) -> _Numeric | None:
    """The usual 收支 block (ASCII, nothing blank, codes with nothing to strip, whole numbers, every 年度 in
    range) read with numpy from its bytes, with no Python object per cell: parsing numbers cell by cell was
    most of the cost of the sheet. Anything else gives None and goes the way of every other block."""
    if not text.isascii():
        return None
    raw = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    if not ((raw >= 0x21) & (raw <= 0x7E) | (raw == 10)).all():  # no space, control character or NUL
        return None
    separators = np.flatnonzero((raw == 44) | (raw == 10))
    if len(separators) != lines * width:
        return None
    separators = separators.reshape(lines, width)
    if not ((raw[separators[:, :-1]] == 44).all() and (raw[separators[:, -1]] == 10).all()):
        return None  # a line with more or fewer fields
    starts = np.empty_like(separators)
    starts[:, 0] = np.r_[0, separators[:-1, -1] + 1]
    starts[:, 1:] = separators[:, :-1] + 1
    lengths = separators - starts
    code_length = int(lengths[:, 0].max())
    if lengths.min() < 1 or code_length > MAX_CELL_CHARS or lengths[:, 1:].max() > 15:
        return None
    # zero bytes around the block: gathers that run past a short field's ends read zeros, not out of range
    pad = 16
    padded = np.zeros(pad + len(raw) + MAX_CELL_CHARS, dtype=np.uint8)
    padded[pad : pad + len(raw)] = raw
    codes = padded[starts[:, :1] + (pad + np.arange(code_length))]
    codes[np.arange(code_length) >= lengths[:, :1]] = 0
    # each number right-aligned in `longest` digits: position j of a field ending at e is byte e - longest + j
    longest = int(lengths[:, 1:].max())
    digits = padded[separators[:, 1:, None] + (pad - np.arange(longest, 0, -1))] - np.uint8(48)
    inside = np.arange(longest) >= longest - lengths[:, 1:, None]
    if (inside & (digits > 9)).any():
        return None
    digits[~inside] = 0
    whole = np.zeros(digits.shape[:2], dtype=np.int64)
    for j in range(longest):
        whole = whole * 10 + digits[:, :, j]
    values = whole.astype(float)
    if ((values[:, 0] < EARLIEST_YEAR) | (values[:, 0] > latest_year)).any():
        return None  # the message shows the cell as written
    return _Numeric(np.ascontiguousarray(codes).view(f"S{code_length}").ravel().astype(str), values)


def _clean(text: str) -> bool:
    """Whether no field of a plain block can be too long (no line is) or need stripping (no whitespace but
    the line ends and spaces inside fields), so its columns go on as they are, without a check per cell."""
    lines = text.split("\n")
    if max(map(len, lines)) > MAX_CELL_CHARS or not "".join(lines).isprintable():
        return False  # every whitespace but the plain space is not printable
    if " " not in text:
        return True
    return not (text.startswith(" ") or ", " in text or " ," in text or " \n" in text or "\n " in text)


def _split_plain(text: str, lines: int, width: int) -> list[list[str]] | None:
    """The columns of `lines` newline-ended lines with no quotes, or None unless each has `width` fields.

    Split at commas only, field k of every line is every (width-1)-th piece, except that the last field of
    a line and the first of the next come as one piece joined by the newline: each of those pieces must
    hold a newline (then, with as many newlines as lines, each holds exactly one and no other piece does),
    and they are split once more.
    """
    step = width - 1
    pieces = text[:-1].split(",")
    if len(pieces) != lines * step + 1:
        return None
    joined = pieces[step:-1:step]
    if not all(map(str.__contains__, joined, itertools.repeat("\n"))):
        return None
    ends = "\n".join(joined).split("\n") if joined else []
    first = [pieces[0], *ends[1::2]]
    last = [*ends[0::2], pieces[-1]]
    return [first, *(pieces[k::step] for k in range(1, step)), last]


def _csv_text(name: str, source: bytes | str | os.PathLike[str], max_bytes: int) -> io.TextIOBase:
    if isinstance(source, bytes | bytearray | memoryview):
        raw: BinaryIO = io.BytesIO(bytes(source))
        size = len(source)
    else:
        path = Path(source)
        if not path.is_file():
            raise RegistryFileError(f"找不到文件「{path.name}」")
        raw, size = path.open("rb"), path.stat().st_size
    if size == 0:
        raw.close()
        raise RegistryFileError(f"「{name}」表的 CSV 文件是空的")
    if size > max_bytes:
        raw.close()
        raise RegistryFileError(
            f"「{name}」表的 CSV 文件过大（{size / 1024 / 1024:.0f} MB），上限为 {max_bytes // 1024 // 1024} MB"
        )
    head = raw.read(1 << 16)
    raw.seek(0)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0") or b"\x00" in head:
        raw.close()
        raise RegistryFileError(
            f"「{name}」表的文件不是 CSV 文本（可能是 Excel 工作簿，请上传 .xlsx 或另存为 CSV）"
        )
    encoding = "utf-8-sig"
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the end of the sample
            encoding = "gb18030"
    return io.TextIOWrapper(raw, encoding=encoding, newline="")


def _csv_rows(source: bytes | str | os.PathLike[str]) -> int:
    """Data rows of a CSV, counted as lines (fast; a quoted cell over two lines counts twice)."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        return max(0, data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1)
    lines, last = 0, b"\n"
    with Path(source).open("rb") as handle:
        while block := handle.read(1 << 24):
            lines += block.count(b"\n")
            last = block[-1:]
    return max(0, lines + (0 if last == b"\n" else 1) - 1)


def _csv_records(name: str, reader: Iterator[list[str]]) -> Iterator[list[Any]]:
    try:
        yield from reader
    except (csv.Error, UnicodeDecodeError) as exc:
        raise RegistryFileError(f"「{name}」表的 CSV 文件无法读取（编码或引号有误）：{exc}") from exc


def _cell_name(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


# ---------------------------------------------------------------- cells to columns


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _number(value: Any) -> float | None:
    """A money or year cell as a float; '' and None are 0; None back means not a number."""
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace(",", "").replace("，", "")
    if not text:
        return 0.0
    try:
        return float(text)
    except ValueError:
        return None


def _numbers(values: Sequence[Any], text: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """A column of number cells as floats, and the positions of cells that are not numbers.

    text: every cell is known to be a str (a CSV block), so the type check is skipped."""
    if not text:
        types = set(map(type, values))
        if types <= {float, int}:
            return np.asarray(values, dtype=float), np.zeros(0, np.int64)
        text = types <= {str}
    if text:  # CSV: numpy parses the whole column; anything it refuses goes cell by cell below
        if "" not in values:
            if "".join(values).isdigit():  # whole numbers (no sign, no -0): an int parse is cheaper
                try:
                    return np.array(values, dtype=np.int64).astype(float), np.zeros(0, np.int64)
                except (ValueError, OverflowError):
                    pass
            try:  # float() per cell, as below: it ignores surrounding whitespace like the strip below
                return np.array(values, dtype=float), np.zeros(0, np.int64)
            except ValueError:
                pass
        stripped = np.strings.strip(np.asarray(values, dtype=str))
        try:
            return np.where(stripped == "", "0", stripped).astype(float), np.zeros(0, np.int64)
        except ValueError:
            pass
    parsed = [_number(v) for v in values]
    bad = np.flatnonzero(np.fromiter((p is None for p in parsed), dtype=bool, count=len(parsed)))
    return np.asarray([0.0 if p is None else p for p in parsed], dtype=float), bad


def _chunks(
    rows: Iterator[Sequence[Any]] | _CsvRows,
    width: int,
    first: int = 2,
    numeric: Callable[[str, int], _Numeric | None] | None = None,
) -> Iterator[tuple[np.ndarray, Sequence[Sequence[Any]] | _Numeric, bool]]:
    """(row numbers as Excel shows them, columns, clean) for the non-empty data rows, _CHUNK rows at a time;
    `rows` starts after the header (at row `first`). clean: every cell is a str that `_Parser.texts` would
    leave as it is (a plain CSV block that `_clean` passed)."""
    if isinstance(rows, _CsvRows):
        yield from rows.blocks(width, numeric)
        return
    while True:
        chunk = list(islice(rows, _CHUNK))
        if not chunk:
            return
        numbers = np.arange(first, first + len(chunk))
        first += len(chunk)
        uniform = set(map(len, chunk)) == {width}  # the usual case: no per-row Python below
        keep = list(map(any, chunk)) if uniform else [any(row[:width]) for row in chunk]
        if not all(keep):
            chunk = [row for row, k in zip(chunk, keep, strict=True) if k]
            numbers = numbers[np.asarray(keep, dtype=bool)]
            if not chunk:
                continue
        rows_ = chunk if uniform else [_padded(row, width) for row in chunk]
        columns = list(zip(*rows_, strict=True))
        yield numbers, columns, False


def _padded(row: Sequence[Any], width: int) -> Sequence[Any]:
    if len(row) == width:
        return row
    return (list(row) + [""] * width)[:width]


class _Parser:
    def __init__(
        self, errors: _Errors, today: dt.date, village_codes: Collection[str], sink: Sink | None = None
    ) -> None:
        self.errors = errors
        self.today = today
        self.villages = np.asarray(sorted(set(village_codes)), dtype=str)
        self.sink = sink
        self.keys = _Keys()
        # per set of enumerated columns: joined values -> combination number, and each combination's codes
        self.combinations: dict[tuple[str, ...], tuple[dict[str, int], list[list[int]]]] = {}

    def sheet(self, name: str, rows: Iterator[Sequence[Any]]) -> dict[str, np.ndarray]:
        read = {"户": self.households, "成员": self.members, "收支": self.finances}[name]
        return read(rows)

    def order(self, name: str, columns: list[str]) -> list[str]:
        return [] if self.sink is not None else columns

    def keep(self, name: str, out: dict[str, Any], parts: dict[str, list[np.ndarray]]) -> None:
        """Keep a checked chunk whole, or hand it to the sink (while no error has been found); either way its
        keys go to `self.keys`. Text columns the reader passes through may be lists (what the sink takes);
        the rest are numpy arrays."""
        self.keys.add(name, out)
        if self.sink is not None:
            if not self.errors.count:
                self.sink(name, out)
            return
        for key, array in out.items():  # a kept text column as numpy text, not a list of Python strings
            parts.setdefault(key, []).append(
                np.asarray(array, dtype=str) if isinstance(array, list) else array
            )

    def id_message(self, number: str) -> str:
        return error_message(number, self.today) or "身份证号无效"

    def texts(
        self, sheet: str, column: str, values: Sequence[Any], rows: np.ndarray, clean: bool = False
    ) -> list[str]:
        """A column as stripped texts (a list: most text columns only pass through to the sink)."""
        if clean:
            return values if isinstance(values, list) else list(values)
        if not set(map(type, values)) <= {str}:
            values = tuple(map(_text, values))
        if max(map(len, values), default=0) > MAX_CELL_CHARS:
            long = np.flatnonzero(np.fromiter(map(len, values), dtype=np.int64) > MAX_CELL_CHARS)
            self.errors.add_many(sheet, column, rows[long], f"内容过长（超过 {MAX_CELL_CHARS} 个字）")
            values = tuple(v[:MAX_CELL_CHARS] for v in values)
        if "\x00" in "".join(values):  # a numpy text array drops trailing NULs: keep what it read before
            return np.strings.strip(np.asarray(values, dtype=str)).tolist()
        return list(map(str.strip, values))

    def required(self, sheet: str, column: str, values: list[str], rows: np.ndarray) -> None:
        if "" in values:
            empty = np.flatnonzero(np.fromiter(map(operator.not_, values), dtype=bool, count=len(values)))
            self.errors.add_many(sheet, column, rows[empty], "不能为空")

    def choice(self, sheet: str, column: str, values: list[str], rows: np.ndarray) -> np.ndarray:
        codes = np.fromiter(
            map(_CODES[column].get, values, itertools.repeat(_INVALID)), dtype=np.uint8, count=len(values)
        )
        bad = np.flatnonzero(codes == _INVALID)
        if len(bad):
            allowed = CHOICES[column]
            listed = "、".join(a or "空" for a in allowed)
            shown = [values[k] or "空" for k in bad[: self.errors.limit]]
            self.errors.add_many(sheet, column, rows[bad], "「{}」无效，应为 " + listed + " 之一", shown)
        return codes

    def choices(
        self, sheet: str, columns: list[str], values: dict[str, list[str]], rows: np.ndarray
    ) -> dict[str, np.ndarray]:
        """The enumerated columns of a chunk coded at once: one dict lookup per row of the row's values joined
        (a sheet has a few hundred combinations), instead of one per cell. A chunk with a value that is not
        an option goes column by column through `choice`, so its errors come as they always did."""
        index, table = self.combinations.setdefault(tuple(columns), ({}, []))
        lists = [values[c] for c in columns]
        keys = list(map("\x1f".join, zip(*lists, strict=True)))  # options hold no \x1f: keys are unambiguous
        ids = np.fromiter(map(index.get, keys, itertools.repeat(-1)), dtype=np.int64, count=len(keys))
        for k in np.flatnonzero(ids < 0).tolist():
            if keys[k] not in index:
                codes = [_CODES[c].get(v[k]) for c, v in zip(columns, lists, strict=True)]
                if None in codes:
                    return {c: self.choice(sheet, c, values[c], rows) for c in columns}
                index[keys[k]] = len(table)
                table.append(codes)
            ids[k] = index[keys[k]]
        coded = np.asarray(table, dtype=np.uint8).reshape(-1, len(columns))[ids]
        return {c: np.ascontiguousarray(coded[:, j]) for j, c in enumerate(columns)}

    def money(
        self, sheet: str, column: str, values: Sequence[Any], rows: np.ndarray, text: bool = False
    ) -> np.ndarray:
        amounts, bad = _numbers(values, text)
        self.errors.add_many(sheet, column, rows[bad], "「{}」不是数字", [_text(values[k]) for k in bad])
        return amounts

    def phones(self, sheet: str, phones: list[str], rows: np.ndarray) -> None:
        """联系电话: digits (and - + or spaces), 5 to 20 of them; a column of plain digits is checked at once."""
        joined = "".join(phones)
        if not joined:
            return
        if joined.isdigit():
            lengths = np.fromiter(map(len, phones), dtype=np.int64, count=len(phones))
            if not ((lengths > 0) & ((lengths < 5) | (lengths > 20))).any():
                return
        phone = np.asarray(phones, dtype=str)
        digits = np.strings.replace(np.strings.replace(np.strings.replace(phone, "-", ""), " ", ""), "+", "")
        length = np.strings.str_len(digits)
        bad = np.flatnonzero((phone != "") & (~np.strings.isdigit(digits) | (length < 5) | (length > 20)))
        self.errors.add_many(sheet, "联系电话", rows[bad], "「{}」不是电话号码", phone[bad])

    def households(self, sheet: Iterator[Sequence[Any]]) -> dict[str, np.ndarray]:
        parts: dict[str, list[np.ndarray]] = {}
        name = "户"
        allowed = set(self.villages.tolist()) | {""}  # a blank code is reported as missing, not unknown
        for rows, columns, clean in _chunks(sheet, len(HOUSEHOLD_COLUMNS)):
            values = {
                c: self.texts(name, c, v, rows, clean)
                for c, v in zip(HOUSEHOLD_COLUMNS, columns, strict=True)
            }
            for column in ("户编号", "村代码", "户主姓名"):
                self.required(name, column, values[column], rows)
            village = values["村代码"]
            if not allowed.issuperset(village):
                unknown = np.flatnonzero(
                    np.fromiter(map(allowed.__contains__, village), dtype=bool, count=len(village)) == 0
                )
                self.errors.add_many(
                    name,
                    "村代码",
                    rows[unknown],
                    "「{}」不是系统中的行政村或社区代码（已撤并的村请填合并后的村）",
                    [village[k] for k in unknown[: self.errors.limit]],
                )
            self.phones(name, values["联系电话"], rows)
            out: dict[str, Any] = {HOUSEHOLD_FIELDS[c]: values[c] for c in HOUSEHOLD_FIELDS}
            out["code"] = np.asarray(out["code"], dtype=str)
            out["village_code"] = np.asarray(village, dtype=str)
            out.update(self.choices(name, [c for c in HOUSEHOLD_COLUMNS if c in CHOICES], values, rows))
            out["_row"] = rows
            self.keep(name, out, parts)
        return _join(
            parts,
            self.order(
                name, [*HOUSEHOLD_FIELDS.values(), *(c for c in HOUSEHOLD_COLUMNS if c in CHOICES), "_row"]
            ),
        )

    def members(self, sheet: Iterator[Sequence[Any]]) -> dict[str, np.ndarray]:
        parts: dict[str, list[np.ndarray]] = {}
        name = "成员"
        for rows, columns, clean in _chunks(sheet, len(MEMBER_COLUMNS)):
            values = {
                c: self.texts(name, c, v, rows, clean) for c, v in zip(MEMBER_COLUMNS, columns, strict=True)
            }
            for column in ("户编号", "姓名"):
                self.required(name, column, values[column], rows)
            numbers = _upper(values["身份证号"])
            valid, birth, male = check_many(numbers, self.today)
            bad = np.flatnonzero(~valid)
            self.errors.add_many(name, "身份证号", rows[bad], self.id_message, numbers[bad])
            out: dict[str, Any] = {MEMBER_FIELDS[c]: values[c] for c in MEMBER_FIELDS}
            out["household"] = np.asarray(out["household"], dtype=str)
            out["id_number"] = numbers.astype("U18")
            out.update(self.choices(name, [c for c in MEMBER_COLUMNS if c in CHOICES], values, rows))
            out["birth_date"] = birth
            out["sex"] = np.where(male, "男", "女")
            out["_row"] = rows
            self.keep(name, out, parts)
        order = [
            *MEMBER_FIELDS.values(),
            *(c for c in MEMBER_COLUMNS if c in CHOICES),
            "birth_date",
            "sex",
            "_row",
        ]
        return _join(parts, self.order(name, order))

    def finance_keys(
        self, rows: np.ndarray, columns: Sequence[Sequence[Any]], clean: bool
    ) -> dict[str, np.ndarray]:
        """户编号 and 年度 of a 收支 chunk, checked."""
        name = "收支"
        household = self.texts(name, "户编号", columns[0], rows, clean)
        self.required(name, "户编号", household, rows)
        year_values = columns[1]
        years, not_number = _numbers(year_values, clean)  # a blank year reads as 0 and fails the range check
        bad = np.flatnonzero(
            np.isin(np.arange(len(years)), not_number) | (years != np.round(years))
            | (years < EARLIEST_YEAR) | (years > self.today.year)
        )  # fmt: skip
        shown = [_text(year_values[k]) or "空" for k in bad[: self.errors.limit]]
        self.errors.add_many(
            name, "年度", rows[bad], f"「{{}}」不是有效年度（{EARLIEST_YEAR}–{self.today.year}）", shown
        )
        with np.errstate(invalid="ignore"):  # a year like 1e20 or inf: reported above, its cast is moot
            year = years.astype(np.int64)
        return {"household": np.asarray(household, dtype=str), "year": year}

    def finances(self, sheet: Iterator[Sequence[Any]]) -> dict[str, np.ndarray]:
        parts: dict[str, list[np.ndarray]] = {}
        name = "收支"
        width = len(FINANCE_COLUMNS)
        numeric = functools.partial(_numeric_block, width=width, latest_year=self.today.year)
        for rows, columns, clean in _chunks(sheet, width, numeric=numeric):
            if isinstance(columns, _Numeric):  # nothing blank, whole numbers, years in range
                out: dict[str, np.ndarray] = {
                    "household": columns.household,
                    "year": columns.values[:, 0].astype(np.int64),
                }
            else:
                out = self.finance_keys(rows, columns, clean)
            for k, column in enumerate(FINANCE_COLUMNS[2:], start=2):
                if isinstance(columns, _Numeric):
                    amounts = np.ascontiguousarray(columns.values[:, k - 1])
                else:  # parsed column by column: the errors are found in the order they always were
                    amounts = self.money(name, column, columns[k], rows, clean)
                negative = np.flatnonzero(amounts < 0)
                self.errors.add_many(
                    name,
                    column,
                    rows[negative],
                    "金额 {:g} 不能为负数（亏损请计入生产经营性支出）",
                    amounts[negative],
                )
                too_large = np.flatnonzero(~np.isfinite(amounts) | (amounts > MAX_MONEY))
                self.errors.add_many(
                    name,
                    column,
                    rows[too_large],
                    f"金额 {{:g}} 不合理（单户单年上限 {MAX_MONEY:,.0f} 元）",
                    amounts[too_large],
                )
                out[column] = amounts
            out["_row"] = rows
            self.keep(name, out, parts)
        return _join(parts, self.order(name, ["household", "year", *MONEY, "_row"]))


def _upper(texts: list[str]) -> np.ndarray:
    """Upper-cased as a numpy text array; a column of ASCII with nothing to raise (the usual 身份证号 column)
    skips numpy's upper, which costs more than reading the whole column."""
    joined = "".join(texts)
    if joined.isascii() and joined.upper() == joined:
        return np.asarray(texts, dtype=str)
    return np.strings.upper(np.asarray(texts, dtype=str))


_POWERS = 10 ** np.arange(16, -1, -1, dtype=np.int64)


def _first17(numbers: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """The first 17 digits of each valid 身份证号 as an integer (0 for the invalid), from the characters."""
    if not len(numbers):
        return np.zeros(0, np.int64)
    digits = numbers.astype("U18").view(np.uint32).reshape(len(numbers), 18)[:, :17].astype(np.int64) - 48
    return np.where(valid, digits @ _POWERS, 0)


def _join(parts: dict[str, list[np.ndarray]], order: list[str]) -> dict[str, np.ndarray]:
    empty = {
        "_row": np.zeros(0, np.int64),
        "year": np.zeros(0, np.int64),
        "birth_date": np.zeros(0, "datetime64[D]"),
    }
    result = {}
    for key in order:
        if key in parts:
            result[key] = np.concatenate(parts[key])
        elif key in CHOICES:
            result[key] = np.zeros(0, np.uint8)
        elif key in MONEY:
            result[key] = np.zeros(0, float)
        else:
            result[key] = empty.get(key, np.zeros(0, dtype="U1"))
    return result


# ---------------------------------------------------------------- checks across rows and sheets


class _Grown:
    """A numpy array appended to, in room reserved for the sheet's rows (untouched room costs no memory) and
    grown by half past it: a key column never exists twice, as parts concatenated at the end would for a
    moment. An integer column widens to int64 for a value that does not fit (a 年度 like 1e20, already
    reported), a byte-text column to its longest value."""

    def __init__(self, dtype: Any) -> None:
        self.data = np.empty(4096, dtype)
        self.size = 0

    def reserve(self, count: int, dtype: Any = None) -> None:
        dtype = self.data.dtype if dtype is None else np.dtype(dtype)
        if count > len(self.data) or dtype != self.data.dtype:
            data = np.empty(max(count, len(self.data)), dtype)
            data[: self.size] = self.data[: self.size]
            self.data = data

    def extend(self, values: np.ndarray) -> None:
        if values.dtype.kind == "S" and values.itemsize > self.data.itemsize:
            self.reserve(0, values.dtype)
        elif values.dtype.kind in "iu" and len(values) and self.data.dtype.kind == "i":
            bounds = np.iinfo(self.data.dtype)
            if values.min() < bounds.min or values.max() > bounds.max:
                self.reserve(0, np.int64)
        end = self.size + len(values)
        if end > len(self.data):
            self.reserve(max(end, len(self.data) * 3 // 2))
        self.data[self.size : end] = values
        self.size = end

    def array(self) -> np.ndarray:
        """The values (no more may be added: the array is trimmed in place)."""
        if len(self.data) != self.size:
            self.data.resize(self.size, refcheck=False)
        return self.data


def _encoded(texts: np.ndarray | list[str]) -> np.ndarray:
    """Texts as UTF-8 bytes: an 18-character 户编号 is 18 bytes instead of numpy text's 72."""
    texts = np.asarray(texts)
    if texts.dtype.kind == "S":
        return texts
    texts = texts.astype(str)
    try:
        return texts.astype("S")  # ASCII, the usual 户编号: a third of the cost of encoding
    except UnicodeEncodeError:
        return np.strings.encode(texts, "utf-8")


def _hashes(codes: np.ndarray, width: int) -> np.ndarray:
    """FNV-1a of each byte text padded (or cut) to `width` bytes: sorting and searching 64-bit numbers is
    several times faster than comparing texts. Equal hashes are checked against the texts wherever it
    matters, so a collision costs time, never a wrong result."""
    codes = np.ascontiguousarray(codes.astype(f"S{width}"))
    data = codes.view(np.uint8).reshape(len(codes), width)
    hashes = np.full(len(codes), 0xCBF29CE484222325, np.uint64)
    for j in range(width):
        hashes ^= data[:, j]
        hashes *= np.uint64(0x100000001B3)
    return hashes


class _Keys:
    """What the checks across rows and sheets need, kept compactly while the sheets go past (issue 12: a
    5 000 000-household registry in a bounded memory).

    户 is read whole before 成员 and 收支 (SHEETS order), so each of their chunks is matched to household
    indexes as it arrives and only integers stay: per member (household, 身份证号 key, row) and per 收支 row
    (household, 年度, row). 户编号 stay as UTF-8 bytes, for the messages. A row whose 户编号 is no household
    (blank or unknown, rare) keeps its code text aside; `_cross_checks` reports it as before.
    """

    def __init__(self) -> None:
        self.codes = _Grown("S1")
        self.rows = {name: _Grown(np.int32) for name in SHEETS}
        self.household = {"成员": _Grown(np.int32), "收支": _Grown(np.int32)}
        self.id_keys = _Grown(np.int64)
        self.years = _Grown(np.int16)
        self.missing: dict[str, tuple[list[np.ndarray], list[np.ndarray]]] = {
            "成员": ([], []),
            "收支": ([], []),
        }
        self.missing_codes: dict[str, np.ndarray] = {}  # per sheet: the distinct codes of those rows
        self.table: tuple[np.ndarray, np.ndarray] | None = None  # (sorted hashes or codes, household)
        self.hashed = True
        self.repeat = self.first = np.zeros(0, np.int64)  # repeated 户编号 and the row each repeats
        self.unique = np.zeros(0, bool)  # households other rows may point at: code not blank, not a repeat

    def reserve(self, name: str, rows: int) -> None:
        """Room for a sheet's rows (as counted before reading: blank rows included), before its first chunk."""
        self.rows[name].reserve(rows)
        if name == "户":
            self.codes.reserve(rows)
        else:
            self.household[name].reserve(rows)
            (self.id_keys if name == "成员" else self.years).reserve(rows)

    def add(self, name: str, out: dict[str, Any]) -> None:
        rows = np.asarray(out["_row"])
        if name == "户":
            self.codes.extend(_encoded(out["code"]))
            self.rows[name].extend(rows)
            return
        start = self.rows[name].size
        codes = _encoded(out["household"])
        index = self.lookup(codes)
        absent = np.flatnonzero(index < 0)
        if len(absent):
            positions, texts = self.missing[name]
            positions.append(absent + start)
            texts.append(codes[absent])
        self.household[name].extend(index)
        self.rows[name].extend(rows)
        if name == "成员":  # a valid 身份证号 is fixed by its first 17 digits: 8 bytes, not 72
            valid = ~np.isnat(out["birth_date"])
            keys = _first17(out["id_number"], valid)
            invalid = np.flatnonzero(~valid)
            keys[invalid] = -1 - (start + invalid)  # unlike any other: only valid numbers can repeat
            self.id_keys.extend(keys)
        else:
            self.years.extend(np.asarray(out["year"]))

    def lookup(self, codes: np.ndarray) -> np.ndarray:
        """Index of the household of each 户编号 (a repeated code: its first row), −1 where none."""
        if self.table is None:
            self.table = self._table()
        ordered, positions = self.table
        if not len(ordered) or not len(codes):
            return np.full(len(codes), -1, np.int32)
        keys = _hashes(codes, self.codes.data.itemsize) if self.hashed else codes
        order = np.argsort(keys)  # searched in order, each search starts where the last ended: 4x faster
        at = np.empty(len(keys), np.intp)
        at[order] = np.minimum(np.searchsorted(ordered, keys[order]), len(ordered) - 1)
        found = positions[at]
        hit = (ordered[at] == keys) & (self.codes.array()[found] == codes)
        return np.where(hit, found, -1).astype(np.int32)

    def _table(self) -> tuple[np.ndarray, np.ndarray]:
        """The household codes' hashes sorted, once 户 is complete; finds the repeated codes on the way.
        Two codes with one hash (about never) and the codes themselves are sorted instead."""
        codes = self.codes.array()
        filled = np.flatnonzero(codes != b"")
        keys = _hashes(codes[filled], codes.itemsize)
        order, starts = _groups(keys)
        equal = np.flatnonzero(~starts)
        if (codes[filled[order[equal]]] != codes[filled[order[equal - 1]]]).any():
            self.hashed = False
            keys = codes[filled]
            order, starts = _groups(keys)
        self.repeat, self.first = _repeats(order, starts)
        self.repeat, self.first = filled[self.repeat], filled[self.first]
        self.unique = codes != b""
        self.unique[self.repeat] = False
        kept = order[starts]  # the first row of each code (the sort is stable)
        return keys[kept], filled[kept].astype(np.int32)

    def index(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(household per row, rows whose code is not blank and no household, the texts of their codes).
        A row with no household gets len(households) + the number of its code among those, so that rows
        compare equal exactly when their 户编号 texts do."""
        self.lookup(np.zeros(0, "S1"))  # 成员 or 收支 may have had no rows
        index = self.household[name].array()
        positions, texts = self.missing[name]
        if not positions:
            return index, np.zeros(0, np.int64), np.zeros(0, "S1")
        where, codes = np.concatenate(positions), np.concatenate(texts)
        self.missing[name] = ([], [])
        distinct, number = np.unique(codes, return_inverse=True)
        self.missing_codes[name] = distinct
        index[where] = len(self.codes.array()) + number
        named = codes != b""
        return index, where[named], codes[named]

    def texts(self, name: str, index: np.ndarray, limit: int) -> list[str]:
        """户编号 as text of the first `limit` entries of `index` (what `index` gave)."""
        codes, count = self.codes.array(), len(self.codes.array())
        outside = self.missing_codes.get(name, np.zeros(0, "S1"))
        return [
            (codes[k] if k < count else outside[k - count]).decode("utf-8") for k in index[:limit].tolist()
        ]


def _decoded(codes: np.ndarray, limit: int) -> list[str]:
    return [c.decode("utf-8") for c in codes[:limit].tolist()]


def _groups(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(stable sort order, whether each sorted value starts a run of equal ones)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.ones(len(values), bool)
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    return order, starts


def _repeats(order: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position of each repeat, position of the first occurrence it repeats), in file order."""
    repeat = np.flatnonzero(~starts)
    if not len(repeat):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    run_starts = np.flatnonzero(starts)
    first = order[run_starts[np.searchsorted(run_starts, repeat, side="right") - 1]]
    positions = order[repeat]
    by_row = np.argsort(positions, kind="stable")
    return positions[by_row], first[by_row]


def _duplicates(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position of each repeat, position of the first occurrence it repeats), in file order."""
    if len(values) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return _repeats(*_groups(values))


def _cross_checks(keys: _Keys, errors: _Errors) -> tuple[np.ndarray, np.ndarray]:
    """Repeated 户编号, members and 收支 rows of no household, a person in two households or twice in one,
    households without members, repeated 收支 years; (member_household, finance_household)."""
    limit = errors.limit
    keys.lookup(np.zeros(0, "S1"))
    codes, h_rows = keys.codes.array(), keys.rows["户"].array()
    repeat, first = keys.repeat, keys.first
    errors.add_many(
        "户", "户编号", h_rows[repeat], "「{}」与第{}行重复", _decoded(codes[repeat], limit), h_rows[first]
    )

    m_rows = keys.rows["成员"].array()
    member_index, orphan, orphan_codes = keys.index("成员")
    errors.add_many(
        "成员", "户编号", m_rows[orphan], "「{}」在「户」表中不存在", _decoded(orphan_codes, limit)
    )

    repeat_m, first_m = _duplicates(keys.id_keys.array())
    other = member_index[repeat_m] != member_index[first_m]
    errors.add_many(
        "成员",
        "身份证号",
        m_rows[repeat_m[other]],
        "与第{}行（户 {}）重复：同一人不能登记在两户",
        m_rows[first_m[other]],
        keys.texts("成员", member_index[first_m[other]], limit),
    )
    errors.add_many(
        "成员",
        "身份证号",
        m_rows[repeat_m[~other]],
        "与第{}行重复：同一户中重复登记",
        m_rows[first_m[~other]],
    )

    has_members = np.zeros(len(codes), bool)
    has_members[member_index[member_index < len(codes)]] = True
    empty = np.flatnonzero(~has_members & keys.unique)
    errors.add_many(
        "户", "户编号", h_rows[empty], "户「{}」在「成员」表中没有任何成员", _decoded(codes[empty], limit)
    )

    f_rows, years = keys.rows["收支"].array(), keys.years.array()
    finance_index, orphan_f, orphan_f_codes = keys.index("收支")
    errors.add_many(
        "收支", "户编号", f_rows[orphan_f], "「{}」在「户」表中不存在", _decoded(orphan_f_codes, limit)
    )
    if not len(years) or (years.min() >= 0 and years.max() < 10_000):
        pairs = finance_index.astype(np.int64) * 10_000 + years
    else:  # a year out of range (already reported): years numbered in order instead
        distinct, number = np.unique(years, return_inverse=True)
        pairs = finance_index.astype(np.int64) * len(distinct) + number
    repeat_f, first_f = _duplicates(pairs)
    del pairs
    errors.add_many(
        "收支",
        "年度",
        f_rows[repeat_f],
        "户「{}」的 {} 年收支与第{}行重复",
        keys.texts("收支", finance_index[repeat_f], limit),
        years[repeat_f],
        f_rows[first_f],
    )
    count = len(codes)
    member_index[member_index >= count] = -1
    finance_index[finance_index >= count] = -1
    return member_index, finance_index


# ---------------------------------------------------------------- writing


def _row_values(
    rows: Iterable[Mapping[str, Any]] | Records, columns: tuple[str, ...], fields: dict[str, str]
) -> Iterator[list[Any]]:
    if isinstance(rows, Records):
        names = [c if c in rows.columns else fields.get(c, c) for c in columns]
        for start in range(0, len(rows), 50_000):
            lists = [rows.column(n)[start : start + 50_000].tolist() for n in names]
            yield from (list(r) for r in zip(*lists, strict=True))
        return
    for row in rows:
        yield [row[c] if c in row else row.get(fields.get(c, c), "") for c in columns]


def write_workbook(
    households: Iterable[Mapping[str, Any]] | Records,
    members: Iterable[Mapping[str, Any]] | Records,
    finances: Iterable[Mapping[str, Any]] | Records,
    target: str | os.PathLike[str] | BinaryIO | None = None,
) -> bytes | None:
    """Write the registry in the import format (openpyxl write-only mode, so memory stays flat).

    Rows are mappings keyed by the Chinese headers or by the parsed names (code, household, year …),
    or `Records` from `read_registry`, so an export reads back unchanged. Returns the bytes when no
    target is given. Personal data is written unmasked: the caller checks the role and audits.
    """
    workbook = openpyxl.Workbook(write_only=True)
    for name, columns, rows, fields in (
        ("户", HOUSEHOLD_COLUMNS, households, HOUSEHOLD_FIELDS),
        ("成员", MEMBER_COLUMNS, members, MEMBER_FIELDS),
        ("收支", FINANCE_COLUMNS, finances, FINANCE_FIELDS),
    ):
        sheet = workbook.create_sheet(name)
        append_row(sheet, columns)
        for values in _row_values(rows, columns, fields):
            append_row(sheet, values)
    if target is not None:
        workbook.save(target)
        return None
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_registry(
    households: Iterable[Mapping[str, Any]] | Records,
    members: Iterable[Mapping[str, Any]] | Records,
    finances: Iterable[Mapping[str, Any]] | Records,
) -> bytes:
    """`write_workbook` into bytes (the name the Django layer uses)."""
    data = write_workbook(households, members, finances)
    assert data is not None
    return data


def money_texts(amounts: np.ndarray) -> list[str]:
    """Amounts to the fen as text, exactly `"{:.2f}".format` of each (what COPY is sent): a whole amount,
    the usual, is written as its integer followed by ".00", several times cheaper than a format call per value."""
    values = np.asarray(amounts, dtype=float)
    if not len(values):
        return []
    whole = (values == np.trunc(values)) & (values < 2.0**53) & ~np.signbit(values)  # -0.0 reads "-0.00"
    if whole.sum() < len(values) // 2:
        return list(map("{:.2f}".format, values.tolist()))
    texts = (".00\n".join(map(str, np.where(whole, values, 0).astype(np.int64).tolist())) + ".00").split("\n")
    for k in np.flatnonzero(~whole).tolist():
        texts[k] = f"{values[k]:.2f}"
    return texts


# ---------------------------------------------------------------- feeding the screening


def screening_columns(
    registry: Registry, year: int
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The arrays `screening.screen` takes, straight from a parsed registry (preview before import)."""
    h, m, f = registry.households, registry.members, registry.finances
    households = {
        "household_type": h.column("户类型") if len(h) else np.zeros(0, "U4"),
        "dibao": h.columns.get("低保", np.zeros(0, np.uint8)) == 0,
        "tekun": h.column("特困") if len(h) else np.zeros(0, "U4"),
        "housing_grade": h.column("住房安全等级") if len(h) else np.zeros(0, "U1"),
        "water_safe": h.columns.get("饮水安全", np.zeros(0, np.uint8)) == 0,
        "self_applied": h.columns.get("自主申报", np.zeros(0, np.uint8)) == 0,
    }
    births = m.columns.get("birth_date", np.zeros(0, "datetime64[D]"))
    members = {
        "household": registry.member_household,
        "birth_year": births.astype("datetime64[Y]").astype(np.int64) + 1970,
        "schooling": m.column("在校状况") if len(m) else np.zeros(0, "U4"),
        "disability_grade": m.column("残疾等级") if len(m) else np.zeros(0, "U2"),
        "health": m.column("健康状况") if len(m) else np.zeros(0, "U4"),
        "basic_medical": m.columns.get("基本医保", np.zeros(0, np.uint8)) == 0,
        "labour": m.column("劳动能力") if len(m) else np.zeros(0, "U5"),
    }
    years = f.columns.get("year", np.zeros(0, np.int64))

    def frame(wanted: int) -> dict[str, np.ndarray]:
        pick = years == wanted
        out = {"household": registry.finance_household[pick]}
        for column, key in zip(MONEY, _SCREENING_MONEY, strict=True):
            out[key] = f.columns.get(column, np.zeros(0))[pick]
        return out

    return households, members, frame(year), frame(year - 1)


_SCREENING_MONEY = ("wage_income", "business_income", "business_cost", "property_income", "transfer_income",
                    "medical_out_of_pocket", "education_cost")  # fmt: skip
