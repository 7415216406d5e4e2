"""Village merges the plan records (村庄撤并, 迁村并点): which villages become which, in which township.

Plans give them as a table (乡镇 | 合并村 | 撤销村 | 合并后村, often two panels side by side, with the township and the
result written once for a group of rows) or in prose ("将甲村、乙村合并为丙村"). Each merge keeps the line it starts on
so that a reviewer can read it in the source before anything is applied to the region tree.
"""

from __future__ import annotations

import re
from typing import Any

from .document import Block, Document
from .tables import grouped_rows, tables_with_captions

_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_TOWNSHIP_END = ("镇", "乡", "街道", "街道办事处", "苏木")
_YEAR = re.compile(r"(20\d\d)年")
_NUMBER = re.compile(r"^[\d.]+$")
_NAME = r"[\u4e00-\u9fff]{1,10}?村"
_PROSE = re.compile(
    rf"(?:将|把)(?P<sources>{_NAME}(?:[、和与及]{_NAME})+)"
    rf"(?:合并|撤并|整合)(?:为|成|组建为?|设立为?)(?:新的)?(?P<into>{_NAME})"
)


def _flat(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def _township(text: str) -> str:
    return _BRACKETS.sub("", _flat(text))


def _panels(header: list[str]) -> list[dict[str, int]]:
    """Column positions of each panel: township, sources (合并村), result (合并后村)."""
    panels: list[dict[str, int]] = []
    current: dict[str, int] = {}
    for index, raw in enumerate(header):
        text = _flat(raw)
        if text.startswith("乡镇") or text in ("镇", "乡（镇）", "所属乡镇"):
            if current:
                panels.append(current)
            current = {"township": index}
        elif "合并后" in text or "并入" in text or text in ("新村名", "新村"):
            current.setdefault("into", index)
        elif ("合并" in text or "撤并" in text) and "村" in text:
            current.setdefault("sources", index)
    if current:
        panels.append(current)
    return [p for p in panels if {"township", "sources", "into"} <= set(p)]


def _joined_rows(rows: list[Block], width: int) -> list[tuple[int, list[str]]]:
    """Rows with a short row and the short row after it joined (a row broken in two by the export)."""
    joined: list[tuple[int, list[str]]] = []
    index = 0
    while index < len(rows):
        cells = list(rows[index].cells or [])
        following = rows[index + 1].cells if index + 1 < len(rows) else None
        if following is not None and len(cells) < width and len(cells) + len(following) == width:
            joined.append((rows[index].line, cells + list(following)))
            index += 2
            continue
        joined.append((rows[index].line, cells))
        index += 1
    return joined


def _table_merges(rows: list[Block], caption: str) -> list[dict[str, Any]]:
    position = next((i for i, block in enumerate(rows[:3]) if _panels(block.cells or [])), None)
    if position is None:
        return []
    panels = _panels(rows[position].cells or [])
    year_match = _YEAR.search(caption)
    year = int(year_match.group(1)) if year_match else None
    body = _joined_rows(rows[position + 1 :], len(rows[position].cells or []))
    merges = [m for panel in panels for m in _panel_merges(body, panel, year)]
    return sorted(merges, key=lambda m: m["line"])


def _panel_merges(
    body: list[tuple[int, list[str]]], panel: dict[str, int], year: int | None
) -> list[dict[str, Any]]:
    """One panel's merges: a row with a 合并后村 opens a group, rows with only a 合并村 add to it."""
    merges: list[dict[str, Any]] = []
    group: dict[str, Any] | None = None
    at = panel["township"]
    rows = grouped_rows(
        body,
        lambda cells: _township(cells[at]) if at < len(cells) else "",
        names_group=lambda place: place.endswith(_TOWNSHIP_END),
    )
    for row in rows:
        if row.opens or row.total:
            if group and group["villages"]:
                merges.append(group)
            group = None
        if row.total:
            continue
        line, cells, township = row.line, row.cells, row.group
        cell = {key: _flat(cells[index]) if index < len(cells) else "" for key, index in panel.items()}
        source, into = cell["sources"], cell["into"]
        if _NUMBER.match(source) or _NUMBER.match(into):
            continue
        if into:
            if group and group["villages"]:
                merges.append(group)
            group = {"township": township or None, "villages": [], "into": into, "line": line, "year": year}
        if source and group is not None and source not in group["villages"]:
            group["villages"].append(source)
    if group and group["villages"]:
        merges.append(group)
    return merges


def _prose_merges(document: Document) -> list[dict[str, Any]]:
    merges: list[dict[str, Any]] = []
    for block in document.blocks:
        if block.is_row:
            continue
        for match in _PROSE.finditer(block.text):
            villages = re.split(r"[、和与及]", match.group("sources"))
            year_match = _YEAR.search(block.text[: match.start()])
            merges.append(
                {
                    "township": None,
                    "villages": [v for v in villages if v],
                    "into": match.group("into"),
                    "line": block.line,
                    "year": int(year_match.group(1)) if year_match else None,
                }
            )
    return merges


def extract_merges(document: Document) -> list[dict[str, Any]]:
    """Every merge in the document: {township, villages (merged), into (the village after), line, year}."""
    merges = [m for rows, caption in tables_with_captions(document) for m in _table_merges(rows, caption)]
    return merges + _prose_merges(document)
