"""Each rule firing and not firing, on households built by hand (year 2024, threshold 6000)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiangcun.domain.households.screening import RULES, ThresholdError, check_threshold, fired, screen

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


def test_threshold_must_be_at_least_one_and_a_half_times_the_poverty_line():
    check_threshold(6000, 2024)
    with pytest.raises(ThresholdError, match="1.5 倍"):
        check_threshold(5000, 2024)


def test_every_rule_has_a_chinese_description():
    assert len(RULES) == 12 and all(r.name and r.description for r in RULES)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=1, max_value=30),
    st.integers(min_value=0, max_value=80),
    st.randoms(use_true_random=False),
)
def test_random_columns_never_raise(households: int, members: int, rng) -> None:  # type: ignore[no-untyped-def]
    h = {"household_type": np.array([rng.choice(["脱贫户", "一般农户"]) for _ in range(households)]),
         "dibao": np.array([rng.random() < 0.3 for _ in range(households)]),
         "tekun": np.array([rng.choice(["否", "分散供养", "集中供养"]) for _ in range(households)]),
         "housing_grade": np.array([rng.choice("ABCD") for _ in range(households)]),
         "water_safe": np.array([rng.random() < 0.9 for _ in range(households)]),
         "self_applied": np.array([rng.random() < 0.1 for _ in range(households)])}  # fmt: skip
    m = {"household": np.array([rng.randrange(households) for _ in range(members)], dtype=np.int64),
         "birth_year": np.array([rng.randrange(1930, 2024) for _ in range(members)]),
         "schooling": np.array([rng.choice(["非在校", "小学", "高中"]) for _ in range(members)]),
         "disability_grade": np.array([rng.choice(["", "一级", "三级"]) for _ in range(members)]),
         "health": np.array([rng.choice(["健康", "残疾", "患有大病"]) for _ in range(members)]),
         "basic_medical": np.array([rng.random() < 0.95 for _ in range(members)])}  # fmt: skip
    rows = rng.randrange(households + 1)
    f = {"household": np.array(rng.sample(range(households), rows), dtype=np.int64),
         **{k: np.array([rng.uniform(-1000, 50000) for _ in range(rows)]) for k in MONEY}}  # fmt: skip
    results = screen(h, m, f, f, YEAR, THRESHOLD)
    assert len(results["per_capita_income"]) == households
