"""Typed ledger columns, the definition a county writes for its own ledger, and reading rows from a table.

A column is text, integer, decimal, date or choice. `read_rows` checks every cell of an uploaded table
against the columns and returns either all rows (values typed) or every problem with its row, column and a
Chinese message — the Django layer writes nothing unless the whole file is clean.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..tables import MAX_ERRORS as MAX_ERRORS
from ..tables import CellError, Checked, cell_text, with_overflow

TYPES = {"text": "文本", "integer": "整数", "decimal": "小数", "date": "日期", "choice": "选项"}
TYPE_BY_LABEL = {label: key for key, label in TYPES.items()}
UNITS = {"household": "农户", "village": "行政村", "facility": "设施"}
# The columns that say which unit a row is about, by unit; a county's own columns may not reuse them.
UNIT_COLUMNS = {
    "household": ("户编号", "户主姓名", "所在村"),
    "village": ("所在村",),
    "facility": ("设施名称", "所在区划"),
}
YEAR_COLUMN = "年度"
RESERVED = {c for cols in UNIT_COLUMNS.values() for c in cols} | {YEAR_COLUMN}
MAX_COLUMNS = 40
MAX_TEXT = 500
EARLIEST_DATE = dt.date(1980, 1, 1)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass(frozen=True)
class Column:
    """One column: its header as users see it, a type, whether it must be filled, choices, a unit."""

    label: str
    type: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    unit: str = ""
    name: str = ""  # the field a built-in ledger stores it in; custom ledgers key values by label
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    places: int = 2
    max_length: int = MAX_TEXT

    @property
    def key(self) -> str:
        return self.name or self.label

    @property
    def header(self) -> str:
        return f"{self.label}（{self.unit}）" if self.unit else self.label

    def describe(self) -> str:
        """The column as the definition form writes it (read back by `parse_definition`)."""
        parts = [self.label, TYPES[self.type]]
        if self.choices:
            parts.append("选项：" + "/".join(self.choices))
        if self.unit:
            parts.append("单位：" + self.unit)
        if self.required:
            parts.append("必填")
        return "，".join(parts)

    def as_json(self) -> dict[str, Any]:
        return {"label": self.label, "type": self.type, "required": self.required,
                "choices": list(self.choices), "unit": self.unit}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Column:
        return cls(label=data["label"], type=data["type"], required=bool(data.get("required")),
                   choices=tuple(data.get("choices") or ()), unit=data.get("unit") or "")  # fmt: skip


class DefinitionError(ValueError):
    """A ledger definition that cannot be used; `errors` are Chinese messages, one per problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("；".join(errors))


def parse_definition(text: str) -> list[Column]:
    """Columns from one line each: `列名，类型[，选项：甲/乙][，单位：元][，必填]` (commas full or half width).

    Types: 文本、整数、小数、日期、选项. Raises DefinitionError listing every bad line.
    """
    columns: list[Column] = []
    errors: list[str] = []
    seen: set[str] = set()
    lines = [line.strip() for line in (text or "").splitlines()]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        parts = [p.strip() for p in re.split(r"[,，]", line) if p.strip()]
        label = parts[0]
        where = f"第{number}行「{label}」"
        if len(parts) > 1 and re.match(r"^选项[:：]", parts[1]):
            parts.insert(1, "选项")  # 「状态，选项：正常/停用」: the choices say the type
        type_label = parts[1] if len(parts) > 1 else "文本"
        if type_label not in TYPE_BY_LABEL:
            errors.append(f"{where}：类型「{type_label}」无效，应为 {'、'.join(TYPES.values())} 之一")
            continue
        choices: tuple[str, ...] = ()
        unit = ""
        required = False
        bad = False
        for part in parts[2:]:
            if part == "必填":
                required = True
            elif re.match(r"^选项[:：]", part):
                choices = tuple(c.strip() for c in re.split(r"[/、]", part[3:]) if c.strip())
            elif re.match(r"^单位[:：]", part):
                unit = part[3:].strip()
            else:
                errors.append(f"{where}：看不懂「{part}」，可写 选项：甲/乙、单位：元 或 必填")
                bad = True
        if len(label) > 30:
            errors.append(f"{where}：列名过长，最多 30 字")
        elif label in RESERVED:
            errors.append(
                f"{where}：「{label}」是台账的固定列（{'、'.join(sorted(RESERVED))}），请换一个列名"
            )
        elif label in seen:
            errors.append(f"{where}：列名重复")
        kind = TYPE_BY_LABEL[type_label]
        if kind == "choice" and len(choices) < 2:
            errors.append(f"{where}：选项类型至少要列出两个选项，如 选项：是/否")
        elif kind != "choice" and choices:
            errors.append(f"{where}：只有选项类型可以列出选项")
        if bad or label in seen:
            continue
        seen.add(label)
        columns.append(Column(label=label, type=kind, required=required, choices=choices, unit=unit))
    if not columns and not errors:
        errors.append("至少要定义一列")
    if len(columns) > MAX_COLUMNS:
        errors.append(f"列数过多（{len(columns)} 列），最多 {MAX_COLUMNS} 列")
    if errors:
        raise DefinitionError(errors)
    return columns


