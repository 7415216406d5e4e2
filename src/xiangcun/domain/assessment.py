"""Progress of every target: met, on track, slow, far behind, going backwards or missed, and a forecast.

Two ways in, one method: `assess` for one target (readable, used by tests and pages) and
`assess_batch` for many at once with numpy (a province × 40 indicators × 5 years in well under a
second). Tests check that they agree. The method with worked examples is in docs/assessment.md.

Both take `as_of`, the current year, from the caller (the Django layer passes today's year), so the
method stays pure: a target whose year is already over (target year < as_of) is judged on that
year's value alone — 已达标 or 未达标, no path and no forecast — and never on another year's value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

STATUSES = ("已达标", "正常推进", "进度偏慢", "严重滞后", "倒退", "未达标", "数据不足")
WARNING_STATUSES = ("严重滞后", "倒退", "未达标")
# The values an indicator of each kind can take; forecasts are clamped to them.
BOUNDS: dict[str, tuple[float, float]] = {
    "percentage": (0.0, 100.0),
    "quantity": (0.0, math.inf),
    "count": (0.0, math.inf),
    "ratio": (0.0, math.inf),
    "zero": (0.0, math.inf),
}
_SYMBOLS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}


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


def fmt_number(value: float | None) -> str:
    """A number as a person reads it: 6000 not 6000.0, 12,345.68, 0.0314, trailing zeros trimmed."""
    if value is None or math.isnan(value):
        return "—"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    size = abs(value)
    decimals = 2 if size >= 1 or size == 0 else min(8, 3 - math.floor(math.log10(size)))
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_fmt = fmt_number


def target_text(spec: TargetSpec) -> str:
    """The target as written for people: '≥ 85', '≤ 29.2'; a plain '=' reads in the indicator's direction."""
    if spec.kind == "zero":
        return "= 0（动态清零）"
    if spec.target is None:
        return "（文字目标）"
    op = spec.op
    if op == "=":
        op = "<=" if spec.direction == "lower" else ">="
    return f"{_SYMBOLS.get(op, op)} {_fmt(spec.target)}"


def clamp(value: float, kind: str) -> float:
    low, high = BOUNDS.get(kind, (-math.inf, math.inf))
    return min(max(value, low), high)


def _bound_note(raw: float, kind: str) -> str:
    low, high = BOUNDS.get(kind, (-math.inf, math.inf))
    if raw > high:
        return f"（趋势线为 {_fmt(raw)}，百分比不超过 {_fmt(high)}，按 {_fmt(high)} 计）"
    if raw < low:
        return f"（趋势线为 {_fmt(raw)}，该指标不能小于 {_fmt(low)}，按 {_fmt(low)} 计）"
    return ""


def _change(actual: float) -> str:
    if actual > 0:
        return f"比基期上升 {_fmt(actual)}"
    if actual < 0:
        return f"比基期下降 {_fmt(-actual)}"
    return "与基期持平"


