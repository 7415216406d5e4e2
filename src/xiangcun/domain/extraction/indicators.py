"""Main-indicator tables (主要指标 / 指标体系): every row with its category, unit, attribute and values.

Columns are recognised from the header by what they say, not by position, so tables whose year
columns differ from plan to plan (2017/2020/2022/2025, or only 2025) read the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .document import Block, Document
from .numbers import parse_value
from .tables import transpose

_YEAR = re.compile(r"(19|20)\d{2}")
_UNIT_IN_NAME = re.compile(r"[（(]([^（）()]{1,20})[）)]$")
_STAR = re.compile(r"^[*＊※]+|[*＊※]+$")
_NOTE = re.compile(r"^(注|备注|说明|资料来源)[:：\d．.、]")
_CATEGORY_WORDS = ("类别", "分类", "维度", "领域", "方面")
_NAME_WORDS = ("指标", "名称", "内容", "项目")
_INCREASE_WORDS = ("增加", "提高", "增长", "增量", "变化", "降低", "减少", "累计提高")
_TARGET_WORDS = ("目标", "预期", "规划", "预计")
_BASELINE_WORDS = ("基期", "基准", "现状", "实际", "完成", "基数", "现值")


_BASELINE_NO_YEAR = re.compile(r"(基期|基准|现状|基数|现值)值?(水平)?")
_TARGET_NO_YEAR = re.compile(r"(规划)?(期末)?目标值?|规划期末(目标)?值?|“?十[四五六]五”?末(目标)?值?")


def fill_years(indicators: list[dict[str, Any]], period: tuple[int, int] | None) -> None:
    """Columns headed 基期值/目标值 without a year: the year before the plan's first, and the plan's last."""
    if period is None:
        return
    for item in indicators:
        for value in item["values"]:
            if value["year"] is None:
                value["year"] = period[0] - 1 if value["kind"] == "baseline" else period[1]


@dataclass
class Column:
    index: int
    role: str  # category seq name unit attribute mark year
    year: int | None = None
    kind: str | None = None  # baseline target increase, for year columns


@dataclass
class Layout:
    columns: list[Column] = field(default_factory=list)

    def find(self, role: str) -> Column | None:
        return next((c for c in self.columns if c.role == role), None)

    @property
    def years(self) -> list[Column]:
        return [c for c in self.columns if c.role == "year"]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def read_header(cells: list[str]) -> Layout | None:
    """The layout of a main-indicator table's header row, or None when the row is not such a header."""
    layout = Layout()
    for index, raw in enumerate(cells):
        text = _flat(raw)
        if not text:
            continue
        years = [int(m.group(0)) for m in _YEAR.finditer(text)]
        if any(w in text for w in _CATEGORY_WORDS) and not years:
            layout.columns.append(Column(index, "category"))
        elif text in ("序号", "编号", "序") or text.startswith("序号"):
            layout.columns.append(Column(index, "seq"))
        elif "单位" in text and not years:
            layout.columns.append(Column(index, "unit"))
        elif "属性" in text or text in ("性质", "指标性质", "约束性/预期性", "约束性或预期性", "类型"):
            layout.columns.append(Column(index, "attribute"))
        elif text in ("约束性", "预期性", "约束性指标", "预期性指标"):
            layout.columns.append(Column(index, "mark", kind=text[:3]))  # √ in this column sets the attribute
        elif years:
            kind = None
            if any(w in text for w in _INCREASE_WORDS) or "比" in text and len(years) >= 2:
                kind = "increase"
            elif any(w in text for w in _TARGET_WORDS):
                kind = "target"
            elif any(w in text for w in _BASELINE_WORDS):
                kind = "baseline"
            layout.columns.append(Column(index, "year", years[0], kind))
        elif _BASELINE_NO_YEAR.fullmatch(text):
            layout.columns.append(Column(index, "year", None, "baseline"))  # the year before the plan's first
        elif _TARGET_NO_YEAR.fullmatch(text):
            layout.columns.append(Column(index, "year", None, "target"))  # the plan's last year
        elif any(w in text for w in _NAME_WORDS) and layout.find("name") is None:
            layout.columns.append(Column(index, "name"))
    if layout.find("name") is None or not (layout.years or layout.find("attribute") or layout.find("mark")):
        return None
    _settle_year_kinds(layout)
    return layout


