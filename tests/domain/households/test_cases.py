import datetime as dt

import pytest

from xiangcun.domain.households.cases import (
    CATEGORY_CODES,
    DEFAULT_DEADLINES,
    DEFAULT_IDENTIFICATION_DAYS,
    DEFAULT_PUBLICITY_DAYS,
    MEASURE_CATALOG,
    MEASURES,
    STEP_FACTS,
    STEPS,
    CaseError,
    CaseState,
    Policy,
    StepFactsError,
    check_admission,
    check_deadlines,
    check_opening,
    check_policy,
    check_separation,
    check_step,
    deadline_warnings,
    elimination_blockers,
    identification_clock,
    overdue,
    overdue_cases,
    recheck_date,
    recheck_due,
    record_step,
    separation_pairs,
    start_elimination,
    without_labour,
)
from xiangcun.domain.households.screening import RULE_CODES

TODAY = dt.date(2026, 6, 1)
LONG_AGO = dt.date(2025, 6, 1)
# The facts each step needs to pass (notice 2026-05-20 to 05-24, over by TODAY).
GOOD = {
    "入户核实": ("入户看了：务工收入下降，医疗自付支出大", {"reason": "筛查预警：收入低于监测标准"}),
    "村内评议": ("", {"meeting_date": "2026-05-18", "attendance": "23", "presider": "王支书"}),
    "村内公示": ("", {"start": "2026-05-20", "end": "2026-05-24", "objections": ""}),
    "乡镇审核": ("同意", {}),
    "县级审定": ("同意纳入", {}),
}
ROLES = ("village_reporter", "village_reporter", "village_reporter", "township_admin", "county_admin")


def step(state: CaseState, role: str, passed: bool = True, note: str | None = None) -> CaseState:
    default_note, facts = GOOD[state.step_name or ""]
    return record_step(state, role, passed, default_note if note is None else note, facts, today=TODAY)


def admit() -> CaseState:
    state = CaseState()
    for role in ROLES:
        state = step(state, role)
    return state


def test_happy_path_admits_assists_then_clears_with_a_recheck():
    state = admit()
    assert state.phase == "帮扶" and [h[1] for h in state.history] == list(STEPS)
    state = start_elimination(state, elimination_blockers([], ["普通劳动力", "无劳动力"], LONG_AGO, TODAY))
    assert (state.phase, state.step_name) == ("消除", "入户核实")
    for role in ("village_reporter", "township_admin", "village_reporter", "township_admin", "county_admin"):
        state = step(state, role)
    assert state.phase == "已消除" and state.step_name is None and len(state.history) == 10
    assert recheck_date(TODAY) == dt.date(2026, 11, 28)
    assert recheck_due(dt.date(2026, 11, 28), dt.date(2026, 11, 28)) and not recheck_due(None, TODAY)


@pytest.mark.parametrize("at", range(5))
def test_any_identification_step_may_decline_with_a_reason(at: int) -> None:
    state = CaseState()
    for _ in range(at):
        state = step(state, "county_admin")
    with pytest.raises(CaseError):
        step(state, "county_admin", False, " ")
    declined = step(state, "county_admin", False, "收入已稳定")
    assert declined.phase == "未纳入" and declined.history[-1] == ("识别", STEPS[at], False, "收入已稳定")
    with pytest.raises(CaseError, match="没有待办"):
        record_step(declined, "county_admin", True, "同意", today=TODAY)


def test_a_declined_elimination_goes_back_to_assistance():
    state = start_elimination(admit(), [])
    state = step(state, "village_reporter")
    state = step(state, "township_admin", False, "村内评议认为收入尚不稳定")
    assert state.phase == "帮扶"


