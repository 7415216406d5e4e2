import datetime as dt

import pytest

from xiangcun.domain.households.cases import (
    STEPS,
    CaseError,
    CaseState,
    elimination_blockers,
    overdue,
    recheck_date,
    record_step,
    start_elimination,
)

TODAY = dt.date(2026, 6, 1)


def admit() -> CaseState:
    state = CaseState()
    for role in ("village_reporter", "village_reporter", "township_admin", "county_admin"):
        state = record_step(state, role, True, "")
    return state


def test_happy_path_admits_then_clears():
    state = admit()
    assert state.phase == "帮扶" and [h[1] for h in state.history] == list(STEPS)
    state = start_elimination(state, elimination_blockers([], ["普通劳动力"], dt.date(2025, 6, 1), TODAY))
    for role in ("village_reporter", "township_admin", "township_admin", "county_admin"):
        state = record_step(state, role, True, "")
    assert state.phase == "已消除"


def test_any_step_may_decline_with_a_reason():
    state = record_step(CaseState(), "village_reporter", True, "")
    with pytest.raises(CaseError, match="写明原因"):
        record_step(state, "village_reporter", False, " ")
    declined = record_step(state, "village_reporter", False, "收入已稳定")
    assert declined.phase == "未纳入" and declined.history[-1] == ("识别", "村内评议", False, "收入已稳定")


def test_roles_are_checked_per_step():
    state = CaseState(step=3)
    with pytest.raises(CaseError, match="县级审定"):
        record_step(state, "township_admin", True, "")


def test_elimination_is_refused_for_households_without_labour():
    reasons = elimination_blockers([], ["丧失劳动力", "无劳动力"], dt.date(2024, 1, 1), TODAY)
    assert reasons and "整户无劳动力" in reasons[0]
    with pytest.raises(CaseError, match="整户无劳动力"):
        start_elimination(admit(), reasons)


def test_elimination_needs_income_security_and_a_minimum_period():
    assert "人均纯收入仍低于监测标准" in elimination_blockers(
        ["INCOME_BELOW"], ["普通劳动力"], dt.date(2024, 1, 1), TODAY
    )
    assert "住房仍不安全" in elimination_blockers(["HOUSING"], ["普通劳动力"], dt.date(2024, 1, 1), TODAY)
    assert any(
        "不足 180 天" in r for r in elimination_blockers([], ["普通劳动力"], dt.date(2026, 3, 1), TODAY)
    )
    assert elimination_blockers(["MULTI_IDENTITY"], ["普通劳动力"], dt.date(2025, 1, 1), TODAY) == []


def test_deadlines_and_recheck():
    assert overdue("入户核实", dt.date(2026, 5, 20), TODAY) == 5  # 12 days, 7 allowed
    assert overdue("县级审定", dt.date(2026, 5, 20), TODAY) == 0
    assert overdue(None, dt.date(2020, 1, 1), TODAY) == 0
    assert recheck_date(dt.date(2026, 1, 1)) == dt.date(2026, 6, 30)
