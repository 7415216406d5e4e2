"""Each rule firing and not firing, on households built by hand (year 2024, threshold 6000)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiangcun.domain.households.screening import (
    DEFAULT_ENABLED,
    RULE_CODES,
    RULES,
    ThresholdError,
    check_threshold,
    codes_of,
    default_threshold,
    fired,
    flagged,
    poverty_line,
    screen,
)

YEAR, THRESHOLD = 2024, 6000.0
MONEY = ("wage_income", "business_income", "business_cost", "property_income", "transfer_income",
         "medical_out_of_pocket", "education_cost")  # fmt: skip


def base_household(**kw: Any) -> dict[str, Any]:
    return {"household_type": "一般农户", "dibao": False, "tekun": "否", "housing_grade": "A", "water_safe": True,
            "self_applied": False, **kw}  # fmt: skip


def person(**kw: Any) -> dict[str, Any]:
    return {
        "birth_year": 1980,
        "schooling": "非在校",
        "disability_grade": "",
        "health": "健康",
        "basic_medical": True,
        **kw,
    }


def money(wage: float = 30000, **kw: float) -> dict[str, float]:
    return {"wage_income": wage, **{k: 0.0 for k in MONEY if k != "wage_income"}, **kw}


def run(cases: list[tuple[dict, list[dict], dict | None, dict | None]]) -> list[list[str]]:
    """cases: (household, members, this year's money or None, last year's money or None)."""
    households = {k: np.array([c[0][k] for c in cases]) for k in base_household()}
    owners = [i for i, c in enumerate(cases) for _ in c[1]]
    people = [p for c in cases for p in c[1]]
    members = {"household": np.array(owners, dtype=np.int64)}
    members.update({k: np.array([p[k] for p in people]) for k in person()})

    def frame(position: int) -> dict[str, np.ndarray]:
        rows = [(i, c[position]) for i, c in enumerate(cases) if c[position] is not None]
        result = {"household": np.array([i for i, _ in rows], dtype=np.int64)}
        result.update({k: np.array([r[k] for _, r in rows], dtype=float) for k in MONEY})
        return result

    results = screen(households, members, frame(2), frame(3), YEAR, THRESHOLD)
    return [fired(results, i) for i in range(len(cases))]


def test_a_comfortable_household_fires_nothing():
    assert run([(base_household(), [person(), person()], money(30000), money(30000))]) == [[]]


def test_income_rules():
    two = [person(), person()]
    results = run([
        (base_household(), two, money(11998), None),  # 5999 per person < 6000
        (base_household(), two, money(12000), None),  # exactly 6000: not below
        (base_household(), two, money(14000, medical_out_of_pocket=2001), None),  # 7000, minus 1000.5 → 5999.5
        (base_household(), two, money(14000), money(20000)),  # fell by exactly 30%
        (base_household(), two, money(14001), money(20000)),  # fell by a little less than 30%
        (base_household(), two, None, money(20000)),  # no row this year: no income rule
    ])  # fmt: skip
    assert results[0] == ["INCOME_BELOW"]
    assert results[1] == []
    assert results[2] == ["RIGID_EXPENSE"]
    assert results[3] == ["INCOME_DROP"]
    assert results[4] == []
    assert results[5] == []


def test_schooling_ages_and_the_disability_exemption():
    results = run([
        (base_household(), [person(), person(birth_year=2018)], money(), None),  # age 6, not in school
        (base_household(), [person(), person(birth_year=2009)], money(), None),  # age 15
        (base_household(), [person(), person(birth_year=2008)], money(), None),  # age 16: not compulsory
        (base_household(), [person(), person(birth_year=2019)], money(), None),  # age 5
        (base_household(), [person(), person(birth_year=2012, disability_grade="二级")], money(), None),
        (base_household(), [person(), person(birth_year=2012, schooling="小学")], money(), None),
    ])  # fmt: skip
    assert [("SCHOOLING" in r) for r in results] == [True, True, False, False, False, False]


def test_other_rules():
    results = run([
        (base_household(), [person(basic_medical=False)], money(), None),
        (base_household(housing_grade="C"), [person(), person()], money(), None),
        (base_household(water_safe=False), [person(), person()], money(), None),
        (base_household(household_type="脱贫户", dibao=True), [person(), person()], money(), None),
        (base_household(household_type="脱贫户"), [person(health="患有大病"), person()], money(), None),
        (base_household(household_type="脱贫户"), [person(), person()], money(), None),
        (base_household(), [person(disability_grade="一级", health="残疾"), person()], money(), None),
        (base_household(), [person(health="残疾", disability_grade="三级"), person(health="残疾", disability_grade="四级")], money(), None),
        (base_household(), [person(), person(schooling="高中"), person(schooling="本科及以上")], money(45000), None),
        (base_household(tekun="分散供养"), [person()], money(), None),
        (base_household(tekun="集中供养"), [person()], money(), None),
        (base_household(self_applied=True), [person(), person()], money(), None),
    ])  # fmt: skip
    assert results[0] == ["MEDICAL_INSURANCE"]
    assert results[1] == ["HOUSING"]
    assert results[2] == ["WATER"]
    assert results[3] == ["MULTI_IDENTITY"]
    assert results[4] == ["MULTI_IDENTITY"]
    assert results[5] == []
    assert results[6] == ["SEVERE_DISABILITY"]
    assert results[7] == ["SEVERE_DISABILITY"]  # two disabled members; disability alone is one identity
    assert results[8] == ["MANY_STUDENTS"]
    assert results[9] == ["SINGLE_TEKUN"]
    assert results[10] == []
    assert results[11] == ["SELF_APPLIED"]


def test_rules_can_be_switched_off():
    households = {k: np.array([v]) for k, v in base_household(housing_grade="D").items()}
    members = {"household": np.array([0]), **{k: np.array([v]) for k, v in person().items()}}
    empty = {"household": np.array([], dtype=np.int64), **{k: np.array([], dtype=float) for k in MONEY}}
    results = screen(households, members, empty, None, YEAR, THRESHOLD, enabled=("WATER",))
    assert fired(results, 0) == []


def test_income_edge_cases():
    two = [person(), person()]
    results = run([
        (base_household(), two, money(0), money(0)),  # previous ≤ 0: no INCOME_DROP, but below threshold
        (base_household(), two, money(1000), money(-500, business_cost=500)),  # previous negative
        (base_household(), two, money(10000), None),  # no previous year: no INCOME_DROP
        (base_household(), two, money(30000, business_cost=40000), None),  # negative net income
        (base_household(), two, money(11999.99), None),  # 5999.995 per person: one fen short
    ])  # fmt: skip
    assert results == [
        ["INCOME_BELOW"],
        ["INCOME_BELOW"],
        ["INCOME_BELOW"],
        ["INCOME_BELOW"],
        ["INCOME_BELOW"],
    ]


def test_a_household_without_members_or_finances():
    households = {k: np.array([v, v]) for k, v in base_household(housing_grade="D").items()}
    members = {"household": np.array([1]), **{k: np.array([v]) for k, v in person().items()}}
    finances = {"household": np.array([0, 1]), **{k: np.array([100.0, 100.0]) for k in MONEY}}
    results = screen(households, members, finances, None, YEAR, THRESHOLD)
    assert np.isnan(results["per_capita_income"][0]) and results["per_capita_income"][1] == 300
    assert fired(results, 0) == ["HOUSING"]  # no members: no income rule, no member rule
    assert fired(results, 1) == ["INCOME_BELOW", "HOUSING"]
    nothing = screen(households, members, None, None, YEAR, THRESHOLD)
    assert np.isnan(nothing["per_capita_income"]).all() and fired(nothing, 1) == ["HOUSING"]


def test_flags_hold_the_fired_rules_as_bits():
    households = {k: np.array([v]) for k, v in base_household(housing_grade="C", water_safe=False).items()}
    members = {"household": np.array([0]), **{k: np.array([v]) for k, v in person().items()}}
    results = screen(households, members, None, None, YEAR, THRESHOLD)
    assert codes_of(results["flags"][0]) == ["HOUSING", "WATER"] == fired(results, 0)
    assert flagged(results).tolist() == [0]


def test_default_threshold_and_its_check():
    assert poverty_line(2020) == 4000 and poverty_line(2024) == 4000 and poverty_line(2017) == 2952
    assert default_threshold(2024) == 6000
    check_threshold(6000, 2024)
    check_threshold(7000, 2024, lines={2024: 4600})
    with pytest.raises(ThresholdError, match="低于国家扶贫标准 4000 元的 1.5 倍（6000 元）"):
        check_threshold(5999.99, 2024)
    with pytest.raises(ThresholdError, match="4600 元的 1.5 倍"):
        check_threshold(6000, 2024, lines={2024: 4600})
    check_threshold(Decimal("6000.00"), 2024)
    with pytest.raises(ThresholdError, match="不是有效金额"):
        check_threshold(float("nan"), 2024)
    with pytest.raises(ThresholdError, match="不是有效金额"):
        check_threshold("很多", 2024)  # type: ignore[arg-type]


def test_every_rule_has_a_chinese_name_and_description():
    assert RULE_CODES == ("INCOME_BELOW", "RIGID_EXPENSE", "INCOME_DROP", "SCHOOLING", "MEDICAL_INSURANCE",
                          "HOUSING", "WATER", "MULTI_IDENTITY", "SEVERE_DISABILITY", "MANY_STUDENTS",
                          "SINGLE_TEKUN", "SELF_APPLIED")  # fmt: skip
    assert all(r.name_zh and r.description_zh and r.name == r.name_zh for r in RULES)
    assert DEFAULT_ENABLED == RULE_CODES


TEXT = st.sampled_from(["脱贫户", "一般农户", "否", "分散供养", "集中供养", "A", "C", "D", "", "非在校", "高中",
                        "一级", "三级", "残疾", "患有大病", "健康", "x"])  # fmt: skip
FLOATS = st.floats(allow_nan=True, allow_infinity=True, width=64)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_random_columns_never_raise(data) -> None:  # type: ignore[no-untyped-def]
    households = data.draw(st.integers(min_value=0, max_value=12))
    members = data.draw(st.integers(min_value=0, max_value=30))
    rows = data.draw(st.integers(min_value=0, max_value=20))

    def texts(n: int) -> np.ndarray:
        return np.array(data.draw(st.lists(TEXT, min_size=n, max_size=n)), dtype=str)

    def bools(n: int) -> np.ndarray:
        return np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)

    def indices(n: int) -> np.ndarray:  # some point outside the household arrays
        return np.array(
            data.draw(st.lists(st.integers(-3, households + 3), min_size=n, max_size=n)), dtype=np.int64
        )

    def frame() -> dict[str, np.ndarray]:
        return {"household": indices(rows),
                **{k: np.array(data.draw(st.lists(FLOATS, min_size=rows, max_size=rows))) for k in MONEY}}  # fmt: skip

    h = {"household_type": texts(households), "dibao": bools(households), "tekun": texts(households),
         "housing_grade": texts(households), "water_safe": bools(households), "self_applied": bools(households)}  # fmt: skip
    m = {"household": indices(members),
         "birth_year": np.array(data.draw(st.lists(st.integers(1800, 2100), min_size=members, max_size=members))),
         "schooling": texts(members), "disability_grade": texts(members), "health": texts(members),
         "basic_medical": bools(members)}  # fmt: skip
    threshold = data.draw(st.floats(min_value=0, max_value=1e7))
    results = screen(h, m, frame(), frame() if data.draw(st.booleans()) else None, YEAR, threshold)
    assert len(results["per_capita_income"]) == households
    assert all(len(results[code]) == households for code in RULE_CODES)
    assert results["flags"].dtype == np.uint16
