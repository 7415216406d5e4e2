"""The SQL screening (PostgreSQL's path) gives exactly the numpy evaluator's result on random registries."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xiangcun.domain.households import screening
from xiangcun.households import sql_screening
from xiangcun.households.models import Finance, Household, Member
from xiangcun.households.services import run_screening_numpy
from xiangcun.households.sql_screening import run_screening_sql

pytestmark = pytest.mark.django_db

YEAR = 2025
# amounts near the boundaries matter most: a threshold of 6000 × members, exactly 30% falls, zero
money = st.one_of(
    st.sampled_from(
        [Decimal(0), Decimal("6000.00"), Decimal("5999.99"), Decimal("6000.01"), Decimal("12000.00")]
    ),
    st.decimals(min_value=0, max_value=60000, places=2, allow_nan=False, allow_infinity=False),
)
finance_row = st.fixed_dictionaries({f: money for f in screening.MONEY_COLUMNS})
member_row = st.fixed_dictionaries({
    "age": st.sampled_from([3, 5, 6, 10, 15, 16, 40, 80]),
    "schooling": st.sampled_from(["学龄前", "小学", "初中", "高中", "中职", "大专", "非在校"]),
    "disability_grade": st.sampled_from(["", "一级", "二级", "三级"]),
    "health": st.sampled_from(["健康", "长期慢性病", "患有大病", "残疾"]),
    "basic_medical": st.booleans(),
})  # fmt: skip
household_row = st.fixed_dictionaries({
    "household_type": st.sampled_from(["脱贫户", "一般农户"]),
    "dibao": st.booleans(),
    "tekun": st.sampled_from(["否", "分散供养", "集中供养"]),
    "housing_grade": st.sampled_from(["A", "B", "C", "D"]),
    "water_safe": st.booleans(),
    "self_applied": st.booleans(),
    "members": st.lists(member_row, min_size=0, max_size=4),
    "current": st.one_of(st.none(), finance_row),
    "previous": st.one_of(st.none(), finance_row, st.just("drop30")),
})  # fmt: skip


def _store(village, rows) -> None:  # type: ignore[no-untyped-def]
    Household.objects.all().delete()
    households = Household.objects.bulk_create(
        Household(code=f"H{k:03d}", village=village, head_name="户主", **{
            f: row[f] for f in ("household_type", "dibao", "tekun", "housing_grade", "water_safe", "self_applied")})
        for k, row in enumerate(rows)
    )  # fmt: skip
    members, finances, serial = [], [], 0
    for h, row in zip(households, rows, strict=True):
        for m in row["members"]:
            serial += 1
            members.append(Member(household=h, name="成员", id_number=f"{serial:018d}", sex="男",
                                  birth_date=dt.date(YEAR - m["age"], 6, 1), relation="户主", labor="普通劳动力",
                                  health=m["health"], disability_grade=m["disability_grade"],
                                  schooling=m["schooling"], basic_medical=m["basic_medical"]))  # fmt: skip
        if row["current"] is not None:
            finances.append(Finance(household=h, year=YEAR, **row["current"]))
        previous = row["previous"]
        if (
            previous == "drop30" and row["current"] is not None
        ):  # last year such that this year is exactly −30%
            net = (row["current"]["wage_income"] + row["current"]["business_income"] - row["current"]["business_cost"]
                   + row["current"]["property_income"] + row["current"]["transfer_income"])  # fmt: skip
            last = (net / Decimal("0.7")).quantize(Decimal("0.01"))
            if 0 <= last < Decimal("10000000"):
                finances.append(Finance(household=h, year=YEAR - 1, wage_income=last))
        elif isinstance(previous, dict):
            finances.append(Finance(household=h, year=YEAR - 1, **previous))
    Member.objects.bulk_create(members)
    Finance.objects.bulk_create(finances)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(household_row, min_size=0, max_size=12),
    threshold=st.sampled_from([6000.0, 6000.5, 7300.0]),
    enabled=st.lists(st.sampled_from(screening.RULE_CODES), unique=True).map(tuple),
)
def test_sql_and_numpy_screening_agree(county, rows, threshold, enabled) -> None:  # type: ignore[no-untyped-def]
    _store(county.village_a1, rows)
    households = Household.objects.all()
    expected = run_screening_numpy(households, YEAR, threshold, enabled)
    assert run_screening_sql(households, YEAR, threshold, enabled) == expected


def test_sql_screening_is_limited_to_the_given_households(county) -> None:  # type: ignore[no-untyped-def]
    row = {"household_type": "一般农户", "dibao": False, "tekun": "否", "housing_grade": "D", "water_safe": True,
           "self_applied": False, "members": [], "current": None, "previous": None}  # fmt: skip
    _store(county.village_a1, [row, row])
    Household.objects.filter(code="H001").update(village=county.village_b1)
    found = run_screening_sql(Household.objects.filter(village=county.village_a1), YEAR, 6000.0, ("HOUSING",))
    assert found == [{"household": "H000", "rules": ["HOUSING"], "per_capita_income": None}]


def test_statement_settings_do_not_outlive_the_screening(county) -> None:  # type: ignore[no-untyped-def]
    """work_mem, JIT and parallel workers are set for the screening statement only: a request that screens
    inside a transaction and then runs other queries gets the server's settings back."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the statement settings exist on PostgreSQL only")
    row = {"household_type": "一般农户", "dibao": False, "tekun": "否", "housing_grade": "D", "water_safe": True,
           "self_applied": False, "members": [], "current": None, "previous": None}  # fmt: skip
    _store(county.village_a1, [row])
    names = ("work_mem", "jit", "max_parallel_workers_per_gather")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"current_setting('{n}')" for n in names))
        before = cursor.fetchone()
        found = run_screening_sql(Household.objects.all(), YEAR, 6000.0, ("HOUSING",))
        cursor.execute("SELECT " + ", ".join(f"current_setting('{n}')" for n in names))
        assert cursor.fetchone() == before
    assert [r["household"] for r in found] == ["H000"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(household_row, min_size=1, max_size=12),
    threshold=st.sampled_from([6000.0, 6000.5]),
    enabled=st.lists(st.sampled_from(screening.RULE_CODES), unique=True, min_size=1).map(tuple),
    whole=st.booleans(),
)
def test_screening_split_into_id_ranges_agrees(county, monkeypatch, rows, threshold, enabled, whole) -> None:  # type: ignore[no-untyped-def]
    """A large scope runs as id ranges in parallel workers on PostgreSQL (`SPLIT_FROM`): same result, for every
    household and for a scope (the village's, which holds all or part of them)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the split into id ranges is PostgreSQL's")
    monkeypatch.setattr(sql_screening, "SPLIT_FROM", 1)
    _store(county.village_a1, rows)
    Household.objects.filter(code__in=["H001", "H004"]).update(village=county.village_b1)
    households = Household.objects.all() if whole else Household.objects.filter(village=county.village_a1)
    expected = run_screening_numpy(households, YEAR, threshold, enabled)
    assert run_screening_sql(households, YEAR, threshold, enabled) == expected


def test_a_large_screening_runs_in_parallel_workers(county, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The split statement is planned as a Parallel Append of the ranges under a Gather (an `OFFSET` or a
    CTE in it would keep it out of workers): what brings 1 000 000 households under 10 s on two cores."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("parallel query is PostgreSQL's")
    monkeypatch.setattr(sql_screening, "SPLIT_FROM", 1)
    row = {"household_type": "一般农户", "dibao": False, "tekun": "否", "housing_grade": "D", "water_safe": True,
           "self_applied": False, "members": [], "current": None, "previous": None}  # fmt: skip
    _store(county.village_a1, [row] * 8)
    plans = []

    def explain(run, sql, params, many, context):  # type: ignore[no-untyped-def]
        if "UNION ALL" in sql:  # explained on the same cursor, with the statement's settings in force
            raw = context["cursor"].cursor
            raw.execute(f"EXPLAIN {sql}", params)
            plans.append("\n".join(r[0] for r in raw.fetchall()))
        return run(sql, params, many, context)

    names = ", ".join(f"current_setting('{n}')" for n in sql_screening.SPLIT_SETTINGS)
    with transaction.atomic(), connection.execute_wrapper(explain), connection.cursor() as cursor:
        cursor.execute(f"SELECT {names}")
        before = cursor.fetchone()
        found = run_screening_sql(Household.objects.all(), YEAR, 6000.0, ("HOUSING",))
        cursor.execute(f"SELECT {names}")
        assert cursor.fetchone() == before  # the statement's settings (hash joins off, …) did not outlive it
    assert len(found) == 8
    assert len(plans) == 1 and "Gather" in plans[0] and "Parallel Append" in plans[0]
    # each range is one process's work: a partial scan in it would have every process that joins the range
    # aggregate its members again (partitions get partial scans whatever their size, unless told not to)
    assert plans[0].count("Parallel Append") == 1, plans[0]
    assert not re.search(r"Parallel (Seq|Index|Index Only|Bitmap Heap) Scan", plans[0]), plans[0]