def assess(spec: TargetSpec, observations: dict[int, float], *, as_of: int) -> Assessment:
    """Status of one target from its yearly observations (approved values only) in the year `as_of`."""
    known = {y: v for y, v in observations.items() if v is not None and not math.isnan(v)}
    if spec.target_year < as_of:
        return _assess_past(spec, known)
    if not known:
        return Assessment("数据不足", explanation="尚无已审核的数据")
    latest_year = max(known)
    latest = known[latest_year]
    if spec.kind == "zero":
        met = latest == 0
        status = "已达标" if met else "严重滞后"
        text = f"动态清零目标要求为 0，{latest_year}年为 {_fmt(latest)}" + ("，已清零" if met else "，未清零")
        return Assessment(status, latest_year, latest, 0.0, None, None, None, spec.binding and not met, text)
    points = sorted(known.items())
    if spec.baseline is not None and spec.baseline_year is not None and spec.baseline_year not in known:
        points = [(spec.baseline_year, spec.baseline), *points]
    raw_forecast = _forecast(points, spec.target_year)
    forecast = None if raw_forecast is None else clamp(raw_forecast, spec.kind)
    forecast_met = None if forecast is None else is_met(forecast, spec)
    goal = f"{spec.target_year}年目标 {target_text(spec)}"
    if is_met(latest, spec):
        text = f"{latest_year}年实际值为 {_fmt(latest)}，已满足{goal}"
        return Assessment(
            "已达标", latest_year, latest, expected_at(spec, latest_year), None, forecast, True, False, text
        )
    forecast_text = ""
    if forecast is not None and raw_forecast is not None:
        forecast_text = (
            f"；按趋势外推，{spec.target_year}年预计 {_fmt(forecast)}{_bound_note(raw_forecast, spec.kind)}，"
            f"{'能' if forecast_met else '不能'}达标"
        )
    expected = expected_at(spec, latest_year)
    if expected is None or spec.baseline is None or spec.baseline_year is None:
        reason = "目标不是数值" if spec.target is None else "缺少基期值"
        text = (
            f"{latest_year}年实际值为 {_fmt(latest)}，尚未满足{goal}；{reason}，无法计算进度" + forecast_text
        )
        warning = spec.binding and forecast_met is False
        return Assessment("数据不足", latest_year, latest, None, None, forecast, forecast_met, warning, text)
    baseline = spec.baseline
    planned = expected - baseline
    actual = latest - baseline
    base = f"基期{spec.baseline_year}年 {_fmt(baseline)}"
    progress: float | None
    if is_met(baseline, spec):
        # The baseline already met the target: the plan only asks to keep it, so there is no change to
        # divide by. Not meeting it now means the value has moved the wrong way.
        progress, status = None, "倒退"
        text = (
            f"{base}，已满足{goal}，规划只要求保持，没有应有变化可比；{latest_year}年实际值为 {_fmt(latest)}，"
            f"{_change(actual)}，已不满足目标，判定为倒退"
        )
    elif abs(planned) < 1e-12:
        # No change is due yet (the latest year is the baseline year or earlier, or the target equals the
        # baseline): judge by the direction of the actual change alone.
        toward = _toward(spec)
        progress, status = None, "正常推进" if actual * toward >= 0 else "倒退"
        why = (
            f"最新数据为{latest_year}年，不晚于基期年，按路径尚无应有变化"
            if latest_year <= spec.baseline_year
            else f"目标值与基期值相同（{_fmt(baseline)}），按路径没有应有变化"
        )
        text = (
            f"{why}；{latest_year}年实际值为 {_fmt(latest)}，{_change(actual)}，"
            f"方向与{goal}{'一致' if status == '正常推进' else '相反'}，判定为{status}"
        )
    else:
        progress = actual / planned
        status = _status(progress)
        method = "复合增长" if spec.kind == "quantity" and baseline > 0 and (spec.target or 0) > 0 else "线性"
        text = (
            f"按{method}路径，{latest_year}年应达到 {_fmt(expected)}（{base} → {goal}）；实际 {_fmt(latest)}。"
            f"进度比 = 实际变化 {_fmt(actual)} ÷ 应有变化 {_fmt(planned)} = {progress:.2f}，判定为{status}"
        )
    warning = spec.binding and (status in WARNING_STATUSES or forecast_met is False)
    return Assessment(
        status, latest_year, latest, expected, progress, forecast, forecast_met, warning, text + forecast_text
    )


def _toward(spec: TargetSpec) -> float:
    """+1 when the target lies above the baseline (or the indicator is higher-is-better), else −1."""
    if spec.target is not None and spec.baseline is not None and spec.target != spec.baseline:
        return 1.0 if spec.target > spec.baseline else -1.0
    return -1.0 if spec.direction == "lower" else 1.0


