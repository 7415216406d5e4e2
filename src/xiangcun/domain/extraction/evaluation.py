"""Score what the reader found against a careful human reading of the same document.

A reading (an annotation file, JSON) lists what a person following `../shared/extraction-spec.md` found,
per item kind:

- `targets`: `{"line", "value", "unit", "year", "subject"}` (optionally `op`, `scope`, `per_year`, `approx`);
  a found target matches when it is on the same source line (±1: a wrapped sentence), with the same value
  and unit; its year, operator and scope are then checked field by field;
- `indicators`: `{"name", "target"}` (the last target value); matches when the names contain one another;
- `tasks`: `{"title", "lead"}`; matches when the found title contains the annotated one;
- `projects`: `{"name", "amount"}` (万元); matches on the name and, when given, the amount.

Each kind gets precision, recall and F1; a kind the reading does not list is not scored.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

_UNIT_SYNONYMS = {"名": "人", "％": "%", "百分点": "个百分点", "km": "公里"}


@dataclass
class Score:
    kind: str
    expected: int
    found: int
    matched: int
    fields: dict[str, tuple[int, int]] = field(default_factory=dict)  # field → (right, checked)
    missed: list[dict[str, Any]] = field(default_factory=list)
    extra: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else (1.0 if not self.expected else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> Score:
        fields = dict(self.fields)
        for name, (right, checked) in other.fields.items():
            before = fields.get(name, (0, 0))
            fields[name] = (before[0] + right, before[1] + checked)
        return Score(
            self.kind,
            self.expected + other.expected,
            self.found + other.found,
            self.matched + other.matched,
            fields,
            self.missed + other.missed,
            self.extra + other.extra,
        )


def locate(reading: dict[str, Any], lines: list[str]) -> dict[str, Any]:
    """A reading whose targets name their source line by a piece of its text (`"text"`) gets line numbers."""
    compact = [re.sub(r"\s", "", line) for line in lines]
    targets = []
    for item in reading.get("targets") or []:
        if "line" not in item and "text" in item:
            needle = re.sub(r"\s", "", item["text"])
            number = next((n for n, line in enumerate(compact, start=1) if needle in line), 0)
            item = {**item, "line": number}
        targets.append(item)
    return {**reading, "targets": targets} if "targets" in reading else dict(reading)


def score(result: dict[str, Any], reading: dict[str, Any]) -> dict[str, Score]:
    """Per kind listed in `reading`, how the extraction `result` compares."""
    scores: dict[str, Score] = {}
    matchers = {"targets": _target_match, "indicators": _indicator_match, "tasks": _task_match,
                "projects": _project_match}  # fmt: skip
    for kind, matcher in matchers.items():
        if kind not in reading:
            continue
        scores[kind] = _score(kind, list(result.get(kind) or []), list(reading[kind]), matcher)
    return scores


def _score(kind: str, found: list[dict[str, Any]], expected: list[dict[str, Any]], matcher: Any) -> Score:
    unused = list(range(len(found)))
    result = Score(kind, len(expected), len(found), 0)
    for item in expected:
        hit = next((i for i in unused if matcher(found[i], item)), None)
        if hit is None:
            result.missed.append(item)
            continue
        unused.remove(hit)
        result.matched += 1
        for name in ("year", "op", "scope", "per_year", "approx", "lead"):
            if name in item:
                right, checked = result.fields.get(name, (0, 0))
                result.fields[name] = (right + (_same(found[hit].get(name), item[name])), checked + 1)
    result.extra = [found[i] for i in unused]
    return result


def _same(found: Any, expected: Any) -> bool:
    if isinstance(expected, list):
        return sorted(map(str, found or [])) == sorted(map(str, expected))
    if isinstance(expected, bool):
        return bool(found) == expected
    return found == expected


def _unit(unit: Any) -> str:
    text = str(unit or "")
    return _UNIT_SYNONYMS.get(text, text)


def _close(a: Any, b: Any) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    except (TypeError, ValueError):
        return False


def _target_match(found: dict[str, Any], expected: dict[str, Any]) -> bool:
    return (
        abs(int(found.get("line") or 0) - int(expected["line"])) <= 1
        and _close(found.get("value"), expected["value"])
        and _unit(found.get("unit")) == _unit(expected.get("unit"))
    )


def _compact(text: Any) -> str:
    return re.sub(r"[\s（）()*“”]", "", str(text or ""))


def _indicator_match(found: dict[str, Any], expected: dict[str, Any]) -> bool:
    a, b = _compact(found.get("name")), _compact(expected["name"])
    if not a or not (a in b or b in a):
        return False
    if "target" not in expected:
        return True
    targets = [v for v in found.get("values") or [] if v.get("kind") == "target"]
    return bool(targets) and (
        _close(targets[-1].get("value"), expected["target"]) or targets[-1].get("raw") == expected["target"]
    )


def _task_match(found: dict[str, Any], expected: dict[str, Any]) -> bool:
    text = _compact(found.get("title")) + _compact(found.get("goal"))
    return _compact(expected["title"]) in text


def _project_match(found: dict[str, Any], expected: dict[str, Any]) -> bool:
    if _compact(expected["name"]) not in _compact(found.get("name")):
        return False
    if "amount" not in expected:
        return True
    amount = found.get("amount_wan_yuan", found.get("investment_wan_yuan"))
    return _close(amount, expected["amount"])


def table(scores: dict[str, Score]) -> str:
    """The scores as a fixed-width table, one row per kind."""
    lines = [f"{'kind':<12}{'expected':>9}{'found':>7}{'matched':>8}{'P':>7}{'R':>7}{'F1':>7}  fields"]
    for kind, s in scores.items():
        fields = " ".join(f"{n} {r}/{c}" for n, (r, c) in s.fields.items())
        lines.append(
            f"{kind:<12}{s.expected:>9}{s.found:>7}{s.matched:>8}{s.precision:>7.2f}{s.recall:>7.2f}{s.f1:>7.2f}  {fields}"
        )
    return "\n".join(lines)
