"""The target chart's axis: round values a reader can take in at a glance."""

from __future__ import annotations

import math

from hypothesis import example, given
from hypothesis import strategies as st

from xiangcun.indicators.chart import Series, line_chart, nice_ticks


def test_household_counts_get_round_axis_values() -> None:
    assert nice_ticks(220.9, 1374.1) == [0, 500, 1000, 1500]
    assert nice_ticks(0, 100) == [0, 25, 50, 75, 100]
    assert nice_ticks(41, 48) == [40, 42, 44, 46, 48]


@given(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(1e-3, 1e6, allow_nan=False),
)
@example(low=-5e-324, span=5.0)  # low / step underflows to -0.0: found by CI
def test_ticks_cover_the_values_in_equal_round_steps(low: float, span: float) -> None:
    high = low + span
    ticks = nice_ticks(low, high)
    assert ticks[0] <= low + 1e-9 * abs(low) and ticks[-1] >= high - 1e-9 * abs(high)
    assert 2 <= len(ticks) <= 8
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:], strict=False)}
    step = ticks[1] - ticks[0]
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 2.5, 5, 10))
    assert max(steps) - min(steps) <= 1e-6 * max(1.0, abs(step))


def test_chart_labels_the_axis_with_the_round_values() -> None:
    svg = line_chart([Series("累计改造", [(2021, 326), (2026, 1278)], "#2e6b4f")])
    assert ">1,500<" in svg and ">500<" in svg and "797.5" not in svg


def test_an_axis_under_values_from_zero_does_not_go_negative() -> None:
    svg = line_chart([Series("普及率", [(2021, 0.0), (2025, 5.0)], "#2e6b4f")])
    assert ">-" not in svg and ">0<" in svg
