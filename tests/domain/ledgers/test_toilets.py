from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from xiangcun.domain.ledgers import toilets


def _row(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"row": 2, "household_code": "H1", "name": "", "village": "", "year": 2023, "model": "三格式",
                            "cost": Decimal(3000), "subsidy": Decimal(1000), "use_status": "正常使用", "problems": ""}  # fmt: skip
    for stage, _ in toilets.STAGES:
        base[f"{stage}_date"], base[f"{stage}_by"] = None, ""
    return base | values


def test_state_is_the_first_stage_not_yet_accepted() -> None:
    assert toilets.state(_row()) == "待施工方验收"
    assert toilets.state(_row(contractor_date=dt.date(2023, 5, 1))) == "待村验收"
    full = {f"{s}_date": dt.date(2023, 6, 1) for s, _ in toilets.STAGES}
    assert toilets.state(_row(**full)) == "已验收"


def test_acceptance_goes_in_order_with_dates_and_who() -> None:
    ok = _row(
        contractor_date=dt.date(2023, 5, 1),
        contractor_by="某建筑队",
        village_date=dt.date(2023, 5, 3),
        village_by="村委",
    )
    assert toilets.check(ok, 2026) == []
    skipped = _row(township_date=dt.date(2023, 5, 1), township_by="镇干部")
    assert [e.message for e in toilets.check(skipped, 2026)] == [
        "须先经施工方、村验收（验收顺序：施工方→村→镇→县）"
    ]
    backwards = _row(
        contractor_date=dt.date(2023, 5, 9),
        contractor_by="甲",
        village_date=dt.date(2023, 5, 1),
        village_by="乙",
    )
    assert "早于施工方验收日期 2023-05-09" in toilets.check(backwards, 2026)[0].message
    nobody = _row(contractor_date=dt.date(2023, 5, 9))
    assert [e.message for e in toilets.check(nobody, 2026)] == ["请填写施工方验收人"]
    early = _row(contractor_date=dt.date(2022, 5, 9), contractor_by="甲")
    assert "早于改造年份 2023 年" in toilets.check(early, 2026)[0].message


def test_who_the_row_is_money_and_year() -> None:
    assert (
        "未登记的农户请填写户主姓名和所在村"
        in toilets.check(_row(household_code=None, name="张三"), 2026)[0].message
    )
    assert toilets.check(_row(household_code=None, name="张三", village="甲一村"), 2026) == []
    assert "多于改造费用" in toilets.check(_row(subsidy=Decimal(5000)), 2026)[0].message
    assert "不在 2000–2026 之间" in toilets.check(_row(year=2027), 2026)[0].message


def test_yearly_plan_from_the_jiaocheng_clause() -> None:
    # what the plan reader gives for a clause with a five-year total, each year's number and a 2025 coverage rate
    quote = "2021-2025年共改造农村户厕6500户"
    targets = [{"subject": "改造农村户厕数量", "value": 6500.0, "unit": "户", "year": 2025, "quote": quote}]
    targets += [{"subject": "改造农村户厕数量", "value": v, "unit": "户", "year": y, "quote": f"{y}年{v:g}户"}
                for y, v in ((2021, 2000.0), (2022, 1300.0), (2023, 1200.0), (2024, 1000.0), (2025, 1000.0))]  # fmt: skip
    targets.append({"subject": "农村卫生厕所普及率", "value": 85.48, "unit": "%", "year": 2025, "quote": "…"})
    targets.append({"subject": "高标准农田", "value": 3.0, "unit": "万亩", "year": 2025, "quote": "…"})
    years, total = toilets.plan_from_targets(targets)
    assert [(p.year, p.planned) for p in years] == [
        (2021, 2000),
        (2022, 1300),
        (2023, 1200),
        (2024, 1000),
        (2025, 1000),
    ]
    assert total == 6500 == sum(p.planned for p in years)


def test_progress_against_the_plan_year_by_year() -> None:
    rows = toilets.progress(
        {2021: 2000, 2022: 1300, 2023: 1200}, {2021: 2100, 2022: 900, 2024: 50}, {2021: 2000}
    )
    assert [p.year for p in rows] == [2021, 2022, 2023, 2024]
    first, second, third, fourth = rows
    assert (first.rate, first.behind) == (105.0, False)
    assert second.behind and round(second.rate or 0, 1) == 69.2
    assert (third.converted, third.behind, third.cumulative_planned, third.cumulative_converted) == (
        0,
        True,
        4500,
        3000,
    )
    assert (fourth.planned, fourth.rate, fourth.behind, fourth.cumulative_planned) == (
        None,
        None,
        False,
        4500,
    )
    assert round(fourth.cumulative_rate or 0, 2) == 67.78 and fourth.cumulative_accepted == 2000
    assert toilets.progress({}, {}, {}) == []


def test_coverage() -> None:
    assert toilets.coverage(600, 250, 1000) == 85.0
    assert toilets.coverage(900, 250, 1000) == 100.0
    assert toilets.coverage(1, 1, 0) is None