def test_roles_are_checked_per_step():
    with pytest.raises(CaseError, match="县级审定"):
        step(CaseState(step=4), "township_admin")


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
    assert overdue("入户核实", dt.date(2026, 5, 20), TODAY) == 9  # 12 days, 3 allowed
    assert overdue("县级审定", dt.date(2026, 5, 31), TODAY) == 0  # 1 day, 2 allowed
    assert overdue("村内公示", dt.date(2026, 5, 20), TODAY) == 6  # 12 days, 6 allowed
    assert overdue("入户核实", dt.date(2026, 5, 20), TODAY, {"入户核实": 7}) == 5
    assert overdue(None, dt.date(2020, 1, 1), TODAY) == 0
    late = overdue_cases([(1, "入户核实", dt.date(2026, 5, 20)), (2, "乡镇审核", dt.date(2026, 4, 1)),
                          (3, None, dt.date(2020, 1, 1)), (4, "县级审定", TODAY)], TODAY)  # fmt: skip
    assert late == [(2, "乡镇审核", 59), (1, "入户核实", 9)]
    assert check_deadlines({"乡镇审核": 5})["乡镇审核"] == 5
    with pytest.raises(CaseError, match="正整数"):
        check_deadlines({"乡镇审核": 0})
    with pytest.raises(CaseError, match="未知的步骤"):
        check_deadlines({"审批": 3})


def test_verification_needs_a_reason_and_findings():
    """The defect: 入户核实 passed with an empty reason on one click."""
    with pytest.raises(StepFactsError) as exc:
        record_step(CaseState(), "village_reporter", True, "", {}, today=TODAY)
    assert set(exc.value.errors) == {"reason", "note"} and "核实事由" in exc.value.errors["reason"]
    with pytest.raises(StepFactsError, match="入户核实的情况"):
        record_step(CaseState(), "village_reporter", True, " ", {"reason": "筛查预警"}, today=TODAY)
    assert step(CaseState(), "village_reporter").step_name == "村内评议"
    assert [key for key, _ in STEP_FACTS["村内评议"]] == ["meeting_date", "attendance", "presider", "note"]


def test_the_village_meeting_needs_its_date_attendance_and_chair():
    state = step(CaseState(), "village_reporter")
    for facts, field, message in (
        ({"attendance": "20", "presider": "王"}, "meeting_date", "评议日期"),
        ({"meeting_date": "2026-06-02", "attendance": "20", "presider": "王"}, "meeting_date", "不能晚于今天"),
        ({"meeting_date": "2026-05-01", "attendance": "20", "presider": "王"}, "meeting_date", "不能早于发现日期"),
        ({"meeting_date": "2026-05-18", "attendance": "0", "presider": "王"}, "attendance", "参会人数"),
        ({"meeting_date": "2026-05-18", "attendance": "二十", "presider": "王"}, "attendance", "参会人数"),
        ({"meeting_date": "2026-05-18", "attendance": "20"}, "presider", "主持人"),
    ):  # fmt: skip
        with pytest.raises(StepFactsError) as exc:
            record_step(state, "township_admin", True, "", facts, today=TODAY, opened=dt.date(2026, 5, 10))
        assert message in exc.value.errors[field]
    cleaned = check_step(
        "村内评议", True, "", {"meeting_date": "2026-05-18", "attendance": " 23 ", "presider": "王"}, TODAY
    )
    assert cleaned == {"meeting_date": "2026-05-18", "attendance": 23, "presider": "王"}


def test_the_notice_lasts_at_least_five_days_records_objections_and_must_be_over():
    state = CaseState(step=2)
    ok = {"start": "2026-05-20", "end": "2026-05-24", "objections": ""}
    assert step(state, "village_reporter").step_name == "乡镇审核"
    with pytest.raises(StepFactsError, match="不少于 5 天"):  # 20–23 is four days
        record_step(state, "village_reporter", True, "", {**ok, "end": "2026-05-23"}, today=TODAY)
    with pytest.raises(StepFactsError, match="公示结束后"):  # the last day itself is still the notice
        record_step(state, "village_reporter", True, "", ok, today=dt.date(2026, 5, 24))
    assert record_step(state, "village_reporter", True, "", ok, today=dt.date(2026, 5, 25)).step == 3
    with pytest.raises(StepFactsError, match="处理情况"):
        record_step(state, "village_reporter", True, "", {**ok, "objections": "邻居反映其有车"}, today=TODAY)
    handled = {**ok, "objections": "邻居反映其有车", "handling": "核实为亲属车辆，异议不成立"}
    assert record_step(state, "village_reporter", True, "", handled, today=TODAY).step == 3
    with pytest.raises(StepFactsError, match="不早于|不能早于"):
        record_step(state, "village_reporter", True, "", ok, today=TODAY, review_date=dt.date(2026, 5, 21))
    # An upheld objection may end the case before the notice is over, with a reason.
    declined = record_step(state, "village_reporter", False, "异议成立", {**handled, "handling": "异议成立"},
                           today=dt.date(2026, 5, 21))  # fmt: skip
    assert declined.phase == "未纳入"
    # A county may require a longer notice.
    with pytest.raises(StepFactsError, match="不少于 7 天"):
        record_step(state, "village_reporter", True, "", ok, today=TODAY, policy=Policy(publicity_days=7))


