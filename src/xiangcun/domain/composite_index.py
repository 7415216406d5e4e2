"""The 乡村振兴指数: indicator scores by distance to target, dimension scores, an overall index,
entropy weights and a sensitivity analysis of the rankings. All numpy, regions × indicators at once.

Construction (OECD/JRC handbook terms; worked example in docs/composite-index.md):
- normalisation: goalposts from the target's baseline (score 0) to its target (score 100), direction-aware
  through the sign of (target − baseline), capped to 0–100;
- missing data: never imputed; an indicator without a value has no score, a dimension is scored only when
  at least `min_coverage` of its weight has values, the index only when every dimension is scored;
- weighting: equal within dimensions and across the five dimensions by default, configurable, or entropy
  weights computed across the regions being compared;
- aggregation: weighted arithmetic mean by default, weighted geometric mean as the alternative;
- sensitivity: the ranks of every region under each weighting × aggregation choice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DIMENSIONS = ("产业兴旺", "生态宜居", "乡风文明", "治理有效", "生活富裕")


def scores(values: np.ndarray, baseline: np.ndarray, target: np.ndarray) -> np.ndarray:
    """0–100 distance-to-target scores (regions × indicators); NaN where the value or goalposts are missing."""
    span = target - baseline
    with np.errstate(all="ignore"):
        raw = np.where(span != 0, (values - baseline) / np.where(span != 0, span, 1.0) * 100.0, np.nan)
    flat = (span == 0) & ~np.isnan(values)
    raw = np.where(flat, np.where(values >= target, 100.0, 0.0), raw)  # a "hold the level" target
    return np.clip(raw, 0.0, 100.0)


def entropy_weights(score: np.ndarray) -> np.ndarray:
    """Entropy weights per indicator from the spread of scores across regions (more spread, more weight)."""
    regions = score.shape[0]
    if regions < 2:
        return np.ones(score.shape[1])
    s = np.where(np.isnan(score), 0.0, score) + 1e-9
    p = s / s.sum(axis=0, keepdims=True)
    entropy = -(p * np.log(p)).sum(axis=0) / np.log(regions)
    divergence = np.clip(1.0 - entropy, 0.0, None)
    if divergence.sum() == 0:
        return np.ones(score.shape[1])
    return divergence


def _aggregate(score: np.ndarray, weights: np.ndarray, geometric: bool) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean over the last axis ignoring NaN; returns (mean, share of weight that had values)."""
    have = ~np.isnan(score)
    w = np.where(have, weights, 0.0)
    total = weights.sum()
    covered = w.sum(axis=-1) / total if total > 0 else np.zeros(score.shape[:-1])
    with np.errstate(all="ignore"):
        if geometric:
            logs = np.log(np.clip(np.where(have, score, 1.0), 1.0, None))
            mean = np.exp((w * logs).sum(axis=-1) / w.sum(axis=-1))
        else:
            mean = (w * np.where(have, score, 0.0)).sum(axis=-1) / w.sum(axis=-1)
    return mean, covered


@dataclass
class IndexResult:
    indicator_scores: np.ndarray  # regions × indicators
    dimension_scores: np.ndarray  # regions × 5
    coverage: np.ndarray  # regions × 5, share of each dimension's weight with data
    overall: np.ndarray  # regions
    weights: np.ndarray  # indicators (as used)


def composite(
    values: np.ndarray,
    baseline: np.ndarray,
    target: np.ndarray,
    dimension: np.ndarray,
    weights: np.ndarray | None = None,
    dimension_weights: np.ndarray | None = None,
    weighting: str = "equal",
    geometric: bool = False,
    min_coverage: float = 0.5,
) -> IndexResult:
    score = scores(values, baseline, target)
    n_indicators = score.shape[1]
    if weighting == "entropy":
        w = entropy_weights(score)
    else:
        w = np.ones(n_indicators) if weights is None else np.asarray(weights, dtype=float)
    dim_w = (
        np.ones(len(DIMENSIONS)) if dimension_weights is None else np.asarray(dimension_weights, dtype=float)
    )
    dimension_scores = np.full((score.shape[0], len(DIMENSIONS)), np.nan)
    coverage = np.zeros_like(dimension_scores)
    for k, name in enumerate(DIMENSIONS):
        members = dimension == name
        if not members.any():
            continue
        mean, covered = _aggregate(score[:, members], w[members], geometric)
        coverage[:, k] = covered
        dimension_scores[:, k] = np.where(covered >= min_coverage, mean, np.nan)
    overall, _ = _aggregate(dimension_scores, dim_w, geometric)
    overall = np.where(np.isnan(dimension_scores).any(axis=1), np.nan, overall)
    return IndexResult(score, dimension_scores, coverage, overall, w)


def ranks(overall: np.ndarray) -> np.ndarray:
    """1 = best; regions without an index get no rank (0)."""
    order = np.argsort(-np.where(np.isnan(overall), -np.inf, overall), kind="stable")
    result = np.zeros(len(overall), dtype=int)
    result[order] = np.arange(1, len(overall) + 1)
    return np.where(np.isnan(overall), 0, result)


def sensitivity(
    values: np.ndarray, baseline: np.ndarray, target: np.ndarray, dimension: np.ndarray
) -> dict[str, np.ndarray]:
    """Ranks under equal/entropy weights × arithmetic/geometric means, and each region's best and worst rank."""
    runs: dict[str, np.ndarray] = {}
    for weighting in ("equal", "entropy"):
        for geometric in (False, True):
            label = f"{'等权' if weighting == 'equal' else '熵权'}·{'几何' if geometric else '算术'}平均"
            result = composite(values, baseline, target, dimension, weighting=weighting, geometric=geometric)
            runs[label] = ranks(result.overall)
    stacked = np.vstack(list(runs.values()))
    unranked = len(values) + 1
    best = np.where(stacked == 0, unranked, stacked).min(axis=0)
    runs["最好名次"] = np.where(best == unranked, 0, best)  # 0: no index under any choice
    runs["最差名次"] = stacked.max(axis=0)
    return runs