RowError = CellError  # a problem: the row as Excel numbers it (0: the whole file), the column, a message


class ParsedRows(Checked):
    @property
    def unreadable(self) -> bool:
        """The file as a whole failed (header, no rows): no row can be checked further."""
        return bool(self.errors) and not self.rows and self.errors[0].row == 0


def parse_value(column: Column, raw: Any) -> tuple[Any, str | None]:
    """The typed value of one cell (None when empty), or the Chinese reason it is not valid."""
    kind = type(raw)
    if kind is float and column.type == "integer" and raw.is_integer():  # the common cases, without text
        value = int(raw)
        low, high = column.minimum, column.maximum
        if (low is None or value >= low) and (high is None or value <= high):
            return value, None
    elif kind is dt.date and column.type == "date" and raw >= EARLIEST_DATE:
        return raw, None
    text = raw.strip() if kind is str else cell_text(raw)
    if not text:
        return None, ("不能为空" if column.required else None)
    if column.type == "text":
        if len(text) > column.max_length:
            return None, f"过长（{len(text)} 字），最多 {column.max_length} 字"
        return text, None
    if column.type == "choice":
        if text not in column.choices:
            return None, f"「{text}」无效，应为 {'、'.join(column.choices)} 之一"
        return text, None
    if column.type == "date":
        return _date(raw, text)
    number = _number(raw, text)
    if number is None:
        return None, f"「{text}」不是数字"
    if column.type == "integer":
        if number != number.to_integral_value():
            return None, f"「{text}」不是整数"
        number = number.quantize(Decimal(1))
    elif number.as_tuple().exponent < -column.places and number != round(number, column.places):  # type: ignore[operator]
        return None, f"「{text}」超过 {column.places} 位小数"
    if column.minimum is not None and number < column.minimum:
        return None, f"{text} 小于 {column.minimum}" if column.minimum else f"{text} 不能为负数"
    if column.maximum is not None and number > column.maximum:
        return None, f"{text} 超过上限 {column.maximum:,}，请检查单位"
    if column.type == "integer":
        return int(number), None
    return number.quantize(Decimal(1).scaleb(-column.places)), None


def read_rows(
    header: Sequence[Any],
    records: Iterable[Sequence[Any]],
    columns: Sequence[Column],
    *,
    max_errors: int = MAX_ERRORS,
    today: dt.date | None = None,
) -> ParsedRows:
    """Check a table (header row and records) against `columns`: all rows typed, or all problems.

    Columns may come in any order; a missing required column, an unknown or a repeated header is a
    problem of the whole file. Row numbers are as the spreadsheet shows them (the header is row 1).
    Values are keyed by `Column.key`; each row also has `row`.
    """
    today = today or dt.date.today()
    labels = [cell_text(h) for h in header]
    by_header = {c.header: c for c in columns} | {c.label: c for c in columns}
    position: dict[str, int] = {}
    problems: list[str] = []
    for index, label in enumerate(labels):
        if not label:
            continue
        column = by_header.get(label)
        if column is None:
            problems.append(f"多出列「{label}」")
        elif column.key in position:
            problems.append(f"「{label}」列重复")
        else:
            position[column.key] = index
    missing = [c.header for c in columns if c.required and c.key not in position]
    if missing:
        problems.insert(0, "缺少列：" + "、".join(missing))
    if problems:
        expected = "、".join(c.header for c in columns)
        return ParsedRows(errors=[RowError(0, "", f"表头不对（{'；'.join(problems)}）。第1行应为：{expected}")],
                          error_count=1)  # fmt: skip
    numbers: list[int] = []
    kept: list[Sequence[Any]] = []
    for number, record in enumerate(records, start=2):
        if any(v is not None and v != "" and (type(v) is not str or v.strip()) for v in record):
            numbers.append(number)
            kept.append(record)
    # Column by column: the common cell types take a fast path, the rest goes through parse_value.
    found: list[tuple[int, int, str]] = []  # (record index, column index, message)
    values: list[list[Any]] = []
    for c, column in enumerate(columns):
        index = position.get(column.key)
        raws = (
            [r[index] if index < len(r) else None for r in kept] if index is not None else [None] * len(kept)
        )
        parsed, problems = _parse_column(column, raws, today)
        values.append(parsed)
        found += [(i, c, message) for i, message in problems]
    bad = {i for i, _, _ in found}
    count = len(found)
    found.sort()
    errors = [RowError(numbers[i], columns[c].header, message) for i, c, message in found[:max_errors]]
    keys = ["row", *(c.key for c in columns)]
    rows = [dict(zip(keys, (numbers[i], *cells), strict=True)) for i, cells in enumerate(zip(*values, strict=True))
            if i not in bad] if columns else []  # fmt: skip
    if count:  # the clean rows come back too, so their other problems can be listed in the same report
        return ParsedRows(rows=rows, errors=with_overflow(errors, count), error_count=count)
    if not rows:
        return ParsedRows(errors=[RowError(0, "", "文件中没有数据行（只有表头）")], error_count=1)
    return ParsedRows(rows=rows)


