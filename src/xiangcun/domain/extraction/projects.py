"""Projects: items of 专栏 boxes that carry a quantity (a length in 公里 or an investment in 万元/亿元), and
project or fund-allocation tables (项目名称 | 建设内容 | 实施单位 | 资金（万元）) with category subtotals and
a total.

Amounts are exact decimals in 万元: `Decimal` here, a string in the JSON contract (`amount_wan_yuan`);
`investment_wan_yuan` keeps the float the review form edits. Subtotals and the total of a table are checked
against its items; when they do not add up the reader says so in a warning and keeps the figures as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .document import Block, Document
from .numbers import normalise_minus
from .outline import heading

_BOX = re.compile(r"^专栏\s*[\d一二三四五六七八九十]+")
_QUANTITY = re.compile(
    r"(?P<name>[^，,；;。：:、]{1,39}[\u4e00-\u9fff”）)])\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>公里|千米|km|亿元|万元)"
)
_BOX_OF_PROJECTS = re.compile(r"工程|项目|行动|建设|计划")
_GENERIC_INVESTMENT = re.compile(r"^(总投资|投资|计划投资|估算投资|概算投资|预计投资)(约|为)?$")
_NOT_A_PROJECT = re.compile(r"收入|产值|零售额|销售额|营业额|限额|标准|补助|补贴|救助|报销|资助|费用")


def extract_projects(document: Document) -> list[dict[str, Any]]:
    return extract_projects_and_warnings(document)[0]


def extract_projects_and_warnings(document: Document) -> tuple[list[dict[str, Any]], list[str]]:
    """Box items and table rows in document order, and the warnings of tables whose sums do not add up."""
    found: list[tuple[int, dict[str, Any]]] = [(line, p) for line, p in _box_projects(document)]
    warnings: list[str] = []
    for table in read_project_tables(document):
        warnings.extend(table.warnings)
        found.extend((row.line, row.as_json(table.caption)) for row in table.rows)
    found.sort(key=lambda item: item[0])
    return [project for _, project in found], warnings


def _box_projects(document: Document) -> list[tuple[int, dict[str, Any]]]:
    projects: list[tuple[int, dict[str, Any]]] = []
    box: str | None = None
    for block in document.blocks:
        text = block.text if not block.is_row else " ".join(block.cells or [])
        if not block.is_row and _BOX.match(text):
            box = text if _BOX_OF_PROJECTS.search(text) else None  # policy boxes carry amounts, not projects
            continue
        if box is None:
            continue
        if not block.is_row and heading(text) and heading(text)[0] <= 4 and len(text) <= 40:  # type: ignore[index]
            box = None  # the box ends where the next section starts
            continue
        for clause in re.split(r"[；;。]", text):
            if _NOT_A_PROJECT.search(clause):
                continue
            current: dict[str, Any] | None = None
            for match in _QUANTITY.finditer(clause):
                value = float(match.group("num"))
                unit = match.group("unit")
                name = match.group("name").strip("，, ")
                if unit in ("亿元", "万元"):
                    amount = value * 10000 if unit == "亿元" else value
                    if (
                        current is not None
                        and _GENERIC_INVESTMENT.search(name)
                        and current["investment_wan_yuan"] is None
                    ):
                        current["investment_wan_yuan"] = (
                            amount  # "…35公里，总投资1.2亿元" belongs to the item before
                        )
                        continue
                    current = {"box": box, "name": name, "length_km": None, "investment_wan_yuan": amount}
                else:
                    current = {"box": box, "name": name, "length_km": value, "investment_wan_yuan": None}
                current["quote"] = clause.strip()
                current.update(_EMPTY_TABLE_FIELDS, funds={})
                projects.append((block.line, current))
    for _, project in projects:
        amount = project["investment_wan_yuan"]
        project["amount_wan_yuan"] = None if amount is None else decimal_text(Decimal(str(amount)))
    return projects


_EMPTY_TABLE_FIELDS: dict[str, Any] = {"category": None, "content": None, "implementer": None, "funds": {}}


# -- project and fund tables --------------------------------------------------------------------------

_NAME_HEADER = re.compile(r"^(项目名称|项目|名称|建设项目|项目内容|资金用途|项目及内容)")
_AMOUNT_HEADER = re.compile(r"资金|投资|金额|万元|亿元|预算|补助|概算|估算|额度")
_CONTENT_HEADER = re.compile(r"建设内容|建设规模|主要内容|规模|内容")
_IMPLEMENTER_HEADER = re.compile(r"实施单位|责任单位|项目单位|建设单位|实施主体|主管部门|业主")
_CATEGORY_HEADER = re.compile(r"^(类别|项目类别|项目类型|类型|分类)$")
_TOTAL = re.compile(r"^(合计|总计|共计|总合计)")
_SECTION_SEQ = re.compile(r"^[一二三四五六七八九十]+[、.．]?$|^[（(][一二三四五六七八九十]+[）)]$")
_AMOUNT = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[-+]?\d+(?:\.\d+)?$")


def decimal_text(value: Decimal) -> str:
    """An exact decimal as plain text without exponent or trailing zeros: 1200, 35.5, 0.1234."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def parse_amount(raw: str, scale: Decimal) -> Decimal | None:
    """`1,234.50` → Decimal('1234.50') times the column's scale to 万元; None for an empty or a text cell."""
    text = normalise_minus(re.sub(r"\s+", "", raw or "")).replace("，", ",")
    text = re.sub(r"(万元|亿元|元)$", "", text)
    if not _AMOUNT.match(text):
        return None
    try:
        return Decimal(text.replace(",", "")) * scale
    except InvalidOperation:
        return None


