"""Schools the plan counts in a table (学校 / 在校生 / 教师 / 占地面积, by township or by school).

Plans describe their schools as a table whose header names the school (学校名称, 学校, 校名) or the township
(乡镇) and counts (学生, 在校生, 在校人数; 教师, 专任教师, 教职工, 教职人数; 占地面积, 建筑面积, 校舍面积; 学校数).
A row per school gives a school; a row per township (no school column) gives the township's figures. The
township is written once for a group of rows and carried down. Totals (合计, 小计) and rows without a single
figure are left out. Each row keeps its line so a reviewer can read it in the source; the schools ledger
takes confirmed rows as its starting rows after review.
"""

from __future__ import annotations

import re
from typing import Any

from .document import Block, Document
from .numbers import normalise_minus
from .tables import grouped_rows, is_total, tables_with_captions

# Levels as the schools ledger keeps them (xiangcun.domain.ledgers.schools.LEVELS), and how plans write them.
_LEVEL_WORDS = (
    ("教学点", "教学点"),
    ("完全中学", "完全中学"),
    ("完中", "完全中学"),
    ("九年一贯", "小初一体"),
    ("九年制", "小初一体"),
    ("小初一体", "小初一体"),
    ("一贯制", "小初一体"),
    ("高级中学", "高中"),
    ("高中", "高中"),
    ("初级中学", "初中"),
    ("初中", "初中"),
    ("小学", "小学"),
    ("中心校", "小学"),
)
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_BRACKETS = re.compile(r"[（(][^）)]*[）)]?")
_SPACE = re.compile(r"\s+")


def _flat(text: str | None) -> str:
    return _SPACE.sub("", text or "")


def level_of(text: str | None) -> str | None:
    """The ledger's level for a written level or a school's name (交城县西营学校 tells nothing: None)."""
    flat = _flat(text)
    for word, level in _LEVEL_WORDS:
        if word in flat:
            return level
    return None


def _column(text: str) -> str | None:
    """What a header cell counts: township, name, level, students, teachers, area, schools (or None)."""
    flat = _flat(text)
    if not flat or len(flat) > 20:
        return None
    if flat.startswith(("乡镇", "乡（镇", "所在乡镇", "所属乡镇", "镇（乡", "乡(镇")) or flat in (
        "镇",
        "乡",
        "街道",
    ):
        return "township"
    if re.search(r"学校(数|个数|数量)|^(学校|校)[（(]所[）)]$|所数", flat):
        return "schools"
    if flat in ("学校", "校名", "学校名称", "名称", "单位名称", "学校（单位）") or flat.endswith("学校名称"):
        return "name"
    if re.search(r"规模|学段|办学层次|层次|类型|类别", flat):
        return "level"
    if re.search(r"学生|在校生|在校人数|在校学生|在读", flat):
        return "students"
    if re.search(r"教师|教职|专任|教工", flat):
        return "teachers"
    if "面积" in flat or flat.startswith("占地"):
        return "area"
    return None


def _header(cells: list[str]) -> dict[str, list[int]] | None:
    """Column positions when the row is a schools header: a school or township column and a student or
    teacher column (area alone does not make a school table)."""
    columns: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        kind = _column(cell)
        if kind is not None:
            columns.setdefault(kind, []).append(index)
    if not ({"students", "teachers"} & set(columns)):
        return None
    if "name" not in columns and "township" not in columns:
        return None
    return columns


def _area_unit(text: str) -> str | None:
    flat = _flat(text)
    if "万平方米" in flat or "万㎡" in flat or "万m" in flat:
        return "万平方米"
    if "亩" in flat:
        return "亩"
    if "平方米" in flat or "㎡" in flat or "m²" in flat or "m2" in flat.lower():
        return "平方米"
    return None


def _number(text: str) -> float | None:
    flat = normalise_minus(_flat(text)).replace(",", "").replace("，", "")
    flat = re.sub(r"(人|名|所|个|亩|平方米|㎡)$", "", flat)
    return float(flat) if _NUMBER.match(flat) else None


def _total(cells: list[str], positions: list[int]) -> float | None:
    """One figure from one or several columns (小学在校生 + 初中在校生 when there is no 合计 column)."""
    values = [v for v in (_number(cells[i]) for i in positions if i < len(cells)) if v is not None]
    return sum(values) if values else None


def _township(text: str) -> str:
    flat = _flat(text)
    stripped = _BRACKETS.sub("", flat)
    if stripped:
        return stripped
    return re.sub(r"[（()）]", "", flat)  # “（会立）”: the whole cell in brackets


def _table_schools(rows: list[Block], caption: str) -> list[dict[str, Any]]:
    position = next((i for i, block in enumerate(rows[:3]) if _header(block.cells or [])), None)
    if position is None:
        return []
    header_cells = rows[position].cells or []
    columns = _header(header_cells) or {}
    if "name" not in columns and "schools" not in columns and "学校" not in caption + "".join(header_cells):
        return []  # a township table counting pupils without naming schools: not ours to guess
    year_match = _YEAR.search(caption) or _YEAR.search("".join(header_cells))
    area_columns = columns.get("area", [])
    area_text = header_cells[area_columns[0]] if area_columns else ""
    area_unit = _area_unit(area_text) or _area_unit(caption)
    area_kind = "建筑" if re.search(r"建筑|校舍", _flat(area_text)) else ("占地" if area_columns else None)
    students_at, teachers_at = (
        _prefer_total(header_cells, columns, "students"),
        _prefer_total(header_cells, columns, "teachers"),
    )
    found: list[dict[str, Any]] = []

    def at(kind: str, cells: list[str]) -> str:
        positions = columns.get(kind, [])
        return cells[positions[0]] if positions and positions[0] < len(cells) else ""

    body = [(block.line, block.cells or []) for block in rows[position + 1 :]]
    for row in grouped_rows(body, lambda cells: _township(at("township", cells))):
        cells, township = row.cells, row.group
        name = _flat(at("name", cells)) if "name" in columns else ""
        first = _flat(cells[0]) if cells else ""
        if row.total or is_total(name) or is_total(first):
            continue
        students = _total(cells, students_at)
        teachers = _total(cells, teachers_at)
        area = _total(cells, area_columns[:1])
        schools = _total(cells, columns.get("schools", [])[:1])
        if students is None and teachers is None and area is None and schools is None:
            continue  # a township with no school, a group label, a unit row
        if "name" in columns and not name:
            continue
        level_text = _flat(at("level", cells)) if "level" in columns else ""
        found.append(
            {
                "township": township or None,
                "name": name or None,
                "level": level_of(level_text) or level_of(name),
                "level_written": level_text or None,
                "students": int(students) if students is not None else None,
                "teachers": int(teachers) if teachers is not None else None,
                "area": area,
                "area_unit": area_unit if area is not None else None,
                "area_kind": area_kind if area is not None else None,
                "schools": int(schools) if schools is not None else None,
                "year": int(year_match.group(1)) if year_match else None,
                "line": row.line,
                "caption": caption[:100] or None,
            }
        )
    return found


def _prefer_total(header: list[str], columns: dict[str, list[int]], kind: str) -> list[int]:
    """A 合计/总 column of a kind stands for the others (小学/初中/合计 在校生)."""
    positions = columns.get(kind, [])
    totals = [i for i in positions if re.search(r"合计|总", _flat(header[i]))]
    return totals[:1] or positions


def extract_schools(document: Document) -> list[dict[str, Any]]:
    """Every school (or township's schools) the document's tables count, in document order."""
    return [
        school for rows, caption in tables_with_captions(document) for school in _table_schools(rows, caption)
    ]
