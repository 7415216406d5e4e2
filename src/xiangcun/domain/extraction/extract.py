"""Put the extractors together into the `xiangcun ingest --json` contract."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .document import Document
from .indicators import extract_indicators
from .outline import heading, outline
from .places import extract_places
from .projects import extract_projects
from .readers import read
from .targets import extract_targets
from .tasks import extract_tasks

_PERIOD = re.compile(r"((?:19|20)\d{2})\s*[—\-–~～至到]+\s*((?:19|20)\d{2})\s*年")
_FIVE_YEAR = {"十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}
_REGION = re.compile(r"^([\u4e00-\u9fff]{1,7}?(?:自治县|县|市|区|旗))(?![\u4e00-\u9fff]{0,2}(?:级|域|委))")


def extract(path: str | Path) -> dict[str, Any]:
    return extract_document(path)[0]


def extract_document(path: str | Path) -> tuple[dict[str, Any], list[str]]:
    path = Path(path)
    document = read(path)
    return analyse(document, source=path.name), document.lines


def analyse(document: Document, source: str) -> dict[str, Any]:
    title = _title(document)
    period = _period(document, title)
    indicators, warnings = extract_indicators(document)
    targets, target_warnings = extract_targets(document, end_year=period[1] if period else None)
    places, place_lists, place_warnings = extract_places(document)
    return {
        "source": source,
        "title": title,
        "region": _region(title),
        "period": list(period) if period else None,
        "outline": outline(document),
        "indicators": indicators,
        "targets": targets,
        "projects": extract_projects(document),
        "tasks": extract_tasks(document),
        "places": places,
        "place_lists": place_lists,
        "warnings": warnings + target_warnings + place_warnings,
    }


_OWN = re.compile(r"(?:编制|制定|特制定|特编制|印发|修编)《([^》]{4,80})》")
_PERIOD_STATED = re.compile(r"规划期(?:限)?(?:为|是|：|:)?\s*(.{0,20})")
_QUOTED = re.compile(r"《[^》]*》")
_TITLE_WORDS = ("规划", "方案", "议案", "计划", "意见", "纲要")


def _head_text(document: Document, blocks: int = 60) -> str:
    return "\n".join(b.text for b in document.blocks[:blocks] if not b.is_row)


def _title(document: Document) -> str | None:
    """The first short line that names a plan and is not a heading; else the plan the preface says it is."""
    for block in document.blocks[:15]:
        text = block.text
        if block.is_row or not text or len(text) > 60 or heading(text) or text.endswith("。"):
            continue
        if any(w in text for w in _TITLE_WORDS):
            return text
    own = _OWN.search(_head_text(document))
    return own.group(1) if own else None


def _period(document: Document, title: str | None) -> tuple[int, int] | None:
    """The plan's own period: its title, a 规划期 sentence, then any period not inside a cited 《title》."""
    head = _head_text(document)
    stated = [
        m.group(1)
        for m in _PERIOD_STATED.finditer(
            head + "\n" + "\n".join(b.text for b in document.blocks if "规划期" in b.text)
        )
    ]
    candidates = [title or "", *stated, _QUOTED.sub("", head)]
    for text in candidates:
        match = _PERIOD.search(text)
        if match:
            start, end = int(match.group(1)), int(match.group(2))
            if start < end <= start + 20:
                return start, end
    for text in candidates:
        for name, years in _FIVE_YEAR.items():
            if name in text:
                return years
    return None


def _region(title: str | None) -> str | None:
    match = _REGION.search(title or "")
    return match.group(1) if match else None
