"""The household registry workbook: sheets 户, 成员 and 收支 with fixed headers, read all-or-nothing.

Every cell is checked and every problem is reported with sheet, row and column, so a township clerk
can fix the file in one go; nothing is returned for writing unless the whole workbook is clean.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import openpyxl

from ..tables import TableError, read_sheets
from .idcard import IdCardError, parse

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
MAX_MONEY = 10_000_000
MAX_MEMBERS = 4_000_000


@dataclass
class CellError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"「{self.sheet}」表" + (f"第{self.row}行" if self.row else "")
        return f"{where}{f'「{self.column}」列' if self.column else ''}：{self.message}"


@dataclass
class Registry:
    households: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    finances: list[dict[str, Any]] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_registry(
    data: bytes, filename: str, village_codes: Collection[str], max_errors: int = 1000
) -> Registry:
    registry = Registry()
    errors = registry.errors
    try:
        sheets = read_sheets(data, filename)
    except TableError as exc:
        errors.append(CellError("", 0, "", str(exc)))
        return registry
    for name, columns in SHEETS.items():
        if name not in sheets:
            errors.append(
                CellError(name, 0, "", f"工作簿中缺少「{name}」工作表（需要 户、成员、收支 三张表）")
            )
            continue
        rows = sheets[name]
        header = [_text(h) for h in rows[0]] if rows else []
        if tuple(header[: len(columns)]) != columns or any(header[len(columns) :]):
            missing = [c for c in columns if c not in header]
            detail = f"缺少列：{'、'.join(missing)}" if missing else "列的顺序或名称不对"
            errors.append(
                CellError(
                    name, 1, "", f"表头应为「{'、'.join(columns)}」；{detail}（合并单元格会造成空列名）"
                )
            )
    if errors:
        return registry
    if len(sheets["成员"]) - 1 > MAX_MEMBERS:
        errors.append(CellError("成员", 0, "", f"成员行数过多（上限 {MAX_MEMBERS} 行），请按乡镇分批导入"))
        return registry

    def add(sheet: str, row: int, column: str, message: str) -> None:
        if len(errors) < max_errors:
            errors.append(CellError(sheet, row, column, message))

    villages = set(village_codes)
    codes: dict[str, int] = {}
    for n, raw in enumerate(sheets["户"][1:], start=2):
        cells = dict(zip(HOUSEHOLD_COLUMNS, (_text(v) for v in raw), strict=False))
        if not any(cells.values()):
            continue
        record = _choices("户", n, cells, HOUSEHOLD_COLUMNS, add)
        code = cells.get("户编号", "")
        if not code:
            add("户", n, "户编号", "不能为空")
        elif code in codes:
            add("户", n, "户编号", f"「{code}」与第{codes[code]}行重复")
        else:
            codes[code] = n
        if cells.get("村代码", "") not in villages:
            add("户", n, "村代码", f"「{cells.get('村代码', '')}」不是系统中的行政村或社区代码")
        if not cells.get("户主姓名"):
            add("户", n, "户主姓名", "不能为空")
        phone = cells.get("联系电话", "")
        if phone and not phone.replace("-", "").isdigit():
            add("户", n, "联系电话", f"「{phone}」不是电话号码")
        record.update(code=code, village_code=cells.get("村代码", ""), natural_village=cells.get("自然村", ""),
                      head_name=cells.get("户主姓名", ""), phone=phone)  # fmt: skip
        registry.households.append(record)

    ids: dict[str, tuple[str, int]] = {}
    member_count: dict[str, int] = {}
    today = dt.date.today()
    for n, raw in enumerate(sheets["成员"][1:], start=2):
        cells = dict(zip(MEMBER_COLUMNS, (_text(v) for v in raw), strict=False))
        if not any(cells.values()):
            continue
        record = _choices("成员", n, cells, MEMBER_COLUMNS, add)
        household = cells.get("户编号", "")
        if household not in codes:
            add("成员", n, "户编号", f"「{household}」在「户」表中不存在")
        member_count[household] = member_count.get(household, 0) + 1
        if not cells.get("姓名"):
            add("成员", n, "姓名", "不能为空")
        try:
            card = parse(cells.get("身份证号", ""), today)
        except IdCardError as exc:
            add("成员", n, "身份证号", str(exc))
            card = None
        if card is not None:
            if card.number in ids and ids[card.number][0] != household:
                add(
                    "成员",
                    n,
                    "身份证号",
                    f"与第{ids[card.number][1]}行（户 {ids[card.number][0]}）重复：同一人不能在两户",
                )
            elif card.number in ids:
                add("成员", n, "身份证号", f"与第{ids[card.number][1]}行重复")
            ids[card.number] = (household, n)
            record.update(id_number=card.number, birth_date=card.birth_date, sex=card.sex)
        record.update(household=household, name=cells.get("姓名", ""), relation=cells.get("与户主关系", ""),
                      work_status=cells.get("务工状况", ""))  # fmt: skip
        registry.members.append(record)
    for code, n in codes.items():
        if code not in member_count:
            add("户", n, "户编号", f"户「{code}」在「成员」表中没有任何成员")

    years: dict[tuple[str, int], int] = {}
    for n, raw in enumerate(sheets["收支"][1:], start=2):
        cells = dict(zip(FINANCE_COLUMNS, (_text(v) for v in raw), strict=False))
        if not any(cells.values()):
            continue
        household = cells.get("户编号", "")
        if household not in codes:
            add("收支", n, "户编号", f"「{household}」在「户」表中不存在")
        year_text = cells.get("年度", "")
        year = int(year_text) if year_text.isdigit() else None
        if year is None or not 2000 <= year <= today.year:
            add("收支", n, "年度", f"「{year_text}」不是有效年度")
        elif (household, year) in years:
            add("收支", n, "年度", f"户「{household}」的 {year} 年收支与第{years[(household, year)]}行重复")
        else:
            years[(household, year)] = n
        record: dict[str, Any] = {"household": household, "year": year}
        for column in MONEY:
            text = cells.get(column, "").replace(",", "") or "0"
            try:
                amount = float(text)
            except ValueError:
                add("收支", n, column, f"「{cells.get(column)}」不是金额")
                continue
            negative_allowed = column == "生产经营性收入"  # a failed harvest can lose money
            if (amount < 0 and not negative_allowed) or abs(amount) > MAX_MONEY:
                add("收支", n, column, f"金额 {amount:g} 不合理")
            record[column] = amount
        registry.finances.append(record)
    if errors:
        registry.households, registry.members, registry.finances = [], [], []
    return registry


def _choices(sheet: str, n: int, cells: dict[str, str], columns: tuple[str, ...], add: Any) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for column in columns:
        allowed = CHOICES.get(column)
        if allowed is None:
            continue
        value = cells.get(column, "")
        if value not in allowed:
            add(sheet, n, column, f"「{value}」无效，应为 {'、'.join(a or '空' for a in allowed)} 之一")
        record[column] = value
    return record


def write_registry(
    households: list[dict[str, Any]], members: list[dict[str, Any]], finances: list[dict[str, Any]]
) -> bytes:
    """The same three-sheet format, so an export can be edited and imported again."""
    workbook = openpyxl.Workbook(write_only=True)
    for name, columns, rows in (("户", HOUSEHOLD_COLUMNS, households), ("成员", MEMBER_COLUMNS, members),
                                ("收支", FINANCE_COLUMNS, finances)):  # fmt: skip
        sheet = workbook.create_sheet(name)
        sheet.append(list(columns))
        for row in rows:
            sheet.append([row.get(c, "") for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
