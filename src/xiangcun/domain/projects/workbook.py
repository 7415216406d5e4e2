"""The project workbook (.xlsx): sheet 项目 with a fixed header row; export adds a 公告 sheet.

`read_projects` is all-or-nothing like the household registry: it returns either every row parsed
and checked, or the list of problems, each with row, column and a Chinese message. Amounts are
Decimal 万元 (exact to 0.0001); the sums 总投资 = 衔接资金 + 其他资金 and 衔接资金 = 中央 + 省级 + 市县 are
checked exactly. A bad file (empty, not a workbook, a renamed .txt or .xls, a zip bomb, no 项目 sheet,
a wrong header, too many rows) gives one clear message.

20 000 rows take well under a second: python-calamine reads the sheet and the checks are simple
per-row Python over a few dozen cells.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..spreadsheets import XlsxWriter, amount, bold
from ..tables import CellError as CellError  # the imports' problems (the Django layer adds its own)
from ..tables import Checked, Problems, TableError, cell_text, read_sheet
from . import STATUS_BY_LABEL, STATUSES, TYPE_BY_LABEL, TYPES, format_amount, parse_amount

SHEET = "项目"
NOTICE_SHEET = "公告"
COLUMNS = ("项目编号", "项目名称", "项目类型", "以工代赈", "建设地点代码", "建设内容及规模", "实施单位", "计划年度",
           "总投资（万元）", "衔接资金（万元）", "其中中央（万元）", "其中省级（万元）", "其中市县（万元）",
           "其他资金（万元）", "劳务报酬（万元）", "受益脱贫户数", "受益监测户数", "状态")  # fmt: skip
AMOUNTS = {"总投资（万元）": "total_investment", "衔接资金（万元）": "link_fund", "其中中央（万元）": "central_fund",
           "其中省级（万元）": "provincial_fund", "其中市县（万元）": "local_fund", "其他资金（万元）": "other_fund",
           "劳务报酬（万元）": "labour_pay"}  # fmt: skip
COUNTS = {"受益脱贫户数": "poor_households", "受益监测户数": "monitored_households"}

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_ROWS = 200_000
MAX_ERRORS = 1000
MAX_CHARS = {"项目编号": 40, "项目名称": 200, "建设内容及规模": 2000, "实施单位": 100}
EARLIEST_YEAR = 2000
MAX_COUNT = 1_000_000


ProjectSheet = Checked  # rows: dicts with English keys, amounts as Decimal


def read_projects(
    source: bytes | str | os.PathLike[str],
    filename: str = "",
    region_codes: Collection[str] = (),
    department_of: Callable[[str], Any] | None = None,
    *,
    other_region_codes: Collection[str] = (),
    today: dt.date | None = None,
    max_errors: int = MAX_ERRORS,
    max_rows: int = MAX_ROWS,
    max_file_bytes: int = MAX_FILE_BYTES,
) -> ProjectSheet:
    """Read and check a project workbook (bytes of an upload, or a path).

    region_codes: the township/village codes the importer may use; other_region_codes: codes that exist
    but lie outside the importer's scope (for a clearer message). department_of: maps a 实施单位 as
    written to a department (through the aliases), or None when unknown; each distinct name is
    resolved once.
    """
    today = today or dt.date.today()
    problems = Problems(SHEET, max_errors)
    add = problems.add
    try:
        sheet = read_sheet(source, filename, SHEET, COLUMNS, what="项目表", max_bytes=max_file_bytes,
                           max_unpacked=MAX_UNCOMPRESSED_BYTES, max_rows=max_rows)  # fmt: skip
    except TableError as exc:
        return Checked.failed(str(exc))
    allowed = set(region_codes)
    others = set(other_region_codes)
    departments: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    first_row: dict[str, int] = {}
    for number, cells in sheet:
        texts = {c: cell_text(v) for c, v in zip(COLUMNS, cells, strict=False)}
        row: dict[str, Any] = {"_row": number}
        for column, limit in MAX_CHARS.items():
            if len(texts.get(column, "")) > limit:
                add(number, column, f"内容过长（超过 {limit} 个字）")
        code = texts.get("项目编号", "")
        if not code:
            add(number, "项目编号", "不能为空")
        elif code in first_row:
            add(number, "项目编号", f"「{code}」与第{first_row[code]}行重复")
        else:
            first_row[code] = number
        row["code"] = code[: MAX_CHARS["项目编号"]]
        row["name"] = texts.get("项目名称", "")[: MAX_CHARS["项目名称"]]
        if not row["name"]:
            add(number, "项目名称", "不能为空")
        kind = texts.get("项目类型", "")
        row["project_type"] = TYPE_BY_LABEL.get(kind)
        if row["project_type"] is None:
            add(number, "项目类型", f"「{kind or '空'}」无效，应为 {'、'.join(TYPES.values())} 之一")
        relief = texts.get("以工代赈", "")
        if relief not in ("是", "否"):
            add(number, "以工代赈", f"「{relief or '空'}」无效，应为 是 或 否")
        row["work_relief"] = relief == "是"
        region = texts.get("建设地点代码", "")
        row["region_code"] = region
        if not region:
            add(number, "建设地点代码", "不能为空")
        elif region not in allowed:
            if region in others:
                add(number, "建设地点代码", f"「{region}」不在您的管辖范围内")
            else:
                add(number, "建设地点代码", f"「{region}」不是本县的乡镇或村（社区）统计代码（12位）")
        row["content"] = texts.get("建设内容及规模", "")[: MAX_CHARS["建设内容及规模"]]
        unit = texts.get("实施单位", "")
        row["department_name"] = unit
        if not unit:
            add(number, "实施单位", "不能为空")
        else:
            if unit not in departments:
                departments[unit] = department_of(unit) if department_of else unit
            row["department"] = departments[unit]
            if row["department"] is None:
                add(number, "实施单位", f"「{unit}」不是本县的部门（可在“管理·部门”中添加别名）")
        year_text = texts.get("计划年度", "")
        year = int(year_text) if year_text.isdigit() else None
        if year is None or not EARLIEST_YEAR <= year <= today.year + 5:
            add(
                number, "计划年度", f"「{year_text or '空'}」不是有效年度（{EARLIEST_YEAR}–{today.year + 5}）"
            )
        row["year"] = year
        for position, (column, key) in enumerate(AMOUNTS.items(), start=COLUMNS.index("总投资（万元）")):
            amount, message = parse_amount(cells[position] if position < len(cells) else None)
            if message:
                add(number, column, message)
            row[key] = amount
        for column, key in COUNTS.items():
            text = texts.get(column, "")
            value = int(text) if text.isdigit() else (0 if text == "" else None)
            if value is None or value > MAX_COUNT:
                add(number, column, f"「{text}」不是户数（应为 0 或正整数）")
            row[key] = value or 0
        status = texts.get("状态", "")
        row["status"] = STATUS_BY_LABEL.get(status)
        if row["status"] is None:
            add(number, "状态", f"「{status or '空'}」无效，应为 {'、'.join(STATUSES.values())} 之一")
        _check_sums(row, number, add)
        rows.append(row)
    return problems.result(rows)


def _check_sums(row: dict[str, Any], number: int, add: Callable[[int, str, str], None]) -> None:
    amounts = [row[key] for key in AMOUNTS.values()]
    if any(a is None for a in amounts):
        return  # the cell errors say it already
    total, link, central, provincial, local, other, _ = amounts
    if total != link + other:
        add(
            number,
            "总投资（万元）",
            f"总投资 {format_amount(total)} ≠ 衔接资金 {format_amount(link)} + 其他资金 {format_amount(other)}"
            f"（= {format_amount(link + other)}）",
        )
    if link != central + provincial + local:
        add(
            number,
            "衔接资金（万元）",
            f"衔接资金 {format_amount(link)} ≠ 中央 {format_amount(central)} + 省级 {format_amount(provincial)}"
            f" + 市县 {format_amount(local)}（= {format_amount(central + provincial + local)}）",
        )


# ---------------------------------------------------------------- writing


@dataclass
class NoticeGroup:
    """One type's block in the 公告: its projects (as rows) and the subtotals."""

    label: str
    rows: list[dict[str, Any]]
    subtotal: dict[str, Decimal]