def test_township_and_county_need_an_opinion():
    for at, role in ((3, "township_admin"), (4, "county_admin")):
        with pytest.raises(StepFactsError, match="意见"):
            record_step(CaseState(step=at), role, True, " ", today=TODAY)


def test_review_and_verification_by_different_people_where_the_county_says_so():
    """The defect: one account completed 入户核实 and 村内评议 a second apart."""
    state = record_step(CaseState(), "village_reporter", True, *GOOD["入户核实"], today=TODAY, actor=7)
    done = {"入户核实": 7}
    with pytest.raises(CaseError, match="不同人员"):
        record_step(state, "village_reporter", True, *GOOD["村内评议"], today=TODAY, actor=7, done_by=done)
    assert (
        record_step(
            state, "village_reporter", True, *GOOD["村内评议"], today=TODAY, actor=8, done_by=done
        ).step
        == 2
    )
    off = Policy(separate=separation_pairs(False))
    assert record_step(state, "village_reporter", True, *GOOD["村内评议"], today=TODAY, actor=7, done_by=done,
                       policy=off).step == 2  # fmt: skip
    strict = separation_pairs(all_steps_apart=True)
    assert len(strict) == 10
    with pytest.raises(CaseError, match="乡镇审核"):
        check_separation("县级审定", 3, {"乡镇审核": 3}, strict)
    check_separation("县级审定", 3, {"乡镇审核": 3}, separation_pairs())  # default: only 评议 vs 核实


def test_identification_clock_and_policy():
    clock = identification_clock(dt.date(2026, 5, 20), TODAY)
    assert (clock.used, clock.remaining, clock.overdue) == (12, 3, False)
    assert str(clock) == "已用 12 天，剩余 3 天（时限 15 天）"
    late = identification_clock(dt.date(2026, 5, 1), TODAY, 15)
    assert late.overdue and "超期 16 天" in str(late)
    assert identification_clock(dt.date(2026, 5, 17), TODAY).remaining == 0
    check_policy(5, 15)
    with pytest.raises(CaseError, match="不得少于 5 天"):
        check_policy(4, 15)
    with pytest.raises(CaseError, match="识别时限"):
        check_policy(10, 8)


def test_default_step_deadlines_fit_inside_the_identification_limit():
    """The defect: 7 + 7 + 10 + 10 + 15 = 49 days of steps against a 15-day limit, so a case could be past
    the 15-day clock with no step late. On time at every step now means identified in time."""
    assert sum(DEFAULT_DEADLINES.values()) <= DEFAULT_IDENTIFICATION_DAYS
    assert deadline_warnings(None, DEFAULT_PUBLICITY_DAYS, DEFAULT_IDENTIFICATION_DAYS) == []
    old = {"入户核实": 7, "村内评议": 7, "村内公示": 10, "乡镇审核": 10, "县级审定": 15}
    (warning,) = deadline_warnings(old, 5, 15)
    assert "合计 49 天" in warning and "超过识别时限 15 天" in warning
    assert deadline_warnings(None, 5, 12)[0].startswith(
        "各步骤办理时限合计 15 天"
    )  # a county's shorter limit
    (notice,) = deadline_warnings(None, 7, 30)  # a 7-day notice does not fit the 6-day notice step
    assert "「村内公示」步骤时限 6 天，短于公示期 7 天" in notice
