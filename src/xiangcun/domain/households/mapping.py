"""Column mapping: a county's own sheet and header names for the registry, turned into the template's.

Registry exports from other systems name things their own way (证件号码 for 身份证号, 家庭成员 for the
成员 sheet, columns in another order, extra columns nobody needs). A mapping renames them *before* any
check runs, so every rule, the row report and the write path stay exactly those of the template.

The JSON shape (what `xiangcun import-households --mapping FILE.json` reads and what is saved per county):

    {"sheets": {"成员": "家庭成员"},                       # template sheet → the workbook's sheet (xlsx only)
     "columns": {"成员": {"证件号码": "身份证号",           # file header → template column
                         "备注": null}}}                   # null: the column is not imported

A header that is not in the mapping keeps its own name, so only the differing headers need listing.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_NAME_CHARS = 100
MAX_ENTRIES = 500


class MappingError(ValueError):
    """The mapping itself is malformed; the message is in Chinese."""


@dataclass(frozen=True)
class ColumnMapping:
    sheets: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str | None]] = field(default_factory=dict)

    def sheet_name(self, sheet: str) -> str:
        return self.sheets.get(sheet) or sheet

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.sheets:
            out["sheets"] = dict(self.sheets)
        columns = {s: dict(c) for s, c in self.columns.items() if c}
        if columns:
            out["columns"] = columns
        return out


def parse_mapping(data: Any, template: Mapping[str, Sequence[str]]) -> ColumnMapping:
    """A mapping from its JSON (text, bytes or already decoded), checked against the template's sheets and columns."""
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise MappingError("列对应文件不是 UTF-8 编码的 JSON") from exc
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise MappingError(f"列对应文件不是有效的 JSON（第{exc.lineno}行：{exc.msg}）") from exc
    if data is None:
        return ColumnMapping()
    if not isinstance(data, dict) or set(data) - {"sheets", "columns"}:
        raise MappingError('列对应应为 {"sheets": {…}, "columns": {…}} 形式的 JSON 对象')
    sheets_in = data.get("sheets") or {}
    columns_in = data.get("columns") or {}
    if not isinstance(sheets_in, dict) or not isinstance(columns_in, dict):
        raise MappingError("列对应中的 sheets 和 columns 都应是 JSON 对象")
    listed = "、".join(template)
    sheets: dict[str, str] = {}
    for sheet, name in sheets_in.items():
        if sheet not in template:
            raise MappingError(f"列对应中的表「{_short(sheet)}」不是登记表的表（应为 {listed}）")
        if name in (None, ""):
            continue
        sheets[sheet] = _name(name, f"「{sheet}」表对应的工作表名")
    columns: dict[str, dict[str, str | None]] = {}
    for sheet, entries in columns_in.items():
        if sheet not in template:
            raise MappingError(f"列对应中的表「{_short(sheet)}」不是登记表的表（应为 {listed}）")
        if not isinstance(entries, dict):
            raise MappingError(f"列对应中「{sheet}」表的内容应是 {{文件列名: 登记表列名}} 形式的对象")
        if len(entries) > MAX_ENTRIES:
            raise MappingError(f"列对应中「{sheet}」表的列过多（超过 {MAX_ENTRIES} 个）")
        own: dict[str, str | None] = {}
        targets: dict[str, str] = {}
        for header, target in entries.items():
            header = _name(header, f"「{sheet}」表的文件列名")
            if target in (None, ""):
                own[header] = None
                continue
            if target not in template[sheet]:
                raise MappingError(
                    f"列对应中「{sheet}」表的「{header}」对应到「{_short(target)}」，"
                    f"但「{sheet}」表没有这一列（应为 {'、'.join(template[sheet])} 之一，或 null 表示不导入）"
                )
            if target in targets:
                raise MappingError(
                    f"列对应中「{sheet}」表的「{targets[target]}」和「{header}」都对应到「{target}」"
                )
            targets[target] = header
            own[header] = target
        if own:
            columns[sheet] = own
    return ColumnMapping(sheets, columns)


def _name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise MappingError(f"列对应中{what}应是非空的文字")
    if len(value) > MAX_NAME_CHARS:
        raise MappingError(f"列对应中{what}过长（超过 {MAX_NAME_CHARS} 个字）")
    return value.strip()


def _short(value: Any) -> str:
    return str(value)[:30]


@dataclass
class HeaderMatch:
    """Where each template column is found in a file's header row, or what is wrong with the header."""

    positions: list[int]  # per template column; meaningful only when `ok`
    missing: list[str]  # template columns no file column maps to
    unknown: list[str]  # file headers that are neither template columns nor in the mapping
    repeated: list[tuple[str, list[str]]]  # template column → the file headers that all map to it
    ignored: list[str]  # file headers the mapping says not to import

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unknown or self.repeated)

    @property
    def identity(self) -> bool:
        return self.ok and self.positions == list(range(len(self.positions)))

    def problems(self) -> list[str]:
        out = []
        if self.missing:
            out.append(f"缺少列：{'、'.join(self.missing)}")
        for target, headers in self.repeated:
            out.append(f"{'、'.join(f'「{h}」' for h in headers)}列都对应到「{target}」")
        if self.unknown:
            out.append(f"无法识别的列：{'、'.join(self.unknown)}（请指定对应的登记表列，或设为不导入）")
        return out


def match_header(
    header: Sequence[str], columns: Sequence[str], renames: Mapping[str, str | None]
) -> HeaderMatch:
    """Match a file's header row to the template columns through the sheet's renames (blank headers are ignored)."""
    sources: dict[str, list[int]] = {}
    unknown, ignored = [], []
    for position, raw in enumerate(header):
        name = raw.strip()
        if not name:
            continue
        target = renames.get(name, name if name in columns else "")
        if target is None:
            ignored.append(name)
        elif not target:
            unknown.append(name)
        else:
            sources.setdefault(target, []).append(position)
    missing = [c for c in columns if c not in sources]
    repeated = [(c, [header[p].strip() for p in sources[c]]) for c in columns if len(sources.get(c, ())) > 1]
    positions = [sources[c][0] if c in sources else -1 for c in columns]
    return HeaderMatch(positions, missing, unknown, repeated, ignored)


def project(rows: Iterable[Sequence[Any]], positions: list[int]) -> Iterator[Sequence[Any]]:
    """Rows rearranged into the template's column order (one C-level itemgetter call per row)."""
    get = operator.itemgetter(*positions)
    width = max(positions) + 1
    for row in rows:
        if len(row) < width:
            row = (*row, *([""] * (width - len(row))))
        yield get(row)


def suggest(
    header: Sequence[str], columns: Sequence[str], saved: Mapping[str, str | None]
) -> list[str | None]:
    """For each file header, the template column to preselect: the saved choice, else the same name, else none."""
    out: list[str | None] = []
    for raw in header:
        name = raw.strip()
        if name in saved:
            out.append(saved[name])
        else:
            out.append(name if name in columns else None)
    return out
