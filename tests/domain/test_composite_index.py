"""Hand-computed index cases."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from xiangcun.domain.composite_index import DIMENSIONS, composite, entropy_weights, ranks, scores, sensitivity

DIM = np.array(DIMENSIONS)  # one indicator per dimension


def test_distance_to_target_scores_are_direction_aware_and_capped():
    values = np.array([[75.0, 33.0, 120.0, 10.0, np.nan]])
    baseline = np.array([65.0, 37.5, 50.0, 20.0, 1.0])
    target = np.array([85.0, 29.5, 100.0, 30.0, 2.0])
    s = scores(values, baseline, target)[0]
    assert s[0] == 50.0  # (75 − 65) / (85 − 65)
    assert math.isclose(s[1], 4.5 / 8 * 100)  # Engel: lower is better, (33 − 37.5) / (29.5 − 37.5)
    assert s[2] == 100.0 and s[3] == 0.0  # capped both ways
    assert np.isnan(s[4])  # missing stays missing


def test_dimension_and_overall_scores_with_equal_weights():
    values = np.array([[75.0, 33.0, 75.0, 25.0, 30.0]])
    baseline = np.array([65.0, 37.5, 50.0, 20.0, 20.0])
    target = np.array([85.0, 29.5, 100.0, 30.0, 40.0])
    result = composite(values, baseline, target, DIM)
    expected = [50.0, 56.25, 50.0, 50.0, 50.0]
    assert np.allclose(result.dimension_scores[0], expected)
    assert math.isclose(result.overall[0], sum(expected) / 5)


def test_missing_data_is_shown_not_zero():
    dims = np.array(["产业兴旺", "产业兴旺", "生态宜居", "乡风文明", "治理有效", "生活富裕"])
    base, target = np.zeros(6), np.full(6, 100.0)
    one_missing = np.array([[40.0, np.nan, 50, 50, 50, 50]])
    result = composite(one_missing, base, target, dims)
    assert result.dimension_scores[0, 0] == 40.0 and result.coverage[0, 0] == 0.5  # half the weight has data
    assert not np.isnan(result.overall[0])
    both_missing = np.array([[np.nan, np.nan, 50, 50, 50, 50]])
    result = composite(both_missing, base, target, dims)
    assert np.isnan(result.dimension_scores[0, 0]) and np.isnan(result.overall[0])


def test_entropy_weights_favour_indicators_that_separate_regions():
    s = np.array([[50.0, 10.0], [50.0, 90.0], [50.0, 50.0]])
    w = entropy_weights(s)
    assert w[1] > w[0] and w[0] < 1e-6


def test_geometric_mean_penalises_imbalance():
    values = np.array([[100.0, 0.0, 100.0, 100.0, 100.0], [75.0, 75.0, 75.0, 75.0, 75.0]])
    base, target = np.zeros(5), np.full(5, 100.0)
    arithmetic = composite(values, base, target, DIM).overall
    geometric = composite(values, base, target, DIM, geometric=True).overall
    assert arithmetic[0] > arithmetic[1] and geometric[0] < geometric[1]


def test_ranks_and_sensitivity():
    assert list(ranks(np.array([50.0, np.nan, 70.0]))) == [2, 0, 1]
    values = np.array([[100.0, 0.0, 100.0, 100.0, 100.0], [75.0] * 5, [10.0] * 5])
    runs = sensitivity(values, np.zeros(5), np.full(5, 100.0), DIM)
    assert list(runs["等权·算术平均"]) == [1, 2, 3]
    assert list(runs["等权·几何平均"]) == [2, 1, 3]
    assert list(runs["最好名次"]) == [1, 1, 3] and list(runs["最差名次"]) == [2, 2, 3]


@settings(max_examples=100, deadline=None)
@given(arrays(float, (4, 5), elements=st.one_of(st.floats(-1e6, 1e6), st.just(np.nan))),
       arrays(float, 5, elements=st.floats(-1e3, 1e3)), arrays(float, 5, elements=st.floats(-1e3, 1e3)))  # fmt: skip
def test_scores_stay_within_0_and_100(values, baseline, target) -> None:  # type: ignore[no-untyped-def]
    result = composite(values, baseline, target, DIM)
    finite = result.overall[~np.isnan(result.overall)]
    assert ((finite >= 0) & (finite <= 100)).all()
