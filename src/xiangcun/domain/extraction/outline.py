"""Headings: 第X篇 / 第X章 / 第X节 / 一、 / （一） / 1. / （1）, with fixed levels by their kind."""

from __future__ import annotations

import re

from .document import Document

_CN = "一二三四五六七八九十百零〇"
PATTERNS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^(第[{_CN}\d]+篇)\s*(.*)$")),
    (2, re.compile(rf"^(第[{_CN}\d]+章)\s*(.*)$")),
    (3, re.compile(rf"^(第[{_CN}\d]+节)\s*(.*)$")),
    (4, re.compile(rf"^([{_CN}]+、)\s*(.*)$")),
    (5, re.compile(rf"^([（(][{_CN}]+[）)])\s*(.*)$")),
    (6, re.compile(r"^(\d{1,2}[.、．](?!\d))\s*(.*)$")),
    (7, re.compile(r"^([（(]\d{1,2}[）)])\s*(.*)$")),
]
MAX_TITLE = 40


def heading(text: str) -> tuple[int, str, str] | None:
    """(level, label, title) when `text` is a heading; a long paragraph that starts like one counts only
    when the part before its first 。 is short (a run-in heading such as "（一）完善机制。……")."""
    for level, pattern in PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        label, rest = match.group(1), match.group(2).strip()
        if not rest:
            return None
        if len(rest) <= MAX_TITLE and not rest.endswith(("。", "；", "，")):
            return level, label, rest
        head = re.split(r"[。：:]", rest, maxsplit=1)[0]
        if level >= 4 and 2 <= len(head) <= 30 and len(head) < len(rest):
            return level, label, head
        return None
    return None


def outline(document: Document) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    for block in document.blocks:
        if block.is_row:
            continue
        found = heading(block.text)
        if found:
            level, label, title = found
            items.append({"level": level, "label": label, "title": title, "line": block.line})
    return items