def _settle_year_kinds(layout: Layout) -> None:
    """Unlabelled year columns: the latest is a target; earlier ones before every target are baselines."""
    years = layout.years
    if not years:
        return
    latest = max(c.year or 0 for c in years)
    labelled_targets = [c.year or 0 for c in years if c.kind == "target"]
    first_target = min(labelled_targets) if labelled_targets else latest
    for column in years:
        if column.kind is not None:
            continue
        if (column.year or 0) < first_target:
            column.kind = "baseline"
        else:
            column.kind = "target"


def _caption(document: Document, position: int) -> str | None:
    """The short line naming the table just above it (表1 …主要指标…), if any."""
    for block in reversed(document.blocks[max(0, position - 3) : position]):
        if (
            not block.is_row
            and ("指标" in block.text or block.text.startswith("表"))
            and len(block.text) <= 60
        ):
            return block.text
    return None


def _split_name(raw: str) -> tuple[str, str | None, bool, str | None]:
    """Name without the local-indicator mark, a unit in brackets or an attribute written into it;
    (name, unit, starred, attribute)."""
    name = _flat(raw)
    starred = bool(_STAR.search(name))
    name = _STAR.sub("", name)
    attribute = None
    unit = None
    for _ in range(2):
        match = _UNIT_IN_NAME.search(name)
        if not match:
            break
        inner = match.group(1)
        if inner in ("约束性", "预期性", "约束", "预期"):
            attribute = inner[:2] + "性"
        elif unit is None:
            unit = inner.removeprefix("单位").lstrip(":：")
        else:
            break
        name = name[: match.start()]
    return name, unit, starred, attribute


_ATTRIBUTE_MARK = re.compile(
    r"(?:带|标有|标注|加|注有)?[“\"]?([★☆▲△●○◆◇※#＊*])[”\"]?(?:号|标记)?的?(?:指标)?(?:为|是|表示|系)(约束性|预期性)"
)


def _attribute_marks(document: Document) -> dict[str, str]:
    """A note such as “标★的为约束性指标” makes ★ a mark of that attribute."""
    marks: dict[str, str] = {}
    for block in document.blocks:
        text = block.text if not block.is_row else " ".join(block.cells or [])
        if "约束性" not in text and "预期性" not in text:
            continue
        for match in _ATTRIBUTE_MARK.finditer(_flat(text)):
            marks[match.group(1).replace("＊", "*")] = match.group(2)
    return marks


def _grid_layout(rows: list[Block]) -> tuple[Layout, int, list[Block]] | None:
    """The header and the rows of a main-indicator table, row-per-indicator or transposed."""
    for position, block in enumerate(rows[:4]):
        layout = read_header(block.cells or [])
        if layout is not None:
            return layout, position, rows
    # Transposed: names across the first row, then a row of values per year, a row of 属性 …
    if len(rows) < 2:
        return None
    columns = transpose([list(b.cells or []) for b in rows[:12]])
    layout = read_header(columns[0])
    if layout is None:
        return None
    line = rows[0].line
    flipped = [Block(line, cells=cells, table=rows[0].table) for cells in columns]
    return layout, 0, flipped


