"""The asset ledger workbook (.xlsx): one sheet 资产 with a fixed header row, in the issue's order.

`read_assets` is all-or-nothing like the household registry: it returns either every row parsed and
checked, or the list of problems with row, column and a Chinese message. A bad file (empty, not a
workbook, a renamed .txt or .xls, a missing sheet, a wrong header) gives one clear message.

The caller (the Django layer) passes what only the database knows: the region codes the importer
may use, the project codes it may see, and the codes of assets already disposed (已处置 needs an
approval recorded on the asset page, so a new row cannot arrive disposed).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import python_calamine

from ..spreadsheets import XlsxWriter, amount
from .ledger import CATEGORIES, DISPOSED, INCOME_CATEGORY, OPERATING_MODES, STATES, owner_type

SHEET = "资产"
COLUMNS = ("资产编号", "资产名称", "来源项目编号", "资产类别", "所在区划代码", "原值（万元）", "形成年份",
           "产权主体", "管护主体", "管护责任人", "经营方式", "状态")  # fmt: skip
REQUIRED = (
    "资产编号",
    "资产名称",
    "资产类别",
    "所在区划代码",
    "原值（万元）",
    "形成年份",
    "产权主体",
    "状态",
)
FIELDS = {"资产编号": "code", "资产名称": "name", "来源项目编号": "project", "资产类别": "category",
          "所在区划代码": "region", "原值（万元）": "value", "形成年份": "year", "产权主体": "owner",
          "管护主体": "custodian", "管护责任人": "custodian_person", "经营方式": "operating_mode",
          "状态": "state"}  # fmt: skip
MAX_LENGTH = {"资产编号": 40, "资产名称": 100, "来源项目编号": 40, "所在区划代码": 12, "产权主体": 100,
              "管护主体": 100, "管护责任人": 50}  # fmt: skip
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024 * 1024
MAX_ROWS = 1_000_000
MAX_ERRORS = 1000
EARLIEST_YEAR = 1980
MAX_VALUE = Decimal("1000000")  # 100 亿元 in 万元: larger is a unit mistake (元 typed as 万元)
PLACES = Decimal("0.0001")


@dataclass
class CellError:
    """One problem: 1-based row as Excel shows it (0: the whole file), column header, Chinese message."""

    row: int
    column: str
    message: str
    sheet: str = SHEET

    def __str__(self) -> str:
        where = (f"「{self.sheet}」表" if self.sheet else "") + (f"第{self.row}行" if self.row else "")
        column = f"「{self.column}」列" if self.column else ""
        return f"{where}{column}：{self.message}" if where or column else self.message


@dataclass
class AssetFile:
    """Parsed rows (dicts keyed by FIELDS' English names, plus `row`), or the errors."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class AssetFileError(ValueError):
    """The file as a whole cannot be read; the message is in Chinese."""


def read_assets(
    source: bytes | str | os.PathLike[str],
    filename: str = "",
    region_codes: Collection[str] = (),
    project_codes: Collection[str] = (),
    disposed_codes: Collection[str] = (),
    *,
    today: dt.date | None = None,
    max_errors: int = MAX_ERRORS,
) -> AssetFile:
    """Read and check an asset workbook.

    region_codes: the 区划 codes the importer may place assets in (their scope); project_codes: the
    项目编号 they may link to; disposed_codes: assets already 已处置 (with an approval) in the ledger.
    """
    this_year = (today or dt.date.today()).year
    errors: list[CellError] = []
    count = 0

    def add(row: int, column: str, message: str) -> None:
        nonlocal count
        count += 1
        if len(errors) < max_errors:
            errors.append(CellError(row, column, message))

    try:
        table = _sheet_rows(source, filename)
    except AssetFileError as exc:
        return AssetFile(errors=[CellError(0, "", str(exc), sheet="")], error_count=1)
    regions = region_codes if isinstance(region_codes, set | frozenset) else set(region_codes)
    projects = project_codes if isinstance(project_codes, set | frozenset) else set(project_codes)
    disposed = disposed_codes if isinstance(disposed_codes, set | frozenset) else set(disposed_codes)
    seen: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    width = len(COLUMNS)
    for number, raw in table:
        texts = [v.strip() if type(v) is str else _text(v) for v in raw[:width]]
        if len(texts) < width:
            texts += [""] * (width - len(texts))
        cells = dict(zip(COLUMNS, texts, strict=True))
        before = count
        for column in REQUIRED:
            if not cells[column]:
                add(number, column, "不能为空")
        for column, limit in MAX_LENGTH.items():
            if len(cells[column]) > limit:
                add(number, column, f"过长（{len(cells[column])} 字），最多 {limit} 字")
        code = cells["资产编号"]
        if code:
            if code in seen:
                add(number, "资产编号", f"「{code}」与第{seen[code]}行重复")
            else:
                seen[code] = number
        category = cells["资产类别"]
        if category and category not in CATEGORIES:
            add(number, "资产类别", f"「{category}」无效，应为 {'、'.join(CATEGORIES)} 之一")
        region = cells["所在区划代码"]
        if region and region not in regions:
            if len(region) != 12 or not region.isdigit():
                add(number, "所在区划代码", f"「{region}」不是 12 位统计代码")
            else:
                add(number, "所在区划代码", f"「{region}」不是系统中的区划，或不在您的管辖范围内")
        project = cells["来源项目编号"]
        if project and project not in projects:
            add(number, "来源项目编号", f"项目库中没有「{project}」，或该项目不在您的管辖范围内")
        value = _money(raw[5] if len(raw) > 5 else None, cells["原值（万元）"])
        if isinstance(value, str):
            if cells["原值（万元）"]:
                add(number, "原值（万元）", value)
            value = None
        year = _year(cells["形成年份"])
        if cells["形成年份"] and (year is None or not EARLIEST_YEAR <= year <= this_year):
            add(number, "形成年份", f"「{cells['形成年份']}」不是有效年份（{EARLIEST_YEAR}–{this_year}）")
        mode = cells["经营方式"]
        if mode and mode not in OPERATING_MODES:
            add(number, "经营方式", f"「{mode}」无效，应为 {'、'.join(OPERATING_MODES)} 之一")
        elif mode and category in CATEGORIES and category != INCOME_CATEGORY:
            add(number, "经营方式", f"只有经营性资产填写经营方式，{category}资产请留空")
        state = cells["状态"]
        if state and state not in STATES:
            add(number, "状态", f"「{state}」无效，应为 {'、'.join(STATES)} 之一")
        elif state == DISPOSED and code not in disposed:
            add(number, "状态", "资产处置须经审批：请在资产页面登记处置审批，不能直接导入为“已处置”")
        if count > before:
            continue
        rows.append({
            "row": number, "code": code, "name": cells["资产名称"], "project": project, "category": category,
            "region": region, "value": value, "year": year, "owner": cells["产权主体"],
            "owner_type": owner_type(cells["产权主体"]), "custodian": cells["管护主体"],
            "custodian_person": cells["管护责任人"], "operating_mode": mode, "state": state,
        })  # fmt: skip
    if count:
        if count > len(errors):
            errors.append(
                CellError(0, "", f"另有 {count - len(errors)} 处错误未列出，请先改正以上错误", sheet="")
            )
        return AssetFile(errors=errors, error_count=count)
    return AssetFile(rows=rows)


def _money(raw: Any, text: str) -> Decimal | str:
    """A 万元 amount as an exact Decimal, or the Chinese reason it is not one."""
    if not text:
        return "不能为空"
    if isinstance(raw, bool):
        return f"「{text}」不是数字"
    if isinstance(raw, float):
        text = repr(raw)  # the shortest text that reads back as the cell's value
    try:
        value = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return f"「{text}」不是数字"
    if not value.is_finite():
        return f"「{text}」不是数字"
    if value < 0:
        return f"金额 {text} 不能为负数"
    if value.as_tuple().exponent < -4 and value != value.quantize(PLACES):  # type: ignore[operator]
        return f"金额 {text} 超过 4 位小数（单位为万元，精确到 0.0001 万元即 1 元）"
    if value > MAX_VALUE:
        return f"金额 {text} 万元不合理（上限 {MAX_VALUE:,} 万元），请确认单位是万元"
    return value.quantize(PLACES)


def _year(text: str) -> int | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


# ---------------------------------------------------------------- opening the file


def _sheet_rows(source: bytes | str | os.PathLike[str], filename: str) -> Iterable[tuple[int, list[Any]]]:
    workbook = _open(source, filename)
    if SHEET not in workbook.sheet_names:
        present = "、".join(workbook.sheet_names) or "无"
        raise AssetFileError(f"工作簿中缺少「{SHEET}」工作表（现有：{present}）")
    try:
        sheet = workbook.get_sheet_by_name(SHEET)
        data = sheet.to_python(skip_empty_area=False)
    except (
        BaseException
    ) as exc:  # calamine raises several types, a Rust panic even derives from BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise AssetFileError("「资产」工作表无法读取，文件可能已损坏") from exc
    if not data:
        raise AssetFileError("「资产」工作表是空的，第1行应为表头")
    header = [_text(v) for v in data[0]]
    while header and not header[-1]:
        header.pop()
    if tuple(header) != COLUMNS:
        missing = [c for c in COLUMNS if c not in header]
        extra = [h for h in header if h and h not in COLUMNS]
        detail = []
        if missing:
            detail.append(f"缺少列：{'、'.join(missing)}")
        if extra:
            detail.append(f"多出列：{'、'.join(extra)}")
        if not detail:
            detail.append("列的顺序不对")
        raise AssetFileError(f"「资产」表第1行表头应依次为「{'、'.join(COLUMNS)}」；{'；'.join(detail)}")
    if len(data) - 1 > MAX_ROWS:
        raise AssetFileError(f"数据行数过多（{len(data) - 1} 行），单次导入上限为 {MAX_ROWS} 行")
    return [(k + 2, list(row)) for k, row in enumerate(data[1:]) if any(v not in (None, "") for v in row)]


def _open(source: bytes | str | os.PathLike[str], filename: str) -> python_calamine.CalamineWorkbook:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        name = filename
    else:
        path = Path(source)
        if not path.is_file():
            raise AssetFileError(f"找不到文件「{path.name}」")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise AssetFileError(f"文件过大，上限为 {MAX_FILE_BYTES // 1024 // 1024} MB")
        data, name = path.read_bytes(), filename or path.name
    if not data:
        raise AssetFileError("文件是空的")
    if len(data) > MAX_FILE_BYTES:
        raise AssetFileError(f"文件过大，上限为 {MAX_FILE_BYTES // 1024 // 1024} MB")
    suffix = Path(name).suffix.lower()
    if suffix and suffix not in (".xlsx", ".xlsm"):
        raise AssetFileError(f"不支持「{suffix}」文件，请上传 .xlsx 格式的资产台账")
    head = data[:64]
    if not head.startswith(b"PK\x03\x04"):
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise AssetFileError(
                "这是旧版 Excel（.xls）或其他 Office 文件，请在 Excel 中另存为 .xlsx 后再上传"
            )
        if _looks_like_text(head):
            raise AssetFileError("文件内容是纯文本（可能是改了扩展名的 .txt 或 .csv），不是 Excel 工作簿")
        raise AssetFileError("文件不是有效的 Excel 工作簿（.xlsx），可能已损坏或是其他类型的文件")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise AssetFileError("文件不是有效的 Excel 工作簿（压缩结构已损坏）") from exc
    if "xl/workbook.xml" not in names:
        raise AssetFileError("文件是压缩包但不是 Excel 工作簿（可能是 Word 文档或改了扩展名的 .zip）")
    if unpacked > MAX_UNCOMPRESSED_BYTES:
        raise AssetFileError("工作簿解压后过大，请分批导入")
    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError as exc:
        raise AssetFileError("工作簿有密码保护，请去掉密码后再上传") from exc
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise AssetFileError("文件不是有效的 Excel 工作簿，可能已损坏") from exc


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


# ---------------------------------------------------------------- writing


def write_assets(rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The ledger in the import format (rows keyed by FIELDS' English names); reads back unchanged.

    Amounts are written as numbers with the cell format 0.0000, so Excel shows the 4 decimals.
    """
    book = XlsxWriter()
    sheet = book.sheet(SHEET)
    sheet.append(COLUMNS)
    names = list(FIELDS.values())
    for row in rows:
        values = [row.get(n, "") for n in names]
        value = values[5]
        if isinstance(value, Decimal):
            values[5] = amount(value)
        sheet.append(values)
    data = book.close()
    assert data is not None
    return data
