"""The registry by county (issue 12, item 3): every row carries its county, on PostgreSQL in that county's
partition, and the keys to a household still hold; a county user's queries read only their county."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.domain.households.factory import finance, household, id_number, member, workbook
from xiangcun.accounts.scopes import scoped
from xiangcun.households.models import Case, Finance, Household, Member
from xiangcun.households.services import import_households, run_screening
from xiangcun.regions.models import Region

pytestmark = pytest.mark.django_db
postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")


@pytest.fixture
def other(county):  # type: ignore[no-untyped-def]
    """A second county, with one township and one village."""
    c = Region(code="150000000000", name="另一县", level="county")
    c.save()
    t = Region(code="150000001000", name="丙镇", level="township", parent=c)
    t.save()
    v = Region(code="150000001201", name="丙一村", level="village", parent=t)
    v.save()
    return v


def home(code: str, village: Region) -> Household:
    h = Household.objects.create(code=code, village=village, head_name="张三", household_type="一般农户",
                                 housing_grade="A")  # fmt: skip
    Member.objects.create(household=h, name="张三", id_number=id_number("19800101", int(code[1:])), sex="男",
                          birth_date="1980-01-01", relation="户主", labor="普通劳动力", health="健康",
                          schooling="非在校")  # fmt: skip
    Finance.objects.create(household=h, year=2024)
    return h


def partition_of(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_every_registry_row_carries_its_village_s_county(county, other) -> None:  # type: ignore[no-untyped-def]
    a, b = home("A001", county.village_a1), home("B001", other)
    assert a.county_id == county.county.pk and b.county_id == other.parent.parent_id
    assert set(Member.objects.values_list("household__code", "county_id")) == {
        ("A001", county.county.pk), ("B001", other.parent.parent_id)
    }  # fmt: skip
    assert set(Finance.objects.values_list("household__code", "county_id")) == {
        ("A001", county.county.pk), ("B001", other.parent.parent_id)
    }  # fmt: skip


def test_a_household_moved_to_another_county_takes_its_members_finances_and_cases(county, other) -> None:  # type: ignore[no-untyped-def]
    h = home("A001", county.village_a1)
    case = Case.objects.create(household=h, channel="农户自主申报", step_started=dt.date(2026, 1, 5),
                               opened_at=dt.date(2026, 1, 5))  # fmt: skip
    h.village = other
    h.save()
    target = other.parent.parent_id
    assert Household.objects.get(pk=h.pk).county_id == target
    assert list(Member.objects.values_list("county_id", flat=True)) == [target]
    assert list(Finance.objects.values_list("county_id", flat=True)) == [target]
    assert Case.objects.get(pk=case.pk).household_id == h.pk
    if connection.vendor == "postgresql":
        assert partition_of("households_household", h.pk) == f"households_household_{target}"
        assert partition_of("households_member", Member.objects.get().pk) == f"households_member_{target}"
        with connection.cursor() as cursor:
            cursor.execute("SELECT household_county FROM households_case WHERE id = %s", [case.pk])
            assert cursor.fetchone()[0] == target  # the pointer followed (ON UPDATE CASCADE)


def test_the_same_household_number_in_another_county_is_refused_by_validation(county, other) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    home("A001", county.village_a1)
    twin = Household(
        code="A001", village=other, head_name="李四", household_type="一般农户", housing_grade="A"
    )
    with pytest.raises(ValidationError) as error:
        twin.full_clean()
    assert error.value.message_dict["code"] == ["具有 户编号 的 农户 已存在。"]


def test_an_import_matches_a_household_number_across_counties(county, other) -> None:  # type: ignore[no-untyped-def]
    """A province administrator's file moving A001 to the other county updates it; no second A001."""
    first = workbook([household("A001")], [member("A001")], [finance("A001")])
    assert import_households(first, "r.xlsx").ok
    moved = workbook([household("A001", village=other.code)], [member("A001")], [finance("A001")])
    report = import_households(moved, "r.xlsx")
    assert report.ok, report.errors
    target = other.parent.parent_id
    assert list(Household.objects.values_list("code", "county_id")) == [("A001", target)]
    assert list(Member.objects.values_list("county_id", flat=True)) == [target]
    assert list(Finance.objects.values_list("county_id", flat=True)) == [target]


