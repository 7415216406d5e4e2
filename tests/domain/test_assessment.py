"""Hand-computed progress cases, and the batch version agreeing with the single one."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiangcun.domain.assessment import TargetSpec, assess, assess_batch, expected_at, is_met

TOILETS = TargetSpec(2025, 85.0, ">=", 2020, 65.0, binding=True)


def test_met_when_the_latest_value_satisfies_the_operator():
    result = assess(TOILETS, {2023: 86.0})
    assert result.status == "已达标" and not result.warning
    assert is_met(85.0, TOILETS) and not is_met(85.0, TargetSpec(2025, 85.0, ">"))


def test_on_track_slow_far_behind_backwards():
    # Linear path 65 → 85 over 2020–2025: 4 a year, so 2023 should be 77 (planned change 12).
    assert assess(TOILETS, {2023: 78.0}).status == "正常推进"  # 13 / 12 = 1.08
    slow = assess(TOILETS, {2023: 72.2})  # 7.2 / 12 = 0.6
    assert (
        slow.status == "进度偏慢" and math.isclose(slow.progress, 0.6) and math.isclose(slow.expected, 77.0)
    )
    far = assess(TOILETS, {2023: 68.0})  # 3 / 12 = 0.25
    assert far.status == "严重滞后" and far.warning  # binding
    back = assess(TOILETS, {2023: 63.0})  # −2 / 12 < 0
    assert back.status == "倒退" and back.warning
    assert "进度比 = 实际变化 3 ÷ 应有变化 12 = 0.25" in far.explanation


def test_lower_is_better_engel_coefficient():
    engel = TargetSpec(2025, 29.2, "<=", 2020, 37.5, direction="lower")
    # planned 2023: 37.5 − 8.3 × 3/5 = 32.52 (change −4.98); actual 34 (change −3.5) → 0.70
    result = assess(engel, {2023: 34.0})
    assert result.status == "进度偏慢" and math.isclose(result.progress, 3.5 / 4.98)
    assert assess(engel, {2024: 29.0}).status == "已达标"
    # A plain '=' target of a lower-is-better indicator is met at or below it.
    assert is_met(29.0, TargetSpec(2025, 29.2, "=", direction="lower"))


def test_ratio_target():
    income_ratio = TargetSpec(2025, 2.3, "<=", 2020, 2.6, direction="lower", kind="ratio")
    # 2022 expected 2.6 − 0.3 × 2/5 = 2.48 (change −0.12); actual 2.5 (−0.1) → 0.83
    result = assess(income_ratio, {2022: 2.5})
    assert result.status == "进度偏慢" and math.isclose(result.progress, 0.1 / 0.12)


def test_quantities_follow_compound_growth():
    output = TargetSpec(2025, 200.0, ">=", 2020, 100.0, kind="quantity")
    # 100 × 2^(3/5) = 151.57 in 2023
    assert math.isclose(expected_at(output, 2023), 100 * 2**0.6)
    assert assess(output, {2023: 150.0}).status == "进度偏慢"  # 50 / 51.57 = 0.97


def test_zero_targets():
    returning = TargetSpec(2025, 0.0, "text", kind="zero", binding=True)
    assert assess(returning, {2024: 0.0}).status == "已达标"
    missed = assess(returning, {2024: 3.0})
    assert missed.status == "严重滞后" and missed.warning and "未清零" in missed.explanation


def test_missing_data_and_missing_years():
    assert assess(TOILETS, {}).status == "数据不足"
    assert assess(TargetSpec(2025, 85.0), {2023: 70.0}).status == "数据不足"  # no baseline
    # 2021 and 2023 observed, 2022 missing: the latest (2023) decides, the trend uses all points.
    result = assess(TOILETS, {2021: 68.0, 2023: 74.0})
    assert result.latest_year == 2023 and result.status == "进度偏慢"  # 9 / 12 = 0.75


def test_forecast_from_the_trend():
    # Points (2020, 65), (2021, 67), (2022, 69): slope 2 → 2025 forecast 75 < 85 → binding warning.
    result = assess(TOILETS, {2021: 67.0, 2022: 69.0})
    assert math.isclose(result.forecast, 75.0) and result.forecast_met is False and result.warning


SPECS = st.builds(
    TargetSpec,
    target_year=st.integers(2021, 2030),
    target=st.one_of(st.none(), st.floats(0, 200)),
    op=st.sampled_from([">=", ">", "<=", "<", "=", "text"]),
    baseline_year=st.one_of(st.none(), st.integers(2015, 2022)),
    baseline=st.one_of(st.none(), st.floats(0, 200)),
    direction=st.sampled_from(["higher", "lower"]),
    kind=st.sampled_from(["percentage", "quantity", "ratio", "zero"]),
    binding=st.booleans(),
)
YEARS = np.array([2021, 2022, 2023, 2024, 2025])


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(SPECS, st.lists(st.one_of(st.none(), st.floats(0, 200)), min_size=5, max_size=5)),
        min_size=1,
        max_size=8,
    )
)
def test_batch_agrees_with_single(cases) -> None:  # type: ignore[no-untyped-def]
    specs = [c[0] for c in cases]
    values = np.array([[np.nan if v is None else v for v in c[1]] for c in cases], dtype=float)

    def col(name: str) -> np.ndarray:
        return np.array(
            [np.nan if getattr(s, name) is None else getattr(s, name) for s in specs], dtype=float
        )

    batch = assess_batch(
        YEARS, values, col("target_year"), col("target"), np.array([s.op for s in specs]), col("baseline_year"),
        col("baseline"), np.array([s.direction == "lower" for s in specs]), np.array([s.kind == "quantity" for s in specs]),
        np.array([s.kind == "zero" for s in specs]), np.array([s.binding for s in specs]),
    )  # fmt: skip
    for i, (spec, raw) in enumerate(cases):
        single = assess(spec, {int(y): v for y, v in zip(YEARS, raw, strict=True) if v is not None})
        assert batch["status"][i] == single.status, (spec, raw)
        assert bool(batch["warning"][i]) == single.warning, (spec, raw)
        if single.forecast is not None and spec.kind != "zero":
            assert math.isclose(batch["forecast"][i], single.forecast, rel_tol=1e-6, abs_tol=1e-6)
        if single.progress is not None:
            assert math.isclose(batch["progress"][i], single.progress, rel_tol=1e-6, abs_tol=1e-9)


def test_batch_handles_an_empty_input():
    empty = np.zeros(0)
    out = assess_batch(YEARS, np.zeros((0, 5)), empty, empty, np.array([], dtype=str), empty, empty,
                       empty.astype(bool), empty.astype(bool), empty.astype(bool), empty.astype(bool))  # fmt: skip
    assert len(out["status"]) == 0


@pytest.mark.parametrize("status", ["已达标", "正常推进", "进度偏慢", "严重滞后", "倒退", "数据不足"])
def test_every_status_has_a_case(status: str) -> None:
    cases = {"已达标": {2023: 90.0}, "正常推进": {2023: 78.0}, "进度偏慢": {2023: 72.2}, "严重滞后": {2023: 68.0},
             "倒退": {2023: 60.0}, "数据不足": {}}  # fmt: skip
    assert assess(TOILETS, cases[status]).status == status
