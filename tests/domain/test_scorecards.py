"""Scorecards against the hand-computed example of docs/assessment.md (部门和乡镇考核)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiangcun.domain import scorecards as sc

AGRICULTURE = sc.Facts(
    unit="农业农村局",
    target_statuses=["已达标", "正常推进", "进度偏慢", "严重滞后", "数据不足"],
    tasks_due=4, tasks_on_time=3, reports_due=8, reports_on_time=6,
    data_due=5, data_on_time=4, data_reported=5, data_returned=1,
)  # fmt: skip
TOWNSHIP = sc.Facts(
    unit="甲镇",
    target_statuses=["已达标", "未达标"],
    reports_due=4, reports_on_time=3, data_due=10, data_on_time=9, data_reported=10, data_returned=2,
    steps_pending=8, steps_overdue=2, projects_due=5, projects_done=4,
)  # fmt: skip


def test_each_item_of_a_department():
    lines = {ln.code: ln for ln in sc.scorecard(AGRICULTURE, "department").lines}
    assert lines["targets"].score == pytest.approx(72.5)  # (100 + 100 + 60 + 30) ÷ 4
    assert lines["targets"].explanation == (
        "指标目标进度：4 项目标，已达标 1、正常推进 1、进度偏慢 1、严重滞后 1（数据不足 1 项不计）；"
        "得分 = (1×100 + 1×100 + 1×60 + 1×30) ÷ 4 = 72.5"
    )
    assert lines["tasks_on_time"].score == 75.0
    assert (
        lines["tasks_on_time"].explanation
        == "任务按时完成：到期任务 4 项，按时完成 3 项；得分 = 3 ÷ 4 × 100 = 75.0"
    )
    assert lines["task_reports"].score == 75.0
    assert lines["data_timeliness"].score == 80.0
    assert lines["data_returns"].score == 80.0
    assert lines["data_returns"].explanation.endswith("得分 = (1 − 1 ÷ 5) × 100 = 80.0")


def test_department_total():
    card = sc.scorecard(AGRICULTURE, "department")
    # (35×72.5 + 30×75 + 15×75 + 10×80 + 10×80) ÷ 100 = 75.125
    assert card.score == pytest.approx(75.125)
    assert card.explanation == "总分 = (35×72.5 + 30×75.0 + 15×75.0 + 10×80.0 + 10×80.0) ÷ 100 = 75.1"


def test_township_items_and_weights_shared_when_an_item_has_no_data():
    card = sc.scorecard(TOWNSHIP, "township")
    lines = {ln.code: ln for ln in card.lines}
    assert lines["targets"].score == 50.0
    assert lines["tasks_on_time"].score is None and "没有到期任务" in lines["tasks_on_time"].explanation
    assert lines["case_steps"].score == 75.0  # (1 − 2 ÷ 8) × 100
    assert lines["rechecks"].score is None
    assert lines["projects"].score == 80.0
    # (25×50 + 10×75 + 10×90 + 5×80 + 20×75 + 15×80) ÷ 85 = 6000 ÷ 85
    assert card.score == pytest.approx(6000 / 85)
    assert card.explanation.endswith(
        "÷ 85 = 70.6（任务按时完成、风险消除户回头看无数据，其权重按比例分给其余项目）"
    )


def test_no_data_at_all():
    card = sc.scorecard(sc.Facts(unit="空"), "department")
    assert card.score is None and card.explanation == "总分：没有可计分的项目"


def test_weights_are_checked():
    assert sc.check_weights({"targets": 50}, "department")["targets"] == 50
    with pytest.raises(ValueError, match="没有这些项目"):
        sc.check_weights({"projects": 10}, "department")
    with pytest.raises(ValueError, match="负数"):
        sc.check_weights({"targets": -1}, "department")
    with pytest.raises(ValueError, match="全为 0"):
        sc.check_weights(dict.fromkeys(sc.DEFAULT_WEIGHTS["department"], 0), "department")


def test_ranks_and_rank_ranges():
    assert sc.ranks([75.1, 80.0, 75.1, None]) == [2, 1, 2, None]
    strong_tasks = sc.Facts(unit="乙", target_statuses=["未达标"], tasks_due=2, tasks_on_time=2)
    strong_targets = sc.Facts(unit="甲", target_statuses=["已达标"], tasks_due=2, tasks_on_time=0)
    cards = sc.rank_all([strong_tasks, strong_targets], "department")
    # Default weights: targets 35 > tasks 30, so 甲 leads; doubling tasks or leaving out targets turns it round.
    assert [(c.unit, c.rank, c.best_rank, c.worst_rank) for c in cards] == [("甲", 1, 1, 2), ("乙", 2, 1, 2)]
    assert sc.rank_under([strong_tasks, strong_targets], "department", {"targets": 10}) == [1, 2]


COUNTS = st.integers(0, 6)
FACTS = st.builds(
    lambda statuses, a, b, c, d, e: sc.Facts(
        unit="", target_statuses=statuses, tasks_due=a, tasks_on_time=min(a, b), steps_pending=c,
        steps_overdue=min(c, d), projects_due=e, projects_done=min(e, b),
    ),
    st.lists(st.sampled_from([*sc.STATUS_POINTS, sc.NO_DATA_STATUS]), max_size=4),
    COUNTS, COUNTS, COUNTS, COUNTS, COUNTS,
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(FACTS, max_size=12), st.sampled_from(list(sc.KINDS)))
def test_rank_ranges_are_the_ranks_under_each_weighting(facts, kind) -> None:  # type: ignore[no-untyped-def]
    # the page ranks 400 townships under 18 weightings as arrays; each unit's range must be what the
    # plain definition gives: its best and worst rank under every weighting of `scenarios`
    facts = [sc.Facts(**{**vars(f), "unit": f"单位{i:02d}", "key": i}) for i, f in enumerate(facts)]
    per_weighting = [
        sc.ranks([sc.weighted(sc.item_scores(f), w) for f in facts]) for _, w in sc.scenarios(kind, {})
    ]
    expected = {}
    for i, f in enumerate(facts):
        seen = [r[i] for r in per_weighting if r[i] is not None]
        expected[f.key] = (min(seen), max(seen)) if seen else (None, None)
    assert {c.key: (c.best_rank, c.worst_rank) for c in sc.rank_all(facts, kind)} == expected
