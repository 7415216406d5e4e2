"""Hand-computed progress cases, and the batch version agreeing with the single one."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiangcun.domain.assessment import (
    STATUSES,
    TargetSpec,
    assess,
    assess_batch,
    assess_many,
    expected_at,
    fmt_number,
    is_met,
)

TOILETS = TargetSpec(2025, 85.0, ">=", 2020, 65.0, binding=True)
NOW = 2024  # the year the examples are judged in: 2025 targets are still ahead, 2023 data is the latest


def test_met_when_the_latest_value_satisfies_the_operator():
    result = assess(TOILETS, {2023: 86.0}, as_of=NOW)
    assert result.status == "已达标" and not result.warning
    assert is_met(85.0, TOILETS) and not is_met(85.0, TargetSpec(2025, 85.0, ">"))


def test_on_track_slow_far_behind_backwards():
    # Linear path 65 → 85 over 2020–2025: 4 a year, so 2023 should be 77 (planned change 12).
    assert assess(TOILETS, {2023: 78.0}, as_of=NOW).status == "正常推进"  # 13 / 12 = 1.08
    slow = assess(TOILETS, {2023: 72.2}, as_of=NOW)  # 7.2 / 12 = 0.6
    assert (
        slow.status == "进度偏慢" and math.isclose(slow.progress, 0.6) and math.isclose(slow.expected, 77.0)
    )
    far = assess(TOILETS, {2023: 68.0}, as_of=NOW)  # 3 / 12 = 0.25
    assert far.status == "严重滞后" and far.warning  # binding
    back = assess(TOILETS, {2023: 63.0}, as_of=NOW)  # −2 / 12 < 0
    assert back.status == "倒退" and back.warning
    assert "进度比 = 实际变化 3 ÷ 应有变化 12 = 0.25" in far.explanation


def test_lower_is_better_engel_coefficient():
    engel = TargetSpec(2025, 29.2, "<=", 2020, 37.5, direction="lower")
    # planned 2023: 37.5 − 8.3 × 3/5 = 32.52 (change −4.98); actual 34 (change −3.5) → 0.70
    result = assess(engel, {2023: 34.0}, as_of=NOW)
    assert result.status == "进度偏慢" and math.isclose(result.progress, 3.5 / 4.98)
    assert assess(engel, {2024: 29.0}, as_of=NOW).status == "已达标"
    # A plain '=' target of a lower-is-better indicator is met at or below it.
    assert is_met(29.0, TargetSpec(2025, 29.2, "=", direction="lower"))


def test_ratio_target():
    income_ratio = TargetSpec(2025, 2.3, "<=", 2020, 2.6, direction="lower", kind="ratio")
    # 2022 expected 2.6 − 0.3 × 2/5 = 2.48 (change −0.12); actual 2.5 (−0.1) → 0.83
    result = assess(income_ratio, {2022: 2.5}, as_of=NOW)
    assert result.status == "进度偏慢" and math.isclose(result.progress, 0.1 / 0.12)


def test_quantities_follow_compound_growth():
    output = TargetSpec(2025, 200.0, ">=", 2020, 100.0, kind="quantity")
    # 100 × 2^(3/5) = 151.57 in 2023
    assert math.isclose(expected_at(output, 2023), 100 * 2**0.6)
    assert assess(output, {2023: 150.0}, as_of=NOW).status == "进度偏慢"  # 50 / 51.57 = 0.97


def test_zero_targets():
    returning = TargetSpec(2025, 0.0, "text", kind="zero", binding=True)
    assert assess(returning, {2024: 0.0}, as_of=NOW).status == "已达标"
    missed = assess(returning, {2024: 3.0}, as_of=NOW)
    assert missed.status == "严重滞后" and missed.warning and "未清零" in missed.explanation


def test_missing_data_and_missing_years():
    assert assess(TOILETS, {}, as_of=NOW).status == "数据不足"
    assert assess(TargetSpec(2025, 85.0), {2023: 70.0}, as_of=NOW).status == "数据不足"  # no baseline
    # 2021 and 2023 observed, 2022 missing: the latest (2023) decides, the trend uses all points.
    result = assess(TOILETS, {2021: 68.0, 2023: 74.0}, as_of=NOW)
    assert result.latest_year == 2023 and result.status == "进度偏慢"  # 9 / 12 = 0.75


def test_forecast_from_the_trend():
    # Points (2020, 65), (2021, 67), (2022, 69): slope 2 → 2025 forecast 75 < 85 → binding warning.
    result = assess(TOILETS, {2021: 67.0, 2022: 69.0}, as_of=NOW)
    assert math.isclose(result.forecast, 75.0) and result.forecast_met is False and result.warning


SPECS = st.builds(
    TargetSpec,
    target_year=st.integers(2019, 2030),
    target=st.one_of(st.none(), st.floats(0, 200), st.sampled_from([0.0, 50.0, 100.0])),
    op=st.sampled_from([">=", ">", "<=", "<", "=", "text"]),
    baseline_year=st.one_of(st.none(), st.integers(2015, 2024)),
    baseline=st.one_of(st.none(), st.floats(0, 200), st.sampled_from([0.0, 50.0, 100.0])),
    direction=st.sampled_from(["higher", "lower"]),
    kind=st.sampled_from(["percentage", "quantity", "ratio", "count", "zero"]),
    binding=st.booleans(),
)
YEARS = np.array([2021, 2022, 2023, 2024, 2025])
VALUES = st.one_of(st.none(), st.floats(0, 200), st.sampled_from([0.0, 50.0, 100.0]))


def run_batch(specs: list[TargetSpec], values: np.ndarray, as_of: int) -> dict[str, np.ndarray]:
    def col(name: str) -> np.ndarray:
        return np.array(
            [np.nan if getattr(s, name) is None else getattr(s, name) for s in specs], dtype=float
        )

    return assess_batch(
        YEARS, values, col("target_year"), col("target"), np.array([s.op for s in specs], dtype=str),
        col("baseline_year"), col("baseline"), np.array([s.direction == "lower" for s in specs], dtype=bool),
        np.array([s.kind == "quantity" for s in specs], dtype=bool), np.array([s.kind == "zero" for s in specs], dtype=bool),
        np.array([s.binding for s in specs], dtype=bool), as_of=as_of, kind=np.array([s.kind for s in specs], dtype=str),
    )  # fmt: skip


def same(a: float | None, b: float) -> bool:
    if a is None:
        return bool(np.isnan(b))
    return math.isclose(a, float(b), rel_tol=1e-6, abs_tol=1e-6)


@settings(max_examples=600, deadline=None)
@given(
    st.lists(st.tuples(SPECS, st.lists(VALUES, min_size=5, max_size=5)), min_size=1, max_size=8),
    st.integers(2020, 2031),
)
def test_batch_agrees_with_single(cases, as_of: int) -> None:  # type: ignore[no-untyped-def]
    specs = [c[0] for c in cases]
    values = np.array([[np.nan if v is None else v for v in c[1]] for c in cases], dtype=float)
    batch = run_batch(specs, values, as_of)
    for i, (spec, raw) in enumerate(cases):
        single = assess(
            spec, {int(y): v for y, v in zip(YEARS, raw, strict=True) if v is not None}, as_of=as_of
        )
        case = (spec, raw, as_of, single)
        assert single.status in STATUSES
        assert batch["status"][i] == single.status, case
        assert bool(batch["warning"][i]) == single.warning, case
        assert same(single.latest, batch["latest"][i]), case
        assert (single.latest_year or 0) == int(batch["latest_year"][i]), case
        assert same(single.progress, batch["progress"][i]), case
        if spec.kind != "zero":
            assert same(single.forecast, batch["forecast"][i]), case
            assert same(single.expected, batch["expected"][i]), case
        if single.forecast is not None and spec.kind == "percentage":
            assert 0 <= single.forecast <= 100
        if spec.target_year < as_of:  # a past target: judged on its own year, never a forecast
            assert single.forecast is None and single.progress is None
            assert single.latest_year in (None, spec.target_year)
        assert "÷ 应有变化 0 " not in single.explanation and ">=" not in single.explanation


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(SPECS, st.dictionaries(st.integers(2015, 2026), VALUES.filter(lambda v: v is not None))),
        max_size=8,
    ),
    st.integers(2020, 2031),
)
def test_many_gives_each_target_the_status_of_assess(cases, as_of: int) -> None:  # type: ignore[no-untyped-def]
    # the township scorecards judge thousands of targets through assess_many; each row has its own years
    result = assess_many([c[0] for c in cases], [c[1] for c in cases], as_of=as_of)
    assert list(result["status"]) == [assess(spec, series, as_of=as_of).status for spec, series in cases]
    assert [bool(w) for w in result["warning"]] == [assess(s, v, as_of=as_of).warning for s, v in cases]


def test_batch_handles_an_empty_input():
    empty = np.zeros(0)
    out = assess_batch(YEARS, np.zeros((0, 5)), empty, empty, np.array([], dtype=str), empty, empty,
                       empty.astype(bool), empty.astype(bool), empty.astype(bool), empty.astype(bool), as_of=NOW)  # fmt: skip
    assert len(out["status"]) == 0


@pytest.mark.parametrize("status", ["已达标", "正常推进", "进度偏慢", "严重滞后", "倒退", "数据不足"])
def test_every_status_has_a_case(status: str) -> None:
    cases = {"已达标": {2023: 90.0}, "正常推进": {2023: 78.0}, "进度偏慢": {2023: 72.2}, "严重滞后": {2023: 68.0},
             "倒退": {2023: 60.0}, "数据不足": {}}  # fmt: skip
    assert assess(TOILETS, cases[status], as_of=NOW).status == status


# --- Targets whose year is over are judged on that year's value (issue 16, item 1) ---

# An intermediate target of a 2021–2025 plan, with a 2017 baseline as in the Chengkou plan.
GREENING_2022 = TargetSpec(2022, 45.0, "=", 2017, 40.0, binding=True)


def test_a_past_target_is_judged_on_its_own_year_not_the_latest():
    # 2022 fell short; 2024 is far above it. In 2025 the 2022 target is over: 未达标, no forecast, no path.
    missed = assess(GREENING_2022, {2022: 44.0, 2023: 47.0, 2024: 50.0}, as_of=2025)
    assert missed.status == "未达标" and missed.warning  # binding
    assert (missed.latest_year, missed.latest) == (2022, 44.0)
    assert missed.forecast is None and missed.progress is None
    assert "预计" not in missed.explanation and "进度比" not in missed.explanation
    assert "2022年实际值为 44，未满足2022年目标 ≥ 45（低出 1），判定为未达标" in missed.explanation
    # Met in 2022, fell back later: the 2022 target was still met.
    met = assess(GREENING_2022, {2022: 46.0, 2024: 30.0}, as_of=2025)
    assert met.status == "已达标" and not met.warning and met.latest == 46.0
    assert "2022年实际值为 46，满足2022年目标 ≥ 45" in met.explanation


def test_a_past_target_without_data_for_its_year_never_borrows_another_year():
    result = assess(GREENING_2022, {2021: 44.0, 2023: 50.0, 2024: 52.0}, as_of=2025)
    assert result.status == "数据不足" and not result.warning and result.latest is None
    assert "尚无2022年的已审核数据" in result.explanation
    zero = assess(TargetSpec(2022, 0.0, "text", kind="zero", binding=True), {2022: 2.0}, as_of=2023)
    assert zero.status == "未达标" and zero.warning


def test_the_current_year_and_later_stay_on_the_progress_path():
    # In 2025 the 2025 target is not over, even with (provisional) 2025 data: progress, not a verdict.
    running = assess(TOILETS, {2023: 76.0, 2025: 80.0}, as_of=2025)
    assert running.status == "进度偏慢" and running.latest_year == 2025 and running.forecast is not None
    assert assess(TOILETS, {2025: 86.0}, as_of=2025).status == "已达标"
    # In 2026 the same data gives the final verdict on the 2025 value.
    assert assess(TOILETS, {2023: 76.0, 2025: 80.0}, as_of=2026).status == "未达标"


# --- No division by zero when no change is expected ---


def test_a_baseline_that_already_meets_the_target_must_be_kept():
    # Baseline 100, target 100: the plan asks to keep it. 99.04 later is going backwards, explained in words.
    keep = assess(TargetSpec(2025, 100.0, "=", 2017, 100.0), {2024: 99.04}, as_of=2025)
    assert keep.status == "倒退" and keep.progress is None
    assert "÷" not in keep.explanation
    assert "基期2017年 100，已满足2025年目标 ≥ 100，规划只要求保持" in keep.explanation
    assert "2024年实际值为 99.04，比基期下降 0.96，已不满足目标" in keep.explanation
    # A baseline above a ≥ target that then falls below it was judged 正常推进 (progress −10 ÷ −3 = 3.3).
    fell = assess(TargetSpec(2025, 95.0, ">=", 2020, 100.0), {2023: 90.0}, as_of=NOW)
    assert fell.status == "倒退"


def test_no_change_due_yet_in_the_baseline_year():
    ahead = assess(TOILETS, {2020: 66.0}, as_of=2021)
    assert ahead.status == "正常推进" and ahead.progress is None and "÷" not in ahead.explanation
    assert ahead.explanation == (
        "最新数据为2020年，不晚于基期年，按路径尚无应有变化；2020年实际值为 66，比基期上升 1，"
        "方向与2025年目标 ≥ 85一致，判定为正常推进"
    )
    behind = assess(TOILETS, {2020: 64.0}, as_of=2021)
    assert behind.status == "倒退" and behind.warning


# --- Forecasts stay within what the indicator can take ---


def test_percentage_forecasts_are_clamped_to_100():
    # Trend (2020, 80) (2021, 90) (2022, 96) (2023, 99): slope 6.3 → 2025 line 113.3; a share cannot pass 100.
    spec = TargetSpec(2025, 100.0, ">=", 2020, 80.0)
    result = assess(spec, {2021: 90.0, 2022: 96.0, 2023: 99.0}, as_of=NOW)
    assert result.forecast == 100.0 and result.forecast_met is True
    assert "2025年预计 100（趋势线为 113.3，百分比不超过 100，按 100 计），能达标" in result.explanation
    # A strict "> 100" can never be reached by a share, and the clamped forecast says so.
    strict = assess(TargetSpec(2025, 100.0, ">", 2020, 80.0), {2021: 90.0, 2022: 96.0, 2023: 99.0}, as_of=NOW)
    assert strict.forecast == 100.0 and strict.forecast_met is False


def test_quantity_forecasts_do_not_go_below_zero():
    spec = TargetSpec(2025, 5.0, "<=", 2020, 50.0, direction="lower", kind="quantity")
    # Trend (2020, 50) (2021, 35) (2022, 20) (2023, 8): slope −14.1 → 2025 line −21.1; a quantity stays ≥ 0.
    result = assess(spec, {2021: 35.0, 2022: 20.0, 2023: 8.0}, as_of=NOW)
    assert result.forecast == 0.0 and result.forecast_met is True
    assert "2025年预计 0（趋势线为 -21.1，该指标不能小于 0，按 0 计），能达标" in result.explanation


# --- Explanations print the actual value and the target, as a person reads them ---


def test_met_explanation_prints_the_actual_value_and_the_target():
    result = assess(TargetSpec(2025, 8.6, "=", 2017, 8.8, kind="quantity"), {2024: 12.48}, as_of=2025)
    assert result.explanation == "2024年实际值为 12.48，已满足2025年目标 ≥ 8.6"
    lower = assess(TargetSpec(2025, 29.2, "=", 2020, 37.5, direction="lower"), {2024: 29.0}, as_of=2025)
    assert lower.explanation == "2024年实际值为 29，已满足2025年目标 ≤ 29.2"


def test_numbers_read_as_people_write_them():
    assert fmt_number(6000.0) == "6,000" and fmt_number(12345.678) == "12,345.68"
    assert fmt_number(85.40) == "85.4" and fmt_number(0.0314) == "0.0314" and fmt_number(-0.96) == "-0.96"
    assert fmt_number(0.0) == "0" and fmt_number(-0.001) == "-0.001" and fmt_number(None) == "—"
    big = assess(TargetSpec(2025, 20000.0, ">=", 2020, 10000.0, kind="count"), {2023: 16000.0}, as_of=NOW)
    assert "实际 16,000" in big.explanation and "e+" not in big.explanation


def test_docs_examples_are_what_the_code_says():
    """docs/assessment.md quotes these explanations word for word."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "assessment.md").read_text(encoding="utf-8")
    toilets_2025 = TargetSpec(2025, 85.0, ">=", 2020, 65.0, binding=True)
    cases = [
        (GREENING_2022, {2022: 44.0, 2023: 47.0, 2024: 50.0}, 2025, "未达标"),
        (GREENING_2022, {2022: 46.0, 2024: 30.0}, 2025, "已达标"),
        (GREENING_2022, {2021: 44.0, 2023: 50.0, 2024: 52.0}, 2025, "数据不足"),
        (toilets_2025, {2023: 76.0, 2025: 80.0}, 2025, "进度偏慢"),
        (toilets_2025, {2023: 76.0, 2025: 80.0}, 2026, "未达标"),
        (TargetSpec(2025, 100.0, "=", 2017, 100.0), {2024: 99.04}, 2025, "倒退"),
        (toilets_2025, {2020: 66.0}, 2021, "正常推进"),
        (toilets_2025, {2020: 64.0}, 2021, "倒退"),
    ]
    for spec, observations, as_of, status in cases:
        result = assess(spec, observations, as_of=as_of)
        assert result.status == status and result.explanation in doc, result.explanation
    clamped = assess(
        TargetSpec(2025, 100.0, ">=", 2020, 80.0), {2021: 90.0, 2022: 96.0, 2023: 99.0}, as_of=NOW
    )
    low = TargetSpec(2025, 5.0, "<=", 2020, 50.0, direction="lower", kind="quantity")
    floored = assess(low, {2021: 35.0, 2022: 20.0, 2023: 8.0}, as_of=NOW)
    met = assess(TargetSpec(2025, 8.6, "=", 2017, 8.8, kind="quantity"), {2024: 12.48}, as_of=2025)
    for text in (clamped.explanation.split("；")[-1], floored.explanation.split("；")[-1], met.explanation):
        assert text in doc, text
