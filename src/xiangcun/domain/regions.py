"""The administrative tree as plain data: levels, codes, and validation of a whole import.

An import is checked as one graph (the file's rows merged with what the database already
holds), so every error can be reported at once, row by row, before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

COLUMNS = ("代码", "名称", "上级代码", "级别", "户籍人口")
OPTIONAL_COLUMNS = ("户数",)

# 级别 as written in a file -> (level key, depth in the tree). 乡镇/街道 and 行政村/社区 share a depth.
LEVELS: dict[str, tuple[str, int]] = {
    "省": ("province", 1),
    "市": ("city", 2),
    "县": ("county", 3),
    "乡镇": ("township", 4),
    "街道": ("subdistrict", 4),
    "行政村": ("village", 5),
    "社区": ("community", 5),
    "自然村": ("natural_village", 6),
}
LEVEL_LABELS: dict[str, str] = {key: label for label, (key, _) in LEVELS.items()}
LEVEL_DEPTH: dict[str, int] = {key: depth for _, (key, depth) in LEVELS.items()}
# Accepted spellings that people write for the same level.
LEVEL_SYNONYMS: dict[str, str] = {
    "省级": "省",
    "自治区": "省",
    "直辖市": "省",
    "地级市": "市",
    "州": "市",
    "盟": "市",
    "区县": "县",
    "县级": "县",
    "区": "县",
    "县级市": "县",
    "旗": "县",
    "乡": "乡镇",
    "镇": "乡镇",
    "苏木": "乡镇",
    "村": "行政村",
    "村委会": "行政村",
    "居委会": "社区",
    "组": "自然村",
    "村民小组": "自然村",
    "自然村·组": "自然村",
}

CODE_RE = re.compile(r"\d{12}")
MAX_POPULATION = 50_000_000


@dataclass(frozen=True)
class RegionRow:
    """One region as it will be stored; `row` is the 1-based line in the file (0 = already stored)."""

    code: str
    name: str
    parent_code: str | None
    level: str
    population: int | None
    households: int | None = None
    row: int = 0


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        col = f"「{self.column}」" if self.column else ""
        return f"{where}{col}：{self.message}"


@dataclass
class ValidationResult:
    rows: list[RegionRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def normalise_level(text: str) -> str | None:
    """Return the level key for a 级别 cell, or None when it is not a level we know."""
    label = re.sub(r"\s+", "", text or "")
    label = LEVEL_SYNONYMS.get(label, label)
    if label in ("乡镇·街道", "乡镇/街道"):
        label = "乡镇"
    if label in ("行政村·社区", "行政村/社区"):
        label = "行政村"
    found = LEVELS.get(label)
    return found[0] if found else None


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().replace("\u3000", "")


def _parse_count(value: object, column: str, row: int, errors: list[RowError]) -> int | None:
    text = _clean(value).replace(",", "")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        errors.append(RowError(row, column, f"「{text}」不是整数"))
        return None
    if not number.is_integer():
        errors.append(RowError(row, column, f"「{text}」不是整数"))
        return None
    if number < 0:
        errors.append(RowError(row, column, f"不能为负数（{text}）"))
        return None
    if number > MAX_POPULATION:
        errors.append(RowError(row, column, f"数值过大（{text}），请检查"))
        return None
    return int(number)


def parse_rows(header: list[object], records: Iterable[list[object]], first_row: int = 2) -> ValidationResult:
    """Turn a table (header + records) into RegionRows, collecting cell-level errors."""
    result = ValidationResult()
    names = [_clean(h) for h in header]
    for index, name in enumerate(names):
        if not name and any(names[index + 1 :]):
            result.errors.append(
                RowError(1, "", f"表头第{index + 1}列为空（可能是合并单元格），请使用单行表头")
            )
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        result.errors.append(
            RowError(1, "", f"缺少列：{'、'.join(missing)}；表头应为 {'、'.join(COLUMNS)}（户数可选）")
        )
    duplicated = sorted({n for n in names if n and names.count(n) > 1})
    if duplicated:
        result.errors.append(RowError(1, "", f"表头中列重复：{'、'.join(duplicated)}"))
    if result.errors:
        return result
    pos = {name: names.index(name) for name in (*COLUMNS, *OPTIONAL_COLUMNS) if name in names}

    def cell(record: list[object], column: str) -> object:
        i = pos.get(column)
        return record[i] if i is not None and i < len(record) else None

    for offset, record in enumerate(records):
        row = first_row + offset
        if not any(_clean(v) for v in record):
            continue
        errors_before = len(result.errors)
        code = _clean(cell(record, "代码"))
        name = _clean(cell(record, "名称"))
        parent = _clean(cell(record, "上级代码")) or None
        level_text = _clean(cell(record, "级别"))
        if not CODE_RE.fullmatch(code):
            result.errors.append(RowError(row, "代码", f"「{code}」不是12位数字统计代码"))
        if not name:
            result.errors.append(RowError(row, "名称", "不能为空"))
        elif len(name) > 100:
            result.errors.append(RowError(row, "名称", "过长（超过100字）"))
        if parent is not None and not CODE_RE.fullmatch(parent):
            result.errors.append(RowError(row, "上级代码", f"「{parent}」不是12位数字统计代码"))
        level = normalise_level(level_text)
        if level is None:
            result.errors.append(
                RowError(
                    row,
                    "级别",
                    f"「{level_text}」不是有效级别，应为 省、市、县、乡镇、街道、行政村、社区 或 自然村",
                )
            )
        population = _parse_count(cell(record, "户籍人口"), "户籍人口", row, result.errors)
        households = _parse_count(cell(record, "户数"), "户数", row, result.errors)
        if len(result.errors) == errors_before and level is not None:
            result.rows.append(RegionRow(code, name, parent, level, population, households, row))
    if not result.rows and not result.errors:
        result.errors.append(RowError(0, "", "文件中没有数据行"))
    return result


def validate_tree(rows: list[RegionRow], existing: Mapping[str, RegionRow]) -> list[RowError]:
    """Check the file's rows against each other and the stored tree: uniqueness, parents, levels, cycles."""
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for r in rows:
        if r.code in seen:
            errors.append(RowError(r.row, "代码", f"「{r.code}」与第{seen[r.code]}行重复"))
        else:
            seen[r.code] = r.row
    merged: dict[str, RegionRow] = dict(existing)
    merged.update({r.code: r for r in rows})

    for r in rows:
        if r.parent_code is None:
            continue
        if r.parent_code == r.code:
            errors.append(RowError(r.row, "上级代码", "上级代码不能是自己"))
            continue
        parent = merged.get(r.parent_code)
        if parent is None:
            errors.append(RowError(r.row, "上级代码", f"上级「{r.parent_code}」不存在（文件和系统中都没有）"))
            continue
        if _in_cycle(r.code, merged):
            errors.append(RowError(r.row, "上级代码", f"「{r.code}」的上级关系形成循环"))
            continue
        expected = LEVEL_DEPTH[r.level] - 1
        actual = LEVEL_DEPTH[parent.level]
        if actual != expected:
            errors.append(
                RowError(
                    r.row,
                    "上级代码",
                    f"{LEVEL_LABELS[r.level]}的上级应比它高一级，但「{parent.name}」是{LEVEL_LABELS[parent.level]}",
                )
            )
    # A stored region whose level the file changes must still fit over its children.
    parents_with_children = {c.parent_code for c in merged.values()}
    for r in rows:
        old = existing.get(r.code)
        if old is None or LEVEL_DEPTH[old.level] == LEVEL_DEPTH[r.level]:
            continue
        if r.code in parents_with_children:
            errors.append(RowError(r.row, "级别", f"已有下级区划，不能把级别改为{LEVEL_LABELS[r.level]}"))
    return errors


