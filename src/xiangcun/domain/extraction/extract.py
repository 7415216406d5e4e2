"""Put the extractors together into the `xiangcun ingest --json` contract."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .document import Block, Document
from .indicators import extract_indicators, fill_years
from .merges import extract_merges
from .outline import heading, outline
from .places import extract_places
from .projects import extract_projects_and_warnings
from .readers import read
from .schools import extract_schools
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
    fill_years(indicators, period)
    if not indicators:
        warnings = [no_indicator_warning(document), *warnings]
    targets, target_warnings = extract_targets(
        document, end_year=period[1] if period else None, start_year=period[0] if period else None
    )
    places, place_lists, place_warnings = extract_places(document)
    projects, project_warnings = extract_projects_and_warnings(document)
    return {
        "source": source,
        "title": title,
        "region": _region(title),
        "period": list(period) if period else None,
        "outline": outline(document),
        "indicators": indicators,
        "targets": targets,
        "projects": projects,
        "tasks": extract_tasks(document),
        "places": places,
        "place_lists": place_lists,
        "merges": extract_merges(document),
        "schools": extract_schools(document),
        "warnings": warnings + target_warnings + place_warnings + project_warnings,
    }


_OWN = re.compile(r"(?:编制|制定|特制定|特编制|印发|修编)《([^》]{4,80})》")
_PERIOD_STATED = re.compile(r"规划期(?:限)?(?:为|是|：|:)?\s*(.{0,20})")
_QUOTED = re.compile(r"《[^》]*》")
_TITLE_WORDS = ("规划", "方案", "议案", "计划", "意见", "纲要")


def _head_text(document: Document, blocks: int = 60) -> str:
    return "\n".join(b.text for b in document.blocks[:blocks] if not b.is_row)


def _title_line(block: Block) -> bool:
    text = block.text
    return (
        not block.is_row and bool(text) and len(text) <= 60 and not heading(text) and not text.endswith("。")
    )


def _title(document: Document) -> str | None:
    """The first short line that names a plan and is not a heading; else the plan the preface says it is.

    A title set over two paragraphs ("…巩固拓展脱贫攻坚" / "成果和乡村振兴规划") is joined: the line just
    before the one naming the plan belongs to it when it is short, names no plan itself, and does not
    end like a sentence or a closed phrase.
    """
    blocks = document.blocks[:15]
    for position, block in enumerate(blocks):
        text = block.text
        if not _title_line(block) or not any(w in text for w in _TITLE_WORDS):
            continue
        before = blocks[position - 1] if position > 0 else None
        if (
            before is not None
            and _title_line(before)
            and not any(w in before.text for w in _TITLE_WORDS)
            and not _CLOSED.search(before.text)
            and not _ISSUER.search(before.text)
            and len(before.text) + len(text) <= 80
        ):
            return before.text + text
        return text
    own = _OWN.search(_head_text(document))
    return own.group(1) if own else None


# A line that ends like this is complete on its own (a sentence, a date, an issuing body's name).
_CLOSED = re.compile(r"[。！？；：:!?;）)」』”》\d]$|年|月|日$")
_ISSUER = re.compile(r"(人民政府|委员会|办公室|领导小组|局|文件)$")


def no_indicator_warning(document: Document) -> str:
    """Why no main indicator was read, in words a reviewer can act on."""
    blocks = document.blocks
    for position, block in enumerate(blocks):
        text = block.text
        if block.is_row or len(text) > 60 or not any(w in text for w in ("主要指标", "指标体系", "指标表")):
            continue
        following = blocks[position + 1 : position + 4]
        if following and not any(b.is_row for b in following):
            return (
                f"未识别到主要指标表：第{block.line}行「{text}」之后是段落而不是表格（指标表可能被排成了段落），"
                "因此没有读出任何主要指标，确认后也不会生成年度目标。请在 Word 中把指标表恢复为表格后重新导入，"
                "或在目标进度看板中手工添加目标。"
            )
        return (
            f"未识别到主要指标表：第{block.line}行「{text}」之后的表格没有可识别的指标名称列和年份（或属性）列，"
            "因此没有读出任何主要指标。请核对表头后重新导入，或在目标进度看板中手工添加目标。"
        )
    return (
        "未识别到主要指标表：文中没有找到含指标名称列和年份（或属性）列的表格，确认后不会生成年度目标。"
        "如规划有主要指标表，请检查它在文件中是否为表格。"
    )


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
