"""Migrations 0017 and 0018: 户编号 and the 身份证号 hash stay unique and the hashes indexed, with one index each
(no PostgreSQL "_like" index) and compared as bytes (collation "C"), on a new database and on one migrated from
0016 with rows."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from xiangcun.households import triggers
from xiangcun.households.models import Household, Member
from xiangcun.households.services import member_by_id_number

BEFORE = [("households", "0016_registry_log_limit")]
TABLES = ("households_household", "households_member")
NUMBER = "140101198001011234"


def schema() -> set[tuple[str, str, tuple[str, ...], bool, bool]]:
    """The registry tables' indexes and constraints: table, name, columns, unique, index."""
    with connection.cursor() as cursor:
        return {
            (table, name, tuple(c["columns"]), c["unique"], c["index"])
            for table in TABLES
            for name, c in connection.introspection.get_constraints(cursor, table).items()
            if not name.startswith("sqlite_autoindex") and not c["foreign_key"]
        }


def like_indexes() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) AND indexdef LIKE %s",
            [list(TABLES), "%pattern_ops%"],
        )
        return [name for (name,) in cursor.fetchall()]


def hash_collations() -> set[str | None]:
    """The collations of the two lookup-hash columns on PostgreSQL (None: the database's default)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns WHERE (table_name, column_name) IN "
            "(('households_member', 'id_number_hash'), ('households_household', 'phone_hash'))"
        )
        return {name for (name,) in cursor.fetchall()}


def make(apps):  # type: ignore[no-untyped-def]
    """A household with one member, through the models of the given migration state."""
    Region = apps.get_model("regions", "Region")
    village = Region.objects.create(code="140000001201", name="甲一村", level="village", depth=5, path="x")
    home = apps.get_model("households", "Household").objects.create(
        code="A001", village=village, head_name="张三", phone="13912345678", household_type="一般农户",
        housing_grade="A",
    )  # fmt: skip
    apps.get_model("households", "Member").objects.create(
        household=home, name="张三", id_number=NUMBER, sex="男", birth_date="1980-01-01", relation="户主",
        labor="普通劳动力", health="健康", schooling="非在校",
    )  # fmt: skip
    return home


def refused(create) -> bool:  # type: ignore[no-untyped-def]
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


@pytest.mark.django_db(transaction=True)
def test_a_registry_at_0016_migrates_with_its_rows_and_its_keys_still_unique() -> None:
    new = schema()
    if connection.vendor == "postgresql":
        assert hash_collations() == {"C"}  # a new database: from the field (0018 for an existing one)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    home = make(old)
    assert refused(lambda: old.get_model("households", "Household").objects.create(
        code="A001", village_id=home.village_id, head_name="李四", household_type="一般农户", housing_grade="A"))  # fmt: skip
    if connection.vendor == "postgresql":
        assert len(like_indexes()) == 3  # as 0016 left them (back from 0017, too)
        assert hash_collations() == {None}  # back from 0018

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert schema() == new  # same names and columns as a database created at 0017
    if connection.vendor == "postgresql":
        assert like_indexes() == []
        assert hash_collations() == {"C"}
    assert triggers.stamp(connection) is not None  # SQLite rebuilt the tables: their triggers are back
    person = member_by_id_number(NUMBER).select_related("household").get()
    assert (person.household.code, person.household.phone) == ("A001", "13912345678")
    assert Household.objects.count() == 1

    village = person.household.village
    assert refused(lambda: Household.objects.create(code="A001", village=village, head_name="李四",
                                                    household_type="一般农户", housing_grade="A"))  # fmt: skip
    other = Household.objects.create(code="A002", village=village, head_name="李四", household_type="一般农户",
                                     housing_grade="A")  # fmt: skip
    assert refused(lambda: Member.objects.create(household=other, name="李四", id_number=NUMBER, sex="男",
                                                 birth_date="1980-01-01", relation="户主", labor="普通劳动力",
                                                 health="健康", schooling="非在校"))  # fmt: skip
    assert Member.objects.count() == 1


@pytest.mark.django_db
def test_a_duplicate_is_named_in_chinese_by_model_validation(county) -> None:  # type: ignore[no-untyped-def]
    """What a ModelForm or the admin would show: the same message as the fields' unique=True gave."""
    Household.objects.create(code="A001", village=county.village_a1, head_name="张三", household_type="一般农户",
                             housing_grade="A")  # fmt: skip
    twin = Household(code="A001", village=county.village_a1, head_name="李四", household_type="一般农户",
                     housing_grade="A")  # fmt: skip
    with pytest.raises(ValidationError) as error:
        twin.validate_constraints()
    assert error.value.messages == ["具有 户编号 的 农户 已存在。"]
