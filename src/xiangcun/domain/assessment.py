"""Progress of every target: met, on track, slow, far behind or going backwards, and a forecast.

Two ways in, one method: `assess` for one target (readable, used by tests and pages) and
`assess_batch` for many at once with numpy (a province × 40 indicators × 5 years in well under a
second). Tests check that they agree. The method with worked examples is in docs/assessment.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

STATUSES = ("已达标", "正常推进", "进度偏慢", "严重滞后", "倒退", "数据不足")
WARNING_STATUSES = ("严重滞后", "倒退")


@dataclass(frozen=True)
class TargetSpec:
    target_year: int
    target: float | None  # None for a text target other than 动态清零
    op: str = ">="  # = > >= < <= text
    baseline_year: int | None = None
    baseline: float | None = None
    direction: str = "higher"  # higher | lower
    kind: str = "percentage"  # percentage | quantity | ratio | count | zero
    binding: bool = False


@dataclass(frozen=True)
class Assessment:
    status: str
    latest_year: int | None = None
    latest: float | None = None
    expected: float | None = None
    progress: float | None = None
    forecast: float | None = None
    forecast_met: bool | None = None
    warning: bool = False
    explanation: str = ""


def is_met(value: float, spec: TargetSpec) -> bool:
    """Whether `value` satisfies the target; a plain '=' target means 'reach it' in the indicator's direction."""
    if spec.kind == "zero":
        return value == 0
    target = spec.target
    if target is None:
        return False
    op = spec.op
    if op == "=":
        op = "<=" if spec.direction == "lower" else ">="
    return {
        ">=": value >= target - 1e-9,
        ">": value > target,
        "<=": value <= target + 1e-9,
        "<": value < target,
    }.get(op, False)


def expected_at(spec: TargetSpec, year: int) -> float | None:
    """The value on the path from baseline to target in `year`: linear, or compound growth for quantities."""
    if spec.baseline is None or spec.baseline_year is None or spec.target is None:
        return None
    span = spec.target_year - spec.baseline_year
    if span <= 0:
        return spec.target
    share = min(max((year - spec.baseline_year) / span, 0.0), 1.0)
    if spec.kind == "quantity" and spec.baseline > 0 and spec.target > 0:
        return spec.baseline * (spec.target / spec.baseline) ** share
    return spec.baseline + (spec.target - spec.baseline) * share


def _forecast(points: list[tuple[int, float]], year: int) -> float | None:
    if len(points) < 2:
        return None
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    return my + slope * (year - mx)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"


def assess(spec: TargetSpec, observations: dict[int, float]) -> Assessment:
    """Status of one target from its yearly observations (approved values only)."""
    known = {y: v for y, v in observations.items() if v is not None and not math.isnan(v)}
    if not known:
        return Assessment("数据不足", explanation="尚无已审核的数据")
    latest_year = max(known)
    latest = known[latest_year]
    points = sorted(known.items())
    if spec.baseline is not None and spec.baseline_year is not None and spec.baseline_year not in known:
        points = [(spec.baseline_year, spec.baseline), *points]
    forecast = _forecast(points, spec.target_year)
    forecast_met = None if forecast is None else is_met(forecast, spec)
    if spec.kind == "zero":
        met = latest == 0
        status = "已达标" if met else "严重滞后"
        text = f"动态清零目标要求为 0，{latest_year}年为 {_fmt(latest)}" + ("，已清零" if met else "，未清零")
        return Assessment(status, latest_year, latest, 0.0, None, None, None, spec.binding and not met, text)
    if is_met(latest, spec):
        text = f"{latest_year}年为 {_fmt(latest)}，已满足目标 {spec.op} {_fmt(spec.target)}"
        return Assessment(
            "已达标", latest_year, latest, expected_at(spec, latest_year), None, forecast, True, False, text
        )
    expected = expected_at(spec, latest_year)
    if expected is None or spec.baseline is None:
        text = f"{latest_year}年为 {_fmt(latest)}，未满足目标 {spec.op} {_fmt(spec.target)}；缺少基期值，无法计算进度"
        warning = spec.binding and forecast_met is False
        return Assessment("数据不足", latest_year, latest, None, None, forecast, forecast_met, warning, text)
    planned = expected - spec.baseline
    actual = latest - spec.baseline
    if abs(planned) < 1e-12:
        progress = 1.0 if actual * (1 if spec.direction != "lower" else -1) >= 0 else -1.0
    else:
        progress = actual / planned
    status = _status(progress)
    warning = spec.binding and (status in WARNING_STATUSES or forecast_met is False)
    method = (
        "复合增长" if spec.kind == "quantity" and spec.baseline > 0 and (spec.target or 0) > 0 else "线性"
    )
    text = (
        f"按{method}路径，{latest_year}年应达到 {_fmt(expected)}（基期{spec.baseline_year}年 {_fmt(spec.baseline)} → "
        f"{spec.target_year}年 {_fmt(spec.target)}）；实际 {_fmt(latest)}。进度比 = 实际变化 {_fmt(actual)} ÷ 应有变化 "
        f"{_fmt(planned)} = {progress:.2f}，判定为{status}"
    )
    if forecast is not None:
        text += (
            f"；按趋势外推，{spec.target_year}年预计 {_fmt(forecast)}，{'能' if forecast_met else '不能'}达标"
        )
    return Assessment(status, latest_year, latest, expected, progress, forecast, forecast_met, warning, text)


