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
import os
from collections.abc import Collection, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ..spreadsheets import XlsxWriter, amount
from ..tables import CellError as CellError  # the Django layer adds its own problems
from ..tables import Checked, Problems, TableError, cell_text, read_sheet
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


AssetFile = Checked  # rows: dicts keyed by FIELDS' English names, plus `row`


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
    problems = Problems(SHEET, max_errors)
    add = problems.add
    try:
        table = read_sheet(source, filename, SHEET, COLUMNS, what="资产台账", max_bytes=MAX_FILE_BYTES,
                           max_unpacked=MAX_UNCOMPRESSED_BYTES, max_rows=MAX_ROWS)  # fmt: skip
    except TableError as exc:
        return Checked.failed(str(exc))
    regions = region_codes if isinstance(region_codes, set | frozenset) else set(region_codes)
    projects = project_codes if isinstance(project_codes, set | frozenset) else set(project_codes)
    disposed = disposed_codes if isinstance(disposed_codes, set | frozenset) else set(disposed_codes)
    seen: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    for number, raw in table:
        cells = dict(zip(COLUMNS, (v.strip() if type(v) is str else cell_text(v) for v in raw), strict=True))
        before = problems.count
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
        value = _money(raw[5], cells["原值（万元）"])
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
        if problems.count > before:
            continue
        rows.append({
            "row": number, "code": code, "name": cells["资产名称"], "project": project, "category": category,
            "region": region, "value": value, "year": year, "owner": cells["产权主体"],
            "owner_type": owner_type(cells["产权主体"]), "custodian": cells["管护主体"],
            "custodian_person": cells["管护责任人"], "operating_mode": mode, "state": state,
        })  # fmt: skip
    return problems.result(rows, overflow=True)


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
