"""The 乡村振兴指数 of a county's townships (and of the county over the years) from approved data."""

from __future__ import annotations

from typing import Any

import numpy as np

from xiangcun.domain import composite_index as domain
from xiangcun.regions.models import Region

from .models import Observation, Target


def _goalposts(county: Region) -> list[Target]:
    """The county's latest target per indicator that has a baseline and a numeric value."""
    latest: dict[int, Target] = {}
    for t in Target.objects.current().filter(region=county).select_related("indicator").order_by("year"):
        if (
            t.baseline_value is not None
            and t.value is not None
            and t.indicator.dimension in domain.DIMENSIONS
        ):
            latest[t.indicator_id] = t
    return list(latest.values())


def _matrix(targets: list[Target], regions: list[Region], years: list[int]) -> np.ndarray:
    values = np.full((len(regions), len(years), len(targets)), np.nan)
    r_index = {r.pk: i for i, r in enumerate(regions)}
    y_index = {y: i for i, y in enumerate(years)}
    t_index = {t.indicator_id: j for j, t in enumerate(targets)}
    rows = Observation.objects.filter(
        indicator_id__in=t_index,
        region__in=regions,
        year__in=years,
        quarter=0,
        status=Observation.Status.APPROVED,
    ).values_list("region_id", "year", "indicator_id", "value")
    for region_id, year, indicator_id, value in rows:
        values[r_index[region_id], y_index[year], t_index[indicator_id]] = value
    return values


def township_index(
    county: Region,
    year: int,
    weighting: str = "equal",
    geometric: bool = False,
    dimension_weights: list[float] | None = None,
) -> dict[str, Any]:
    targets = _goalposts(county)
    townships = list(county.children.order_by("code"))
    if not targets or not townships:
        return {"rows": [], "runs": {}, "indicators": len(targets)}
    values = _matrix(targets, townships, [year])[:, 0, :]
    baseline = np.array([t.baseline_value for t in targets])
    target = np.array([t.value for t in targets])
    dimension = np.array([t.indicator.dimension for t in targets])
    weights = np.array(dimension_weights) if dimension_weights else None
    result = domain.composite(
        values,
        baseline,
        target,
        dimension,
        dimension_weights=weights,
        weighting=weighting,
        geometric=geometric,
    )
    runs = domain.sensitivity(values, baseline, target, dimension)
    rank = domain.ranks(result.overall)
    rows = []
    for i, township in enumerate(townships):
        rows.append({
            "region": township, "overall": _n(result.overall[i]), "rank": int(rank[i]) or None,
            "dimensions": [_n(v) for v in result.dimension_scores[i]],
            "coverage": [round(float(c) * 100) for c in result.coverage[i]],
            "best": int(runs["最好名次"][i]) or None, "worst": int(runs["最差名次"][i]) or None,
            "runs": {k: int(v[i]) or None for k, v in runs.items() if "名次" not in k},
        })  # fmt: skip
    rows.sort(key=lambda r: (r["rank"] or 10**6, r["region"].code))
    return {"rows": rows, "runs": [k for k in runs if "名次" not in k], "indicators": len(targets)}


def county_trend(county: Region, years: list[int]) -> list[dict[str, Any]]:
    targets = _goalposts(county)
    if not targets:
        return []
    values = _matrix(targets, [county], years)[0]
    baseline = np.array([t.baseline_value for t in targets])
    target = np.array([t.value for t in targets])
    dimension = np.array([t.indicator.dimension for t in targets])
    result = domain.composite(values, baseline, target, dimension)
    return [{"year": y, "overall": _n(result.overall[i]), "dimensions": [_n(v) for v in result.dimension_scores[i]]}
            for i, y in enumerate(years)]  # fmt: skip


def _n(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 1)
