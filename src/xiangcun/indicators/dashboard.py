"""The plan dashboard: every target in scope with its assessment, computed in one batch.

Assessments are made in the current year (`current_year()`): targets of years already over are
judged on their own year's value (已达标 or 未达标), see xiangcun.domain.assessment.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone

from xiangcun.domain.assessment import Assessment, TargetSpec, assess, assess_batch

from .models import Observation, Target

# The colour of each status on the dashboard, the home page and the indicator page (classes in site.css).
STATUS_CLASSES = {
    "已达标": "ok",
    "正常推进": "ok",
    "进度偏慢": "slow",
    "严重滞后": "bad",
    "倒退": "bad",
    "未达标": "bad",
    "数据不足": "none",
}
BEHIND_STATUSES = ("严重滞后", "倒退", "未达标")
# The status filter's value for all three at once (the home page's 严重滞后、倒退或未达标 card)
BEHIND = "落后"


def current_year() -> int:
    """The year assessments are made in: today's, in the site's time zone."""
    return timezone.localdate().year


def assessment_of(target: Target, history: dict[int, float], as_of: int | None = None) -> Assessment:
    """One target's assessment from its approved yearly values, in `as_of` (default: this year)."""
    return assess(spec_of(target), history, as_of=current_year() if as_of is None else as_of)


def spec_of(target: Target) -> TargetSpec:
    indicator = target.indicator
    return TargetSpec(
        target_year=target.year,
        target=target.value,
        op=target.op,
        baseline_year=target.baseline_year,
        baseline=target.baseline_value,
        direction="lower" if indicator.direction == "lower" else "higher",
        kind=indicator.kind,
        binding=target.attribute == Target.Attribute.BINDING,
    )


def rows(targets: QuerySet[Target], as_of: int | None = None) -> list[dict[str, Any]]:
    """One row per target with status, its colour, numbers and the Chinese explanation, in `as_of`."""
    year_now = current_year() if as_of is None else as_of
    items = list(targets.select_related("indicator", "region", "department"))
    if not items:
        return []
    pairs = {(t.indicator_id, t.region_id) for t in items}
    observed: dict[tuple[int, int], dict[int, float]] = {}
    for indicator_id, region_id, year, value in Observation.objects.filter(
        indicator_id__in={p[0] for p in pairs}, region_id__in={p[1] for p in pairs},
        status=Observation.Status.APPROVED, quarter=0,
    ).values_list("indicator_id", "region_id", "year", "value"):  # fmt: skip
        observed.setdefault((indicator_id, region_id), {})[year] = value
    years = np.array(sorted({y for series in observed.values() for y in series}) or [0])
    matrix = np.full((len(items), len(years)), np.nan)
    position = {int(y): j for j, y in enumerate(years)}
    for i, t in enumerate(items):
        for year, value in observed.get((t.indicator_id, t.region_id), {}).items():
            matrix[i, position[year]] = value
    specs = [spec_of(t) for t in items]

    def column(values: list[Any]) -> np.ndarray:
        return np.array([np.nan if v is None else v for v in values], dtype=float)

    result = assess_batch(
        years, matrix, column([s.target_year for s in specs]), column([s.target for s in specs]),
        np.array([s.op for s in specs]), column([s.baseline_year for s in specs]), column([s.baseline for s in specs]),
        np.array([s.direction == "lower" for s in specs]), np.array([s.kind == "quantity" for s in specs]),
        np.array([s.kind == "zero" for s in specs]), np.array([s.binding for s in specs]),
        as_of=year_now, kind=np.array([s.kind for s in specs]),
    )  # fmt: skip
    out = []
    for i, (t, spec) in enumerate(zip(items, specs, strict=True)):
        series = observed.get((t.indicator_id, t.region_id), {})
        out.append({
            "target": t,
            "status": str(result["status"][i]),
            "css": STATUS_CLASSES[str(result["status"][i])],
            "latest": _num(result["latest"][i]),
            "latest_year": int(result["latest_year"][i]) or None,
            "expected": _num(result["expected"][i]),
            "forecast": _num(result["forecast"][i]),
            "warning": bool(result["warning"][i]),
            "explanation": assess(spec, series, as_of=year_now).explanation,  # per row text; the numbers come from the batch
        })  # fmt: skip
    return out


def _num(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 4)
