"""PostgreSQL: an import that fills a table drops its indexes and keys and builds them again, same names, same rules."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from auditlog.models import LogEntry
from django.db import IntegrityError, connection, transaction

from tests.domain.households.factory import finance, household, id_number, member, workbook
from xiangcun.households import bulk
from xiangcun.households.models import Finance, Household, Member
from xiangcun.households.services import import_households

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the bulk way is PostgreSQL's COPY path"),
]

TABLES = ("households_household", "households_member", "households_finance")


def catalogue() -> set[tuple[str, str, str]]:
    """Every index and constraint of the registry tables, by table, name and definition."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indrelid::regclass::text, c.relname, pg_get_indexdef(indexrelid) FROM pg_index "
            "JOIN pg_class c ON c.oid = indexrelid WHERE indrelid::regclass::text = ANY(%s) "
            "UNION SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s) AND conparentid = 0",  # not PostgreSQL's per-partition clones
            [list(TABLES), list(TABLES)],
        )
        return set(cursor.fetchall())


def rows(count: int, changed: bool = False) -> bytes:
    return workbook(
        [household(f"H{n:03d}", 住房安全等级="B" if changed and n == 4 else "A") for n in range(count)],
        [member(f"H{n:03d}", id_number("19800101", n)) for n in range(count)],
        [finance(f"H{n:03d}", 2024, 工资性收入=100 if changed and n == 2 else 20000) for n in range(count)],
    )


@pytest.fixture
def taken(monkeypatch) -> list[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    """(table, whether it took the bulk way) for each `bulk_load`, with the bulk way from 5 staged rows on."""
    taken: list[tuple[str, bool]] = []
    real = bulk.bulk_load

    @contextmanager
    def spy(cursor, table, staged, referenced=None, analysed=None):  # type: ignore[no-untyped-def]
        with real(cursor, table, staged, referenced, analysed) as done:
            taken.append((table, done))
            yield done

    monkeypatch.setattr(bulk, "BULK_ROWS", 5)
    monkeypatch.setattr(bulk, "bulk_load", spy)
    return taken


def test_a_first_import_in_bulk_keeps_every_index_key_and_audit(county, taken) -> None:  # type: ignore[no-untyped-def]
    before = catalogue()
    report = import_households(rows(30), "r.xlsx")
    assert report.ok and report.households == (30, 0) and report.members == (30, 0, 0)
    assert taken == [(t, True) for t in TABLES]
    assert catalogue() == before
    assert Member.objects.get(household__code="H007").id_number == id_number("19800101", 7)

    # the rebuilt keys still hold: a second person with the same 身份证号 hash, a finance row without household
    member_row = Member.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(
            household=member_row.household, name="重复", id_number=member_row.id_number, relation="子"
        )
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO households_finance (household_id, year, wage_income, business_income, "
                       "business_cost, property_income, transfer_income, medical_out_of_pocket, education_cost, "
                       "updated_at) VALUES (-1, 2024, 0, 0, 0, 0, 0, 0, 0, now())")  # fmt: skip
        connection.check_constraints()

    # a re-import of the same households is no bulk load, and audits exactly the two changed rows
    taken.clear()
    entries = LogEntry.objects.count()
    again = import_households(rows(30, changed=True), "r2.xlsx")
    assert again.households == (0, 1) and again.members == (0, 0, 0) and again.finances == (0, 1)
    assert taken == [(t, False) for t in TABLES] and catalogue() == before
    assert LogEntry.objects.count() - entries == 3  # H004, H002's 2024 finances, the import record
    assert Household.objects.get(code="H004").housing_grade == "B"
    assert float(Finance.objects.get(household__code="H002").wage_income) == 100


def test_a_bulk_load_that_fails_writes_nothing_and_leaves_the_indexes(county, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    before = catalogue()
    monkeypatch.setattr(bulk, "BULK_ROWS", 5)

    def broken(cursor, audit, analysed):  # type: ignore[no-untyped-def]
        real_merge(cursor, audit, analysed)
        raise RuntimeError("断电")

    real_merge = bulk.merge_finances  # the last sheet: households and members are in by then
    monkeypatch.setattr(bulk, "merge_finances", broken)
    with pytest.raises(RuntimeError):
        import_households(rows(30), "r.xlsx")
    assert not Household.objects.exists() and not Member.objects.exists()
    assert catalogue() == before


def test_tables_loaded_in_bulk_are_analysed_once(county, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """bulk_load analyses each table it rebuilt; the import does not analyse it again afterwards."""
    from xiangcun.households import services

    refreshed: list[str] = []
    monkeypatch.setattr(bulk, "BULK_ROWS", 5)
    monkeypatch.setattr(services, "STATISTICS_AFTER", 5)
    monkeypatch.setattr(
        services, "refresh_statistics", lambda *models: refreshed.extend(m._meta.db_table for m in models)
    )
    # more rows than the other tests load: ANALYZE's counts outlive their rolled-back transactions, and a table
    # counted as holding as many rows as are staged takes the ordinary way
    assert import_households(rows(45), "r.xlsx").ok
    assert refreshed == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'households_member'::regclass")
        assert cursor.fetchone()[0] == 45  # the planner sees the rows, not an empty table


def test_a_bulk_load_moves_the_registry_stamp_with_its_triggers_back_on(county, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The insert triggers are off during a bulk load; the load itself notes "everything changed", so no stored
    screening from before it is trusted, and the triggers note the next write again."""
    from xiangcun.households import triggers

    monkeypatch.setattr(bulk, "BULK_ROWS", 5)
    before = triggers.stamp(connection)
    assert import_households(rows(50), "r.xlsx").ok
    after = triggers.stamp(connection)
    assert before is not None and after is not None and after > before
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {triggers.LOG_TABLE} WHERE household_id IS NULL AND code IS NULL"
        )
        assert cursor.fetchone()[0] >= 3  # households, members, finances: each noted as "everything"
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'households_%%_changed_%%' AND tgenabled <> 'O'"
        )
        assert cursor.fetchone()[0] == 0
    Household.objects.filter(code="H001").update(head_name="改名")
    assert triggers.stamp(connection) > after


def test_a_re_import_with_a_few_new_rows_keeps_the_indexes(county, taken) -> None:  # type: ignore[no-untyped-def]
    """Only the rows an INSERT will write decide a bulk load: a re-import of 60 households with 2 new ones stages
    more rows than the table holds, but rebuilding every index (and locking the table) for 2 rows would not pay."""
    assert import_households(rows(58), "r.xlsx").ok
    taken.clear()
    again = import_households(rows(60), "r2.xlsx")
    assert again.households == (2, 0) and again.members == (2, 0, 0) and again.finances == (2, 0)
    assert taken == [(t, False) for t in TABLES]