def extract_indicators(document: Document) -> tuple[list[dict[str, Any]], list[str]]:
    indicators: list[dict[str, Any]] = []
    warnings: list[str] = []
    marks_local = False
    attribute_marks = _attribute_marks(document)
    positions = {id(block): index for index, block in enumerate(document.blocks)}
    for table_rows in document.tables().values():
        found = _grid_layout(table_rows)
        if found is None:
            continue
        layout, header_at, grid = found
        caption = _caption(document, positions[id(table_rows[0])])
        category: str | None = None
        rows: list[dict[str, Any]] = []
        header_cells = [_flat(c) for c in grid[header_at].cells or []]
        for block in grid[header_at + 1 :]:
            cells = block.cells or []
            non_empty = [c for c in cells if _flat(c)]
            if not non_empty or [_flat(c) for c in cells] == header_cells:
                continue  # an empty row, or the header repeated on a new page
            if len(non_empty) == 1 and _NOTE.match(_flat(non_empty[0])):
                continue
            if len(non_empty) == 1 and len(_flat(non_empty[0])) <= 12 and read_header(cells) is None:
                category = _flat(non_empty[0])  # a category written as its own spanning row
                continue

            def cell(column: Any, cells: list[str] = cells) -> str:
                return cells[column.index] if column is not None and column.index < len(cells) else ""

            category_text = _flat(cell(layout.find("category")))
            if category_text:
                category = category_text
            raw_name = _flat(cell(layout.find("name")))
            mark_attribute = None
            for mark, meaning in attribute_marks.items():
                if mark in raw_name:
                    mark_attribute = meaning
                    raw_name = raw_name.replace(mark, "")
            name, unit_in_name, starred, attribute_in_name = _split_name(raw_name)
            if not name or _NOTE.match(name):
                continue
            marks_local = marks_local or starred
            unit = _flat(cell(layout.find("unit"))) or unit_in_name
            if unit in ("—", "-", "/"):
                unit = None
            attribute = _attribute(layout, cells) or attribute_in_name or mark_attribute
            if attribute is None and attribute_marks:
                meanings = set(attribute_marks.values())
                if len(meanings) == 1:  # the unmarked rows have the other attribute
                    attribute = "预期性" if meanings == {"约束性"} else "约束性"
            seq_text = _flat(cell(layout.find("seq")))
            values = []
            for column in layout.years:
                text = _flat(cell(column))
                parsed = parse_value(text)
                if parsed is None:
                    if column.kind == "increase" and text in ("—", "－", "-", "–", "——", "/"):
                        # In a 比…增加 column a dash states "no increase": kept so the cell is not lost.
                        values.append(
                            {
                                "year": column.year,
                                "kind": "increase",
                                "raw": text,
                                "value": None,
                                "op": "text",
                            }
                        )
                    continue
                kind = "increase" if parsed.increase else column.kind or "target"
                if parsed.unit and not unit:
                    unit = parsed.unit
                values.append(
                    {
                        "year": column.year,
                        "kind": kind,
                        "raw": _flat(parsed.raw),
                        "value": parsed.value,
                        "op": parsed.op,
                    }
                )
            if not values and not attribute:
                warnings.append(f"第{block.line}行：指标「{name}」没有读到任何数值")
            rows.append(
                {
                    "table": caption,
                    "category": category,
                    "seq": int(seq_text) if seq_text.isdigit() else None,
                    "name": name,
                    "unit": unit or None,
                    "national": starred,  # settled below once we know whether the document marks local ones
                    "attribute": attribute,
                    "values": values,
                }
            )
        indicators.extend(rows)
    if "*" in attribute_marks:
        marks_local = False  # the star marks an attribute here, not a local indicator
    for item in indicators:
        item["national"] = (not item["national"]) if marks_local else None
    return indicators, warnings


def _attribute(layout: Layout, cells: list[str]) -> str | None:
    column = layout.find("attribute")
    text = _flat(cells[column.index]) if column is not None and column.index < len(cells) else ""
    if "约束" in text:
        return "约束性"
    if "预期" in text:
        return "预期性"
    for mark in (c for c in layout.columns if c.role == "mark"):
        if mark.index < len(cells) and _flat(cells[mark.index]) not in ("", "—", "-", "×", "否"):
            return mark.kind
    return None
