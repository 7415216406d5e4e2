"""The plan dashboard: every target in scope with its assessment, computed in one batch."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db.models import QuerySet

from xiangcun.domain.assessment import TargetSpec, assess, assess_batch

from .models import Observation, Target


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


def rows(targets: QuerySet[Target]) -> list[dict[str, Any]]:
    """One row per target with status, numbers and the Chinese explanation."""
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
    )  # fmt: skip
    out = []
    for i, (t, spec) in enumerate(zip(items, specs, strict=True)):
        series = observed.get((t.indicator_id, t.region_id), {})
        out.append({
            "target": t,
            "status": str(result["status"][i]),
            "latest": _num(result["latest"][i]),
            "latest_year": int(result["latest_year"][i]) or None,
            "expected": _num(result["expected"][i]),
            "forecast": _num(result["forecast"][i]),
            "warning": bool(result["warning"][i]),
            "explanation": assess(spec, series).explanation,  # per row text; the numbers come from the batch
        })  # fmt: skip
    return out


def _num(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 4)