NOTICE_AMOUNTS = ("link_fund", "central_fund", "provincial_fund", "local_fund")


def notice_groups(rows: Iterable[Mapping[str, Any]]) -> tuple[list[NoticeGroup], dict[str, Decimal]]:
    """Rows grouped by type (in the order of TYPES) with Decimal subtotals of the 衔接资金 columns, and
    the total. Each subtotal is the exact sum of its rows; the total is the sum of the subtotals."""
    by_type: dict[str, list[dict[str, Any]]] = {code: [] for code in TYPES}
    for row in rows:
        by_type[row["project_type"]].append(dict(row))
    groups = []
    total = {key: Decimal(0) for key in NOTICE_AMOUNTS}
    for code, items in by_type.items():
        if not items:
            continue
        subtotal = {key: sum((Decimal(r[key]) for r in items), Decimal(0)) for key in NOTICE_AMOUNTS}
        for key in NOTICE_AMOUNTS:
            total[key] += subtotal[key]
        groups.append(NoticeGroup(TYPES[code], items, subtotal))
    return groups, total


def write_projects(
    rows: Iterable[Mapping[str, Any]],
    *,
    title: str = "",
    target: str | os.PathLike[str] | None = None,
) -> bytes | None:
    """The 项目 sheet in the import format (reads back unchanged) and a 公告 sheet: the projects grouped
    by type with subtotals and a total, laid out like a 资金分配计划公告.

    Rows carry the English keys of `read_projects` (department_name for 实施单位, region_code,
    amounts as Decimal). Amount cells are written as numbers with the 0.0000 format.
    """
    rows = list(rows)
    book = XlsxWriter(target)
    sheet = book.sheet(SHEET)
    sheet.append(COLUMNS)
    amounts = list(AMOUNTS.values())
    for row in rows:
        sheet.append(
            [row["code"], row["name"], TYPES[row["project_type"]], "是" if row["work_relief"] else "否",
             row["region_code"], row.get("content", ""), row.get("department_name", ""), row["year"],
             *(amount(Decimal(row[k] or 0)) for k in amounts),
             row.get("poor_households", 0), row.get("monitored_households", 0), STATUSES[row["status"]]]
        )  # fmt: skip
    _write_notice(book, rows, title)
    return book.close()


