"""What the review page needs from the reader: where a quote sits in the source lines, and a target
read from the words a reviewer selected (the reader missed it, the reviewer adds it).

Both work on the document's text lines as `extract_document` returns them (1-based line numbers).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .document import Block, Document
from .quantities import find_quantities
from .targets import extract_targets

# A quote may start on an earlier line than the number (a paragraph wrapped in a PDF or a Word export).
_SPAN = 3
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_LEADING = re.compile(
    r"^(?:到|至|在|于)?(?:(?:19|20)\d{2}\s*年(?:底|末)?)?[，,、\s]*(?:全县|力争|确保|要)?(?:对|把|将)?"
)
_VERB_TAIL = re.compile(
    r"(?:达到|达|稳定在|保持在|提高到|提升至|提高至|提升到|超过|不低于|突破|控制在|增加|增长|新增)$"
)
_OPS = (
    (re.compile(r"以上|不低于|不少于|至少|不得低于"), ">="),
    (re.compile(r"超过|突破"), ">"),
    (re.compile(r"以内|之内|以下|不超过|不高于"), "<="),
)


def locate_quote(lines: Sequence[str], quote: str, line: int | None = None) -> dict[int, tuple[int, int]]:
    """Where `quote` is in `lines`: {line number: (start, end)} for each line it covers, or {} when absent.

    The reader's `line` is where the number is; the quote may begin a few lines before it (a wrapped
    paragraph), so the lines around it are searched first, then the whole document.
    """
    quote = quote or ""
    if not quote.strip() or not lines:
        return {}
    windows: list[tuple[int, int]] = []
    if line and 1 <= line <= len(lines):
        windows.append((max(1, line - _SPAN), min(len(lines), line + 1)))
    for first, last in windows:
        found = _find_in(lines, quote, first, last)
        if found:
            return found
    for number, text in enumerate(lines, start=1):
        at = text.find(quote)
        if at >= 0:
            return {number: (at, at + len(quote))}
    # A quote that wraps anywhere: look for its first characters, then try that line and the next ones.
    head = quote[: min(len(quote), 12)]
    for number, text in enumerate(lines, start=1):
        if head in text:
            found = _find_in(lines, quote, number, min(len(lines), number + _SPAN))
            if found:
                return found
    return {}


def _find_in(lines: Sequence[str], quote: str, first: int, last: int) -> dict[int, tuple[int, int]]:
    """The quote in lines first..last read as one text (lines joined without separators)."""
    joined = ""
    offsets: list[tuple[int, int]] = []  # (offset in joined, line number)
    for number in range(first, last + 1):
        offsets.append((len(joined), number))
        joined += lines[number - 1]
    at = joined.find(quote)
    if at < 0:
        return {}
    end = at + len(quote)
    spans: dict[int, tuple[int, int]] = {}
    for i, (offset, number) in enumerate(offsets):
        line_end = offsets[i + 1][0] if i + 1 < len(offsets) else len(joined)
        lo, hi = max(at, offset), min(end, line_end)
        if lo < hi:
            spans[number] = (lo - offset, hi - offset)
    return spans


def segments(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, highlighted) around the given spans (overlapping spans merge)."""
    marks = sorted((max(0, a), min(len(text), b)) for a, b in spans if b > a)
    merged: list[list[int]] = []
    for a, b in marks:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out: list[tuple[str, bool]] = []
    at = 0
    for a, b in merged:
        if a > at:
            out.append((text[at:a], False))
        out.append((text[a:b], True))
        at = b
    if at < len(text):
        out.append((text[at:], False))
    return out


def read_selection(
    selection: str, period: tuple[int | None, int | None] = (None, None), line_text: str = ""
) -> dict[str, Any]:
    """A target's fields read from words a reviewer selected, for the form that adds it.

    The reader's own rules are tried first (on the selection alone); when they find nothing — the usual
    case, since the reader missed this target — the first number with its unit becomes the value and
    the words before it the subject. Year: one written in the selection, else in its source line.
    """
    text = re.sub(r"\s+", " ", selection or "").strip()
    result: dict[str, Any] = {
        "quote": text[:500],
        "subject": "",
        "value": None,
        "unit": "",
        "op": "=",
        "year": None,
        "scope": "",
        "per_year": False,
    }
    if not text:
        return result
    document = Document(blocks=[Block(1, text=text)], lines=[text])
    start, end = period
    found, _ = extract_targets(document, end_year=end, start_year=start)
    if found:
        first = found[0]
        result.update(
            subject=first.get("subject") or "",
            value=first.get("value"),
            unit=first.get("unit") or "",
            op=first.get("op") or "=",
            year=first.get("year"),
            scope=first.get("scope") or "",
            per_year=bool(first.get("per_year")),
        )
    else:
        quantities = [q for q in find_quantities(text) if q.unit]
        if quantities:
            q = quantities[0]
            result["value"] = q.value
            result["unit"] = q.unit
            before = text[: q.start]
            after = text[q.end :]
            subject = _VERB_TAIL.sub("", _LEADING.sub("", before)).strip(" ，,、：:")
            if len(subject) < 2:  # "9个产地集配中心": what is counted comes after the number
                subject = re.split(r"[，,；;。]", after, maxsplit=1)[0].strip()
            result["subject"] = subject[:200]
            tail = q.suffix + after[:6]
            for pattern, op in _OPS:
                if pattern.search(tail) or pattern.search(before[-6:]):
                    result["op"] = op
                    break
        result["per_year"] = "每年" in text or "逐年" in text
    # The sentence's words before the selection still govern it (a year and 每年 apply forwards).
    lead = _sentence_before(line_text or "", text)
    if not result["per_year"] and ("每年" in lead or "逐年" in lead):
        result["per_year"] = True
    if result["year"] is None:
        years = _YEAR.findall(text) or _YEAR.findall(lead)
        if years and (start is None or int(years[-1]) >= start):
            result["year"] = int(years[-1])
    return result


def _sentence_before(line_text: str, selection: str) -> str:
    """The part of the selection's sentence that comes before it on its line ("" when not found)."""
    at = line_text.find(selection)
    if at <= 0:
        return ""
    before = line_text[:at]
    return re.split(r"[。！？!?；;]", before)[-1]