@dataclass
class ProjectRow:
    line: int
    name: str
    category: str | None
    amount: Decimal | None  # 万元, the table's first amount column
    funds: dict[str, Decimal] = field(default_factory=dict)  # every amount column by its header
    content: str | None = None
    implementer: str | None = None
    quote: str = ""

    def as_json(self, caption: str | None) -> dict[str, Any]:
        return {
            "box": caption,
            "name": self.name,
            "length_km": None,
            "investment_wan_yuan": None if self.amount is None else float(self.amount),
            "quote": self.quote,
            "category": self.category,
            "content": self.content,
            "implementer": self.implementer,
            "funds": {k: decimal_text(v) for k, v in self.funds.items()},
            "amount_wan_yuan": None if self.amount is None else decimal_text(self.amount),
        }


@dataclass
class ProjectTable:
    caption: str | None
    rows: list[ProjectRow] = field(default_factory=list)
    subtotals: dict[str, Decimal] = field(default_factory=dict)  # category → stated subtotal
    total: Decimal | None = None
    warnings: list[str] = field(default_factory=list)


def _amount_columns(cells: list[str]) -> dict[str, Any] | None:
    columns: dict[str, Any] = {"amounts": []}
    for index, raw in enumerate(cells):
        text = re.sub(r"\s+", "", raw or "")
        if not text:
            continue
        if "name" not in columns and _NAME_HEADER.match(text) and not _AMOUNT_HEADER.search(text):
            columns["name"] = index
        elif _AMOUNT_HEADER.search(text) and not _CONTENT_HEADER.search(text):
            scale = (
                Decimal(10000)
                if "亿元" in text
                else Decimal("0.0001")
                if re.search(r"[（(]元[）)]|^元$|单位[:：]?元", text)
                else Decimal(1)
            )
            columns["amounts"].append((index, re.sub(r"[（(].*?[）)]", "", text) or text, scale))
        elif "content" not in columns and _CONTENT_HEADER.search(text):
            columns["content"] = index
        elif "implementer" not in columns and _IMPLEMENTER_HEADER.search(text):
            columns["implementer"] = index
        elif "category" not in columns and _CATEGORY_HEADER.match(text):
            columns["category"] = index
        elif "seq" not in columns and text in ("序号", "编号", "序"):
            columns["seq"] = index
    if "name" in columns and columns["amounts"]:
        return columns
    return None


def _table_caption(document: Document, position: int) -> str | None:
    for block in reversed(document.blocks[max(0, position - 3) : position]):
        if not block.is_row and len(block.text) <= 60:
            return block.text
    return None