def _write_notice(book: XlsxWriter, rows: list[Mapping[str, Any]], title: str) -> None:
    sheet = book.sheet(NOTICE_SHEET, widths={"B": 40, "D": 24})
    sheet.append([bold(title or "衔接推进乡村振兴补助资金分配计划公告")])
    sheet.append(["单位：万元"])
    sheet.append([bold(h) for h in ("序号", "项目名称", "项目编号", "实施单位", "建设地点代码",
                                    "衔接资金", "其中中央", "其中省级", "其中市县")])  # fmt: skip
    groups, total = notice_groups(rows)
    for index, group in enumerate(groups, start=1):
        sheet.append(
            [bold(_chinese_ordinal(index)), bold(f"{group.label}（小计）"), "", "", "",
             *(amount(group.subtotal[k], bold=True) for k in NOTICE_AMOUNTS)]
        )  # fmt: skip
        for number, row in enumerate(group.rows, start=1):
            sheet.append(
                [number, row["name"], row["code"], row.get("department_name", ""), row["region_code"],
                 *(amount(Decimal(row[k])) for k in NOTICE_AMOUNTS)]
            )  # fmt: skip
    sheet.append(["", bold("合计"), "", "", "", *(amount(total[k], bold=True) for k in NOTICE_AMOUNTS)])


def _chinese_ordinal(n: int) -> str:
    digits = "零一二三四五六七八九十"
    return digits[n] if n <= 10 else str(n)