def _status(progress: float) -> str:
    if progress >= 1:
        return "正常推进"
    if progress >= 0.5:
        return "进度偏慢"
    if progress >= 0:
        return "严重滞后"
    return "倒退"


_OPS = {">=": 0, ">": 1, "<=": 2, "<": 3, "=": 4, "text": 5}


def assess_batch(
    years: np.ndarray,
    values: np.ndarray,
    target_year: np.ndarray,
    target: np.ndarray,
    op: np.ndarray,
    baseline_year: np.ndarray,
    baseline: np.ndarray,
    lower: np.ndarray,
    quantity: np.ndarray,
    zero: np.ndarray,
    binding: np.ndarray,
) -> dict[str, np.ndarray]:
    """The same method for n targets at once.

    years: (y,) observation years; values: (n, y) with NaN where missing; other arguments are (n,)
    arrays (op as strings, NaN for missing numbers, booleans for lower/quantity/zero/binding).
    Returns arrays: status (str), latest, expected, progress, forecast, forecast_met (float: 1/0/NaN), warning.
    """
    n = values.shape[0]
    have = ~np.isnan(values)
    any_value = have.any(axis=1)
    last_index = np.where(any_value, values.shape[1] - 1 - np.argmax(have[:, ::-1], axis=1), 0)
    latest = np.where(any_value, values[np.arange(n), last_index], np.nan)
    latest_year = np.where(any_value, years[last_index], 0).astype(float)
    op = np.asarray(op)
    op_code = np.select([op == name for name in list(_OPS)[:5]], list(_OPS.values())[:5], default=5)
    op_code = np.where((op_code == 4) & lower, 2, np.where(op_code == 4, 0, op_code))

    def met(v: np.ndarray) -> np.ndarray:
        ok = np.select(
            [op_code == 0, op_code == 1, op_code == 2, op_code == 3],
            [v >= target - 1e-9, v > target, v <= target + 1e-9, v < target],
            default=False,
        )
        ok = ok & ~np.isnan(target) & ~np.isnan(v)
        return np.where(zero, v == 0, ok)

    latest_met = met(latest) & any_value
    span = target_year - baseline_year
    share = np.clip(
        np.where(span > 0, (latest_year - baseline_year) / np.where(span > 0, span, 1), 1.0), 0, 1
    )
    compound = quantity & (baseline > 0) & (target > 0)
    with np.errstate(all="ignore"):
        ratio_growth = baseline * np.power(np.where(compound, target / baseline, 1.0), share)
    expected = np.where(compound, ratio_growth, baseline + (target - baseline) * share)
    expected = np.where(span > 0, expected, target)
    planned = expected - baseline
    actual = latest - baseline
    flat = np.abs(planned) < 1e-12
    sign = np.where(lower, -1.0, 1.0)
    with np.errstate(all="ignore"):
        progress = np.where(
            flat, np.where(actual * sign >= 0, 1.0, -1.0), actual / np.where(flat, 1.0, planned)
        )
    progress_status = np.select(
        [progress >= 1, progress >= 0.5, progress >= 0], ["正常推进", "进度偏慢", "严重滞后"], default="倒退"
    )

    # Least-squares trend over the observations plus the baseline point (when not itself observed).
    base_extra = ~np.isnan(baseline) & ~np.isnan(baseline_year)
    observed_base = np.zeros(n, dtype=bool)
    for j, y in enumerate(years):
        observed_base |= have[:, j] & (baseline_year == y)
    base_w = (base_extra & ~observed_base).astype(float)
    w = have.astype(float)
    x = np.broadcast_to(years.astype(float), values.shape)
    v0 = np.where(have, values, 0.0)
    bx = np.where(base_extra, baseline_year, 0.0)
    by = np.where(base_extra, baseline, 0.0)
    count = w.sum(axis=1) + base_w
    with np.errstate(all="ignore"):
        mx = ((w * x).sum(axis=1) + base_w * bx) / count
        my = ((w * v0).sum(axis=1) + base_w * by) / count
        sxx = (w * (x - mx[:, None]) ** 2).sum(axis=1) + base_w * (bx - mx) ** 2
        sxy = (w * (x - mx[:, None]) * (v0 - my[:, None])).sum(axis=1) + base_w * (bx - mx) * (by - my)
        forecast = np.where((count >= 2) & (sxx > 0), my + (sxy / sxx) * (target_year - mx), np.nan)
    forecast_met = np.where(np.isnan(forecast), np.nan, met(forecast).astype(float))

    no_baseline = np.isnan(baseline) | np.isnan(baseline_year) | np.isnan(target)
    status = np.where(
        ~any_value,
        "数据不足",
        np.where(
            zero,
            np.where(latest == 0, "已达标", "严重滞后"),
            np.where(latest_met, "已达标", np.where(no_baseline, "数据不足", progress_status)),
        ),
    )
    forecast_met = np.where(zero, np.nan, np.where(latest_met, 1.0, forecast_met))
    forecast = np.where(zero, np.nan, forecast)
    behind = np.isin(status, WARNING_STATUSES) | (forecast_met == 0)
    warning = binding & any_value & ~latest_met & np.where(zero, True, behind)
    progress = np.where(latest_met | zero | no_baseline | ~any_value, np.nan, progress)
    expected = np.where(zero, 0.0, np.where(no_baseline, np.nan, expected))
    return {"status": status, "latest": latest, "latest_year": latest_year, "expected": expected,
            "progress": progress, "forecast": forecast, "forecast_met": forecast_met, "warning": warning}  # fmt: skip