def read_project_tables(document: Document) -> list[ProjectTable]:
    """Every table with a 项目名称 column and an amount column, read with exact amounts in 万元."""
    positions = {id(block): index for index, block in enumerate(document.blocks)}
    tables: list[ProjectTable] = []
    for rows in document.tables().values():
        header_at = next((k for k, b in enumerate(rows[:3]) if _amount_columns(b.cells or [])), None)
        if header_at is None:
            continue
        columns = _amount_columns(rows[header_at].cells or []) or {}
        table = ProjectTable(_table_caption(document, positions[id(rows[0])]))
        _read_rows(rows[header_at + 1 :], columns, table)
        if table.rows:
            _check_sums(table)
            tables.append(table)
    return tables


def _read_rows(rows: list[Block], columns: dict[str, Any], table: ProjectTable) -> None:
    category: str | None = None

    def cell(cells: list[str], key: str) -> str:
        index = columns.get(key)
        return (
            re.sub(r"\s*\n\s*", "", cells[index]).strip() if index is not None and index < len(cells) else ""
        )

    amount_index, _, scale = columns["amounts"][0]
    for block in rows:
        cells = block.cells or []
        flat = [re.sub(r"\s+", "", c) for c in cells]
        name = cell(cells, "name")
        seq = re.sub(r"\s+", "", cell(cells, "seq"))
        stated_category = cell(cells, "category")
        amount = parse_amount(cells[amount_index] if amount_index < len(cells) else "", scale)
        label = next((f for f in flat if f and not _SECTION_SEQ.match(f) and not f.isdigit()), "")
        key = re.sub(r"\s+", "", name) or label
        if "小计" in key and len(key) <= 20:
            named = key.replace("小计", "").strip("：:（）()")
            category = stated_category or named or category
            if category is not None and amount is not None:
                table.subtotals[category] = amount
            continue
        if _TOTAL.match(key) and len(key) <= 8:
            table.total = amount
            continue
        if stated_category and stated_category != category:
            category = stated_category
        if not name:
            continue
        implementer = cell(cells, "implementer")
        if (_SECTION_SEQ.match(seq) or not seq and "seq" in columns and not implementer) and (
            name.endswith(("类", "类项目", "项目", "工程")) or _SECTION_SEQ.match(seq)
        ):
            category = re.sub(
                r"^[一二三四五六七八九十]+[、.．]", "", name
            )  # a category row with its subtotal
            if amount is not None:
                table.subtotals[category] = amount
            continue
        funds = {}
        for index, label_text, column_scale in columns["amounts"]:
            value = parse_amount(cells[index] if index < len(cells) else "", column_scale)
            if value is not None:
                funds[label_text] = value
        table.rows.append(
            ProjectRow(
                line=block.line,
                name=re.sub(r"^[一二三四五六七八九十\d]+[、.．]", "", name),
                category=category,
                amount=amount,
                funds=funds,
                content=cell(cells, "content") or None,
                implementer=implementer or None,
                quote="\t".join(c.strip() for c in cells if c.strip()),
            )
        )


def _check_sums(table: ProjectTable) -> None:
    where = f"「{table.caption}」" if table.caption else "项目表"
    for category, stated in table.subtotals.items():
        items = [r.amount for r in table.rows if r.category == category and r.amount is not None]
        actual = sum(items, Decimal(0))
        if items and actual != stated:
            table.warnings.append(
                f"{where}中「{category}」小计为 {decimal_text(stated)} 万元，其下各项目合计 {decimal_text(actual)} 万元，"
                f"相差 {decimal_text(stated - actual)} 万元，请核对"
            )
    if table.total is not None:
        items_sum = sum((r.amount for r in table.rows if r.amount is not None), Decimal(0))
        if items_sum != table.total:
            table.warnings.append(
                f"{where}合计为 {decimal_text(table.total)} 万元，各项目合计 {decimal_text(items_sum)} 万元，"
                f"相差 {decimal_text(table.total - items_sum)} 万元，请核对"
            )
        elif table.subtotals:
            subtotal_sum = sum(table.subtotals.values(), Decimal(0))
            if subtotal_sum != table.total:
                table.warnings.append(
                    f"{where}合计为 {decimal_text(table.total)} 万元，各类小计之和为 {decimal_text(subtotal_sum)} 万元，请核对"
                )
