"""Places: village tables (township → village/community → natural villages, population) and named lists
of villages per township (中心村, 示范村, 先行示范村/整体推进村/重点帮扶村 …), in tables or in prose."""

from __future__ import annotations

import re
from typing import Any

from .document import Block, Document

_TOWNSHIP = r"[\u4e00-\u9fff]{1,8}?(?:镇|乡|街道|街道办事处|苏木)"
_TOWNSHIP_LINE = re.compile(rf"^(?P<township>{_TOWNSHIP})[（(]?[^：:]{{0,12}}?[）)]?[：:](?P<villages>.+)$")
_LIST_INTRO = re.compile(
    r"(?P<list>[\u4e00-\u9fff]{0,12}?村)[^，。；]{0,12}?(?:名单|如下|分别为|包括)[^。]{0,6}[：:]?$"
)
_LABELLED_LIST = re.compile(r"^(?P<list>[\u4e00-\u9fff]{2,10}村)[（(]?\d*个?[）)]?[：:](?P<villages>.+)$")
_NOTE_IN_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_INT = re.compile(r"^\d+$")
_MERGE_WORDS = (
    "合并",
    "撤销",
    "撤并",
)  # a merge table (合并村 | 撤销村 | 合并后村) is not a list of village classes


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def split_villages(text: str) -> list[str]:
    text = _NOTE_IN_BRACKETS.sub("", text or "")
    parts = re.split(r"[、，,；;。\s]+", text)
    return [p for p in (part.strip() for part in parts) if p and len(p) <= 12 and not p.isdigit()]


def _village_columns(cells: list[str]) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for index, raw in enumerate(cells):
        text = _flat(raw)
        if text in ("乡镇", "乡（镇）", "乡镇（街道）", "镇", "所属乡镇", "乡镇名称") or text.startswith(
            "乡镇"
        ):
            columns.setdefault("township", index)
        elif "自然村" in text:
            columns.setdefault("natural", index)
        elif (
            "行政村" in text or text in ("村", "村名", "村庄", "村（社区）", "社区")
        ) and "合并" not in text:
            columns.setdefault("village", index)
        elif "人口" in text:
            columns.setdefault("population", index)
    if "village" in columns and "township" in columns:
        return columns
    return None


def _list_columns(cells: list[str]) -> dict[int, str] | None:
    """A table of village classes: 乡镇 | 先行示范村 | 整体推进村 | … with 、-separated villages."""
    flat = [_flat(c) for c in cells]
    if not flat or not flat[0].startswith("乡镇"):
        return None
    lists = {
        i: name
        for i, name in enumerate(flat[1:], start=1)
        if name.endswith("村") and name != "行政村" and not any(w in name for w in _MERGE_WORDS)
    }
    return lists if len(lists) >= 1 and len(lists) == len([f for f in flat[1:] if f]) else None


def _table_places(
    rows: list[Block], columns: dict[str, int], places: list[dict[str, Any]], warnings: list[str]
) -> None:
    township: str | None = None
    current: dict[str, Any] | None = None

    def cell(cells: list[str], key: str) -> str:
        index = columns.get(key)
        return _flat(cells[index]) if index is not None and index < len(cells) else ""

    for block in rows:
        cells = block.cells or []
        if cell(cells, "township"):
            township = cell(cells, "township")
        village = cell(cells, "village")
        natural = [
            n
            for n in re.split(
                r"[、，,\n]",
                cells[columns["natural"]] if "natural" in columns and columns["natural"] < len(cells) else "",
            )
            if _flat(n)
        ]
        population_text = cell(cells, "population").replace(",", "")
        if village:
            population = int(population_text) if _INT.match(population_text) else None
            if population_text and population is None:
                warnings.append(f"第{block.line}行：「{village}」的人口「{population_text}」无法识别")
            current = {
                "township": township or "",
                "village": village,
                "kind": "community" if village.endswith(("社区", "居委会", "居民委员会")) else "village",
                "natural_villages": [_flat(n) for n in natural],
                "population": population,
            }
            places.append(current)
        elif current is not None and natural:
            current["natural_villages"].extend(_flat(n) for n in natural)


def extract_places(document: Document) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    places: list[dict[str, Any]] = []
    lists: list[dict[str, Any]] = []
    warnings: list[str] = []
    for rows in document.tables().values():
        for position, block in enumerate(rows[:3]):
            columns = _village_columns(block.cells or [])
            if columns:
                _table_places(rows[position + 1 :], columns, places, warnings)
                break
            list_columns = _list_columns(block.cells or [])
            if list_columns:
                for row in rows[position + 1 :]:
                    cells = row.cells or []
                    township = _flat(cells[0]) if cells else ""
                    for index, name in list_columns.items():
                        villages = split_villages(cells[index]) if index < len(cells) else []
                        if villages:
                            lists.append({"list": name, "township": township or None, "villages": villages})
                break
    lists.extend(_prose_lists(document))
    return places, lists, warnings


def _prose_lists(document: Document) -> list[dict[str, Any]]:
    lists: list[dict[str, Any]] = []
    current: str | None = None
    for block in document.blocks:
        if block.is_row:
            current = None
            continue
        text = block.text.strip()
        intro = _LIST_INTRO.search(text) if len(text) <= 80 or text.endswith(("：", ":")) else None
        if intro and text.endswith(("：", ":", "名单")):
            current = re.sub(r"^.*(?:为|是|的|拟定|确定)", "", intro.group("list")) or intro.group("list")
            continue
        labelled = _LABELLED_LIST.match(text)
        if labelled and len(split_villages(labelled.group("villages"))) >= 2:
            lists.append(
                {
                    "list": labelled.group("list"),
                    "township": None,
                    "villages": split_villages(labelled.group("villages")),
                }
            )
            continue
        line = _TOWNSHIP_LINE.match(text)
        if current and line:
            villages = split_villages(line.group("villages"))
            if villages:
                lists.append({"list": current, "township": line.group("township"), "villages": villages})
                continue
        current = None
    return lists