@postgres
def test_the_registry_is_partitioned_and_a_new_county_gets_its_partitions(county, other) -> None:  # type: ignore[no-untyped-def]
    a, b = home("A001", county.village_a1), home("B001", other)
    c = other.parent.parent_id
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'households_member'::regclass"
        )
        partitions = {name for (name,) in cursor.fetchall()}
    assert {
        f"households_member_{county.county.pk}",
        f"households_member_{c}",
        "households_member_default",
    } <= partitions
    assert partition_of("households_household", a.pk) == f"households_household_{county.county.pk}"
    assert (
        partition_of("households_finance", Finance.objects.get(household=b).pk) == f"households_finance_{c}"
    )


@postgres
def test_the_keys_to_a_household_still_hold(county) -> None:  # type: ignore[no-untyped-def]
    h = home("A001", county.village_a1)
    Case.objects.create(household=h, channel="农户自主申报", step_started=dt.date(2026, 1, 5),
                        opened_at=dt.date(2026, 1, 5))  # fmt: skip
    for sql in (
        "DELETE FROM households_household WHERE id = %s",  # a case and a member point at it
        "UPDATE households_case SET household_id = %s + 1000",  # no such household
        "UPDATE households_member SET household_id = %s + 1000",
        "INSERT INTO households_finance (household_id, county_id, year, wage_income, business_income, "
        "business_cost, property_income, transfer_income, medical_out_of_pocket, education_cost, updated_at) "
        "SELECT id + 1000, county_id, 2025, 0, 0, 0, 0, 0, 0, 0, now() FROM households_household WHERE id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(sql, [h.pk])
    assert Household.objects.count() == 1 and Case.objects.get().household_id == h.pk


@postgres
def test_a_county_or_township_user_reads_only_their_county_s_partitions(county, other, users) -> None:  # type: ignore[no-untyped-def]
    home("A001", county.village_a1), home("B001", other)
    for user in (users["county_admin"], users["township_a"]):
        for model in (Household, Member, Finance):
            rows = scoped(model.objects.all(), user)
            with connection.cursor() as cursor:
                sql, params = rows.query.sql_with_params()
                cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) {sql}", params)
                plan = "\n".join(line for (line,) in cursor.fetchall())
            table = model._meta.db_table
            read = {
                found for line in plan.splitlines() if "never executed" not in line
                for found in re.findall(rf" on {table}_(\d+|default)\b", line)
            }  # fmt: skip
            # pruned when planned (a county user) or as it runs (a township: its county is a subquery's value)
            assert read == {str(county.county.pk)}, plan
            assert rows.count() == 1


@postgres
def test_the_screening_of_a_county_names_it_so_only_its_partitions_are_read(county, other) -> None:  # type: ignore[no-untyped-def]
    home("A001", county.village_a1), home("B001", other)
    with CaptureQueriesContext(connection) as queries:
        run_screening(Household.objects.filter(county=county.county), 2024, 6000.0, ("INCOME_BELOW",))
    screening = [q["sql"] for q in queries.captured_queries if "GROUP BY household_id" in q["sql"]]
    assert screening and f"county_id IN ({county.county.pk})" in screening[0]
    assert screening[0].count(f"county_id IN ({county.county.pk})") >= 3  # households, members, finances


def test_a_township_moved_to_another_county_by_the_region_import_takes_its_households(county, other) -> None:  # type: ignore[no-untyped-def]
    from xiangcun.regions.services import import_regions

    h = home("A001", county.village_a1)
    target = other.parent.parent_id
    moved = "代码,名称,上级代码,级别,户籍人口\n140000001000,甲镇,150000000000,乡镇,12000\n"
    assert import_regions(moved.encode(), "区划.csv").ok
    assert Region.objects.get(pk=county.village_a1.pk).path.startswith("150000000000")
    assert Household.objects.get(pk=h.pk).county_id == target
    assert list(Member.objects.values_list("county_id", flat=True)) == [target]
    assert list(Finance.objects.values_list("county_id", flat=True)) == [target]
    assert home("A002", county.village_b1).county_id == county.county.pk  # 乙乡 stayed


def test_a_village_under_no_county_keeps_the_top_of_its_tree_as_county(county) -> None:  # type: ignore[no-untyped-def]
    """A tree imported from the township down: its households still have a county (on PostgreSQL, the default
    partition holds them)."""
    town = Region(code="160000001000", name="丁镇", level="township")
    town.save()
    village = Region(code="160000001201", name="丁一村", level="village", parent=town)
    village.save()
    h = home("D001", village)
    assert h.county_id == town.pk and Member.objects.get(household=h).county_id == town.pk
    if connection.vendor == "postgresql":
        assert partition_of("households_household", h.pk) == "households_household_default"
