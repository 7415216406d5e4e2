from __future__ import annotations

import io
import json

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from tests.domain.households.factory import finance, household, id_number, member, workbook
from xiangcun.households.models import Finance, Household, Member
from xiangcun.households.services import export_households, import_households

pytestmark = pytest.mark.django_db


def registry() -> bytes:
    return workbook(
        [household("H001"), household("H002", village="140000002201", 住房安全等级="D", 户主姓名="李四")],
        [
            member("H001", id_number("19800101", 1)),
            member("H001", id_number("19820202", 2, female=True), 姓名="王芳", 与户主关系="配偶"),
            member("H002", id_number("19500303", 3), 姓名="李四"),
        ],  # fmt: skip
        [finance("H001", 2024, 工资性收入=8000, 生产经营性收入=0), finance("H002", 2024)],
    )


def test_import_then_reimport_updates_and_is_audited(county):  # type: ignore[no-untyped-def]
    report = import_households(registry(), "r.xlsx")
    assert report.ok, [str(e) for e in report.errors]
    assert (Household.objects.count(), Member.objects.count(), Finance.objects.count()) == (2, 3, 2)
    assert Member.objects.get(name="王芳").sex == "女"
    changed = workbook(
        [
            household("H001", 住房安全等级="B"),
            household("H002", village="140000002201", 住房安全等级="D", 户主姓名="李四"),
        ],
        [member("H001", id_number("19800101", 1)), member("H002", id_number("19500303", 3), 姓名="李四")],
        [finance("H001", 2024, 工资性收入=9000, 生产经营性收入=0), finance("H002", 2024)],
    )
    report = import_households(changed, "r.xlsx")
    assert report.households == (0, 1) and report.members == (0, 0, 1) and report.finances == (0, 1)
    h001 = Household.objects.get(code="H001")
    assert h001.housing_grade == "B" and h001.members.count() == 1
    entry = LogEntry.objects.get_for_object(h001).latest("id")
    assert entry.changes_dict["housing_grade"] == ["A", "B"]


def test_a_bad_row_writes_nothing(county):  # type: ignore[no-untyped-def]
    bad = workbook([household("H001")], [member("H001", "110105194912310021")], [])
    report = import_households(bad, "r.xlsx")
    assert not report.ok and "校验位" in str(report.errors[0])
    assert not Household.objects.exists() and not Member.objects.exists()


def test_a_township_cannot_import_into_another_township(county):  # type: ignore[no-untyped-def]
    report = import_households(registry(), "r.xlsx", scope=county.town_a)
    assert any("140000002201" in str(e) for e in report.errors)
    assert not Household.objects.exists()


def test_export_round_trips(county):  # type: ignore[no-untyped-def]
    import_households(registry(), "r.xlsx")
    again = import_households(export_households(Household.objects.all()), "export.xlsx")
    assert again.ok and again.households == (0, 0) and again.members == (0, 0, 0)


def test_screen_command_json(county):  # type: ignore[no-untyped-def]
    import_households(registry(), "r.xlsx")
    out = io.StringIO()
    call_command("screen", "--year", "2024", "--threshold", "6000", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    # H001: (8000 + 0 − 1000 + 0 + 1000) / 2 = 4000 < 6000; H002: housing grade D, income 25000 fine.
    assert rows == [
        {"household": "H001", "rules": ["INCOME_BELOW"], "per_capita_income": 4000.0},
        {"household": "H002", "rules": ["HOUSING"], "per_capita_income": 25000.0},
    ]


def test_screen_refuses_a_threshold_below_the_floor(county):  # type: ignore[no-untyped-def]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="1.5 倍"):
        call_command("screen", "--year", "2024", "--threshold", "3000", "--json")


def test_a_large_import_refreshes_the_planner_statistics(county, monkeypatch):  # type: ignore[no-untyped-def]
    """Planned on an empty registry's counts, county pages made a lookup per household after a big import."""
    from xiangcun.households import services

    analyzed: list[str] = []
    monkeypatch.setattr(
        services, "refresh_statistics", lambda *models: analyzed.extend(m._meta.db_table for m in models)
    )
    monkeypatch.setattr(services, "STATISTICS_AFTER", 5)
    assert import_households(registry(), "r.xlsx").ok  # 7 rows written
    assert analyzed == [Household._meta.db_table, Member._meta.db_table, Finance._meta.db_table]
    analyzed.clear()
    assert import_households(registry(), "r.xlsx").ok  # the same file again: nothing written
    assert analyzed == []