def _parse_column(column: Column, raws: list[Any], today: dt.date) -> tuple[list[Any], list[tuple[int, str]]]:
    """Typed values of one column and its problems as (position, message)."""
    out: list[Any] = [None] * len(raws)
    problems: list[tuple[int, str]] = []
    kind = column.type
    allowed = set(column.choices)
    for i, raw in enumerate(raws):
        t = type(raw)
        if raw is None or raw == "":
            if column.required:
                problems.append((i, "不能为空"))
            continue
        if t is str and kind in ("text", "choice"):
            text = raw.strip()
            if text and len(text) <= column.max_length and (kind == "text" or text in allowed):
                out[i] = text
                continue
        elif t is float and kind == "integer" and raw.is_integer():
            number = int(raw)
            if (column.minimum is None or number >= column.minimum) and (
                column.maximum is None or number <= column.maximum
            ):
                out[i] = number
                continue
        elif t is dt.date and kind == "date" and EARLIEST_DATE <= raw <= today:
            out[i] = raw
            continue
        elif t is dt.datetime and kind == "date" and not (raw.hour or raw.minute or raw.second):
            day = raw.date()
            if EARLIEST_DATE <= day <= today:
                out[i] = day
                continue
        elif t is float and kind == "decimal" and raw >= 0:
            number = Decimal(repr(raw))
            rounded = number.quantize(Decimal(1).scaleb(-column.places))
            if rounded == number and (column.maximum is None or number <= column.maximum):
                out[i] = rounded
                continue
        value, error = parse_value(column, raw)
        if error is None and kind == "date" and value is not None and value > today:
            error = f"{value:%Y-%m-%d} 晚于今天"
        if error is not None:
            problems.append((i, error))
        out[i] = value
    return out, problems


def cell(value: Any) -> Any:
    """A typed value as a spreadsheet cell (decimals as numbers, dates as dates, None empty)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    return value


def json_value(value: Any) -> Any:
    """A typed value as JSON keeps it (decimals and dates as text)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _number(raw: Any, text: str) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, float):
        text = repr(raw)
    try:
        number = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _date(raw: Any, text: str) -> tuple[dt.date | None, str | None]:
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    else:
        match = _DATE.match(text)
        if not match:
            return None, f"「{text}」不是日期，请写成 2024-05-01"
        try:
            value = dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            return None, f"「{text}」不是有效日期"
    if value < EARLIEST_DATE:
        return None, f"{value:%Y-%m-%d} 太早，请检查"
    return value, None


def write_workbook(columns: Sequence[Column], rows: Iterable[Sequence[Any]], sheet: str = "台账") -> bytes:
    """A workbook in the import format: the header, then `rows` (values in column order), and a 说明
    sheet saying what each column takes — so an export is also the template and reads back unchanged."""
    import io

    import openpyxl

    from ..spreadsheets import append_row

    workbook = openpyxl.Workbook(write_only=True)
    data = workbook.create_sheet(sheet)
    append_row(data, [c.header for c in columns])
    for row in rows:
        append_row(data, [cell(v) for v in row])
    notes = workbook.create_sheet("说明")
    append_row(notes, ["列", "类型", "必填", "可填写的值"])
    for c in columns:
        allowed = "、".join(c.choices) if c.choices else ("如 2024-05-01" if c.type == "date" else "")
        append_row(notes, [c.header, TYPES[c.type], "是" if c.required else "", allowed])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