def _assess_past(spec: TargetSpec, known: dict[int, float]) -> Assessment:
    """A target whose year is over: that year's value decides, with no path and no forecast."""
    year = spec.target_year
    value = known.get(year)
    goal = f"{year}年目标 {target_text(spec)}"
    if value is None:
        return Assessment(
            "数据不足", explanation=f"{year}年已过，尚无{year}年的已审核数据，无法判定是否达到{goal}"
        )
    if spec.kind != "zero" and spec.target is None:
        return Assessment(
            "数据不足", year, value, explanation=f"{year}年实际值为 {_fmt(value)}；目标不是数值，无法判定"
        )
    met = is_met(value, spec)
    expected = 0.0 if spec.kind == "zero" else spec.target
    if met:
        text = f"{year}年已过，按当年实际值判定：{year}年实际值为 {_fmt(value)}，满足{goal}，已达标"
    else:
        gap = value - (expected or 0.0)
        text = (
            f"{year}年已过，按当年实际值判定：{year}年实际值为 {_fmt(value)}，未满足{goal}"
            f"（{'高' if gap > 0 else '低'}出 {_fmt(abs(gap))}），判定为未达标"
        )
    status = "已达标" if met else "未达标"
    return Assessment(status, year, value, expected, None, None, None, spec.binding and not met, text)


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
    *,
    as_of: int,
    kind: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The same method for n targets at once, in the year `as_of`.

    years: (y,) observation years; values: (n, y) with NaN where missing; other arguments are (n,)
    arrays (op and kind as strings, NaN for missing numbers, booleans for lower/quantity/zero/binding).
    `kind` sets the bounds forecasts are clamped to; without it only quantities and zero targets are
    bounded (≥ 0). Returns arrays: status (str), latest, latest_year, expected, progress, forecast,
    forecast_met (float: 1/0/NaN), warning.
    """
    n = values.shape[0]
    years = np.asarray(years)
    have = ~np.isnan(values)
    any_value = have.any(axis=1)
    last_index = np.where(any_value, values.shape[1] - 1 - np.argmax(have[:, ::-1], axis=1), 0)
    latest = np.where(any_value, values[np.arange(n), last_index], np.nan)
    latest_year = np.where(any_value, years[last_index], 0).astype(float)
    op = np.asarray(op)
    op_code = np.select([op == name for name in list(_OPS)[:5]], list(_OPS.values())[:5], default=5)
    op_code = np.where((op_code == 4) & lower, 2, np.where(op_code == 4, 0, op_code))
    if kind is None:
        low = np.where(quantity | zero, 0.0, -np.inf)
        high = np.full(n, np.inf)
    else:
        kind = np.asarray(kind)
        low, high = np.full(n, -np.inf), np.full(n, np.inf)
        for name, (lo, hi) in BOUNDS.items():
            low = np.where(kind == name, lo, low)
            high = np.where(kind == name, hi, high)

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
    base_met = met(baseline) & ~zero
    toward = np.where(target > baseline, 1.0, np.where(target < baseline, -1.0, np.where(lower, -1.0, 1.0)))
    with np.errstate(all="ignore"):
        progress = np.where(flat | base_met, np.nan, actual / np.where(flat, 1.0, planned))
        progress_status = np.select(
            [base_met, flat & (actual * toward >= 0), flat, progress >= 1, progress >= 0.5, progress >= 0],
            ["倒退", "正常推进", "倒退", "正常推进", "进度偏慢", "严重滞后"],
            default="倒退",
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
    forecast = np.where(np.isnan(forecast), np.nan, np.clip(forecast, low, high))
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
    expected = np.where(~any_value, np.nan, np.where(zero, 0.0, np.where(no_baseline, np.nan, expected)))

    # Targets whose year is over: that year's value alone, 已达标 or 未达标, no path, no forecast.
    past = target_year < as_of
    in_year = have & (years[None, :] == target_year[:, None])
    has_year_value = in_year.any(axis=1)
    year_value = np.where(has_year_value, np.where(in_year, values, 0.0).sum(axis=1), np.nan)
    judgeable = has_year_value & (zero | ~np.isnan(target))
    year_met = met(year_value) & judgeable
    past_status = np.where(~judgeable, "数据不足", np.where(year_met, "已达标", "未达标"))
    status = np.where(past, past_status, status)
    warning = np.where(past, binding & judgeable & ~year_met, warning)
    latest = np.where(past, year_value, latest)
    latest_year = np.where(past, np.where(has_year_value, target_year, 0.0), latest_year)
    expected = np.where(past, np.where(zero, 0.0, np.where(has_year_value, target, np.nan)), expected)
    progress = np.where(past, np.nan, progress)
    forecast = np.where(past, np.nan, forecast)
    forecast_met = np.where(past, np.nan, forecast_met)
    return {"status": status, "latest": latest, "latest_year": latest_year, "expected": expected,
            "progress": progress, "forecast": forecast, "forecast_met": forecast_met, "warning": warning}  # fmt: skip


def assess_many(
    specs: Sequence[TargetSpec], series: Sequence[Mapping[int, float]], *, as_of: int
) -> dict[str, np.ndarray]:
    """`assess_batch` for targets given as specs with their yearly values: the arrays are built here.

    For pages that need only the statuses of thousands of targets (a township scorecard judges every
    township's relative targets): no sentence is written, which is most of the cost of `assess`.
    """
    years = np.array(sorted({int(y) for values in series for y in values}) or [0])
    position = {int(y): j for j, y in enumerate(years)}
    matrix = np.full((len(specs), len(years)), np.nan)
    for i, values in enumerate(series):
        for year, value in values.items():
            if value is not None:
                matrix[i, position[int(year)]] = value

    def column(name: str) -> np.ndarray:
        return np.array([np.nan if (v := getattr(s, name)) is None else v for s in specs], dtype=float)

    return assess_batch(
        years, matrix, column("target_year"), column("target"), np.array([s.op for s in specs], dtype=str),
        column("baseline_year"), column("baseline"), np.array([s.direction == "lower" for s in specs], dtype=bool),
        np.array([s.kind == "quantity" for s in specs], dtype=bool), np.array([s.kind == "zero" for s in specs], dtype=bool),
        np.array([s.binding for s in specs], dtype=bool), as_of=as_of, kind=np.array([s.kind for s in specs], dtype=str),
    )  # fmt: skip
