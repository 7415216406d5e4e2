import datetime as dt

import pytest

from xiangcun.domain.households.cases import (
    CATEGORY_CODES,
    MEASURE_CATALOG,
    MEASURES,
    STEPS,
    CaseError,
    CaseState,
    check_admission,
    check_deadlines,
    check_opening,
    elimination_blockers,
    overdue,
    overdue_cases,
    recheck_date,
    recheck_due,
    record_step,
    start_elimination,
    without_labour,
)
from xiangcun.domain.households.screening import RULE_CODES

TODAY = dt.date(2026, 6, 1)
LONG_AGO = dt.date(2025, 6, 1)


def admit() -> CaseState:
    state = CaseState()
    for role in ("village_reporter", "village_reporter", "township_admin", "county_admin"):
        state = record_step(state, role, True, "")
    return state


def test_happy_path_admits_assists_then_clears_with_a_recheck():
    state = admit()
    assert state.phase == "帮扶" and [h[1] for h in state.history] == list(STEPS)
    state = start_elimination(state, elimination_blockers([], ["普通劳动力", "无劳动力"], LONG_AGO, TODAY))
    assert (state.phase, state.step_name) == ("消除", "入户核实")
    for role in ("village_reporter", "township_admin", "township_admin", "county_admin"):
        state = record_step(state, role, True, "")
    assert state.phase == "已消除" and state.step_name is None and len(state.history) == 8
    assert recheck_date(TODAY) == dt.date(2026, 11, 28)
    assert recheck_due(dt.date(2026, 11, 28), dt.date(2026, 11, 28)) and not recheck_due(None, TODAY)


@pytest.mark.parametrize("at", range(4))
def test_any_identification_step_may_decline_with_a_reason(at: int) -> None:
    state = CaseState()
    for role in ("county_admin",) * at:
        state = record_step(state, role, True, "")
    with pytest.raises(CaseError, match="写明原因"):
        record_step(state, "county_admin", False, " ")
    declined = record_step(state, "county_admin", False, "收入已稳定")
    assert declined.phase == "未纳入" and declined.history[-1] == ("识别", STEPS[at], False, "收入已稳定")
    with pytest.raises(CaseError, match="没有待办"):
        record_step(declined, "county_admin", True, "")


def test_a_declined_elimination_goes_back_to_assistance():
    state = start_elimination(admit(), [])
    state = record_step(state, "village_reporter", True, "")
    state = record_step(state, "village_reporter", False, "村内评议认为收入尚不稳定")
    assert state.phase == "帮扶"


def test_roles_are_checked_per_step():
    with pytest.raises(CaseError, match="县级审定"):
        record_step(CaseState(step=3), "township_admin", True, "")


def test_elimination_is_refused_for_a_household_without_labour():
    assert without_labour(["丧失劳动力", "无劳动力"]) and not without_labour([])
    assert not without_labour(["无劳动力", "弱劳动力"])
    reasons = elimination_blockers([], ["丧失劳动力", "无劳动力"], dt.date(2020, 1, 1), TODAY)
    assert reasons == ["整户无劳动力：落实社会保障兜底措施后继续监测，不标注风险消除"]
    with pytest.raises(CaseError, match="不能申请风险消除：整户无劳动力"):
        start_elimination(admit(), reasons)


def test_elimination_needs_stable_income_security_and_the_minimum_period():
    work = ["普通劳动力"]
    assert elimination_blockers(["INCOME_BELOW"], work, LONG_AGO, TODAY) == ["人均纯收入仍低于监测标准"]
    for code, text in (("SCHOOLING", "失学"), ("MEDICAL_INSURANCE", "基本医保"), ("HOUSING", "住房"),
                       ("WATER", "饮水"), ("INCOME_DROP", "大幅下降"), ("RIGID_EXPENSE", "刚性支出")):  # fmt: skip
        assert text in elimination_blockers([code], work, LONG_AGO, TODAY)[0]
    # 180 days by default: 179 days is too short, 180 is enough
    assert "不足 180 天" in elimination_blockers([], work, TODAY - dt.timedelta(days=179), TODAY)[0]
    assert elimination_blockers([], work, TODAY - dt.timedelta(days=180), TODAY) == []
    assert elimination_blockers([], work, TODAY - dt.timedelta(days=200), TODAY, minimum_days=365) != []
    assert elimination_blockers([], work, None, TODAY) == ["尚未落实帮扶措施"]
    assert "缺少最近年度" in elimination_blockers([], work, LONG_AGO, TODAY, income_known=False)[0]
    assert elimination_blockers(["MULTI_IDENTITY", "SELF_APPLIED"], work, LONG_AGO, TODAY) == []
    with pytest.raises(CaseError, match="只有帮扶中"):
        start_elimination(CaseState(), [])


def test_opening_and_admission_checks():
    check_opening("农户自主申报")
    check_opening("筛查规则", ["HOUSING"], RULE_CODES)
    with pytest.raises(CaseError, match="注明触发的规则"):
        check_opening("筛查规则")
    with pytest.raises(CaseError, match="发现渠道"):
        check_opening("电话")
    with pytest.raises(CaseError, match="未知的筛查规则"):
        check_opening("筛查规则", ["NOPE"], RULE_CODES)
    check_admission("边缘易致贫户", ["因病", "因学"])
    with pytest.raises(CaseError, match="监测类别"):
        check_admission("贫困户", ["因病"])
    with pytest.raises(CaseError, match="至少一种"):
        check_admission("脱贫不稳定户", [])
    assert set(CATEGORY_CODES.values()) == {"unstable", "marginal", "sudden_hardship"}


def test_the_measure_catalog_names_a_department_for_each_measure():
    names = {m.name for m in MEASURE_CATALOG}
    for required in ("小额信贷", "雨露计划", "产业帮扶", "低保", "特困供养", "残疾人两项补贴", "教育资助", "医疗保障",
                     "住房安全", "饮水", "公益性岗位", "以工代赈"):  # fmt: skip
        assert required in names
    assert all(department for _, department in MEASURES)


def test_deadlines_overdue_and_configuration():
    assert overdue("入户核实", dt.date(2026, 5, 20), TODAY) == 5  # 12 days, 7 allowed
    assert overdue("县级审定", dt.date(2026, 5, 20), TODAY) == 0
    assert overdue("入户核实", dt.date(2026, 5, 20), TODAY, {"入户核实": 3}) == 9
    assert overdue(None, dt.date(2020, 1, 1), TODAY) == 0
    late = overdue_cases([(1, "入户核实", dt.date(2026, 5, 20)), (2, "乡镇审核", dt.date(2026, 4, 1)),
                          (3, None, dt.date(2020, 1, 1)), (4, "县级审定", TODAY)], TODAY)  # fmt: skip
    assert late == [(2, "乡镇审核", 51), (1, "入户核实", 5)]
    assert check_deadlines({"乡镇审核": 5})["乡镇审核"] == 5
    with pytest.raises(CaseError, match="正整数"):
        check_deadlines({"乡镇审核": 0})
    with pytest.raises(CaseError, match="未知的步骤"):
        check_deadlines({"审批": 3})
