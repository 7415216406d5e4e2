from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xiangcun.domain.assets import disclosure
from xiangcun.domain.assets.distribution import (
    NO_HANDOUTS,
    DistributionError,
    Share,
    amount,
    check_share,
    check_total,
    totals_by_use,
)
from xiangcun.domain.assets.ledger import owner_type, warning_list, warnings_for


def test_money_to_households_needs_work_or_a_reason():
    check_share(Share("管护运行", Decimal("1000")))  # to the village: fine
    check_share(Share("巩固帮扶", Decimal("600"), "A001", "公益性岗位", work="护林员 6 个月"))
    check_share(Share("巩固帮扶", Decimal("600"), "A001", "劳务", work="道路维修 10 天"))
    check_share(Share("巩固帮扶", Decimal("600"), "A001", "帮扶", reason="患大病医疗自付过高"))
    for share in (
        Share("巩固帮扶", Decimal("600"), "A001"),  # a plain hand-out
        Share("巩固帮扶", Decimal("600"), "A001", "公益性岗位"),
        Share("其他", Decimal("600"), "A001", "帮扶", work="x"),
    ):
        with pytest.raises(DistributionError) as caught:
            check_share(share)
        assert NO_HANDOUTS in str(caught.value)


def test_basis_without_household_and_unknown_use_are_refused():
    with pytest.raises(DistributionError) as caught:
        check_share(Share("分红", Decimal("1"), "", "劳务", work="x"))
    assert set(caught.value.errors) == {"use", "household"}


def test_amounts_are_exact_and_distributions_stay_within_income():
    assert amount("1,234.50") == Decimal("1234.50")
    for bad in ("0", "-1", "1.001", "abc", "NaN"):
        with pytest.raises(DistributionError):
            amount(bad)
    check_total(Decimal("100.00"), Decimal("60.00"), Decimal("40.00"))
    with pytest.raises(DistributionError, match="尚可分配 40.00 元"):
        check_total(Decimal("100.00"), Decimal("60.00"), Decimal("40.01"))
    assert totals_by_use([("管护运行", Decimal("1.10")), ("管护运行", Decimal("2.20"))])[
        "管护运行"
    ] == Decimal("3.30")


def test_publicity_lasts_at_least_the_minimum_days_counting_both_ends():
    start = dt.date(2025, 3, 1)
    disclosure.check_period(start, dt.date(2025, 3, 10))  # 10 days
    with pytest.raises(disclosure.DisclosureError, match="最早 2025-03-10 结束"):
        disclosure.check_period(start, dt.date(2025, 3, 9))
    with pytest.raises(disclosure.DisclosureError, match="不少于 15 天"):
        disclosure.check_period(start, dt.date(2025, 3, 10), 15)
    with pytest.raises(disclosure.DisclosureError, match="不能早于"):
        disclosure.check_period(start, dt.date(2025, 2, 1))
    assert disclosure.state(start, dt.date(2025, 3, 10), dt.date(2025, 3, 8)).remaining == 3


def test_warnings_and_owner_types():
    assert [w.rule for w in warnings_for({"category": "经营性", "operating_mode": "", "state": "闲置"})] == [
        "NO_OPERATOR",
        "IDLE",
    ]
    assert [
        w.rule for w in warnings_for({"category": "公益性", "custodian_person": " ", "state": "损毁"})
    ] == [
        "NO_CUSTODIAN",
        "DAMAGED",
    ]
    assert (
        warning_list([{"category": "经营性", "state": "已处置"}, {"category": "公益性", "draft": True}]) == []
    )
    assert owner_type("甲一村股份经济合作社") == "村集体经济组织"
    assert owner_type("甲镇人民政府") == "乡镇"
    assert owner_type("县农业农村局") == "县直部门"
    assert owner_type("农户") == "农户"
    assert owner_type("某某农业科技有限公司") == "其他主体"