def _in_cycle(code: str, merged: Mapping[str, RegionRow]) -> bool:
    seen = {code}
    current = merged[code].parent_code
    while current is not None:
        if current in seen:
            return True
        seen.add(current)
        node = merged.get(current)
        if node is None:
            return False
        current = node.parent_code
    return False


def tree_paths(merged: Mapping[str, RegionRow]) -> dict[str, str]:
    """Materialised path (ancestor codes concatenated, fixed 12-digit width) for every region."""
    paths: dict[str, str] = {}

    def path_of(code: str) -> str:
        stack: list[str] = []
        current: str | None = code
        while current is not None and current not in paths:
            stack.append(current)
            current = merged[current].parent_code
        prefix = paths[current] if current is not None else ""
        for c in reversed(stack):
            prefix += c
            paths[c] = prefix
        return paths[code]

    for code in merged:
        path_of(code)
    return paths


def path_upper_bound(prefix: str) -> str | None:
    """The smallest digit string greater than every string that starts with `prefix`.

    Lets a subtree be fetched as a plain index range (path >= prefix AND path < bound), which works
    the same on SQLite and PostgreSQL whatever the collation, because paths are all digits.
    """
    digits = list(prefix)
    while digits:
        last = digits.pop()
        if last != "9":
            digits.append(str(int(last) + 1))
            return "".join(digits)
    return None
