"""Import at scale: all or nothing to the last row, one import record, exactly the changed rows audited, CSV."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from auditlog.models import LogEntry

from tests.domain.households.factory import finance, household, id_number, member, workbook
from xiangcun.domain.households.workbook import SHEETS
from xiangcun.households.models import Finance, Household, Member, RegistryImport
from xiangcun.households.services import import_households

pytestmark = pytest.mark.django_db


def rows(changed: bool = False) -> tuple[list[dict], list[dict], list[dict]]:
    households = [household(f"H{n:03d}", 住房安全等级="B" if changed and n == 7 else "A") for n in range(20)]
    members = [member(f"H{n:03d}", id_number("19800101", n)) for n in range(20)]
    finances = [
        finance(f"H{n:03d}", 2024, 工资性收入=9000 if changed and n == 3 else 20000) for n in range(20)
    ]
    return households, members, finances


def csv_files(
    households: list[dict], members: list[dict], finances: list[dict], encoding: str
) -> dict[str, bytes]:
    out = {}
    for (name, columns), records in zip(SHEETS.items(), (households, members, finances), strict=True):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows([r[c] for c in columns] for r in records)
        out[name] = buffer.getvalue().encode(encoding)
    return out


def test_an_error_in_the_last_row_writes_nothing(county) -> None:  # type: ignore[no-untyped-def]
    households, members, finances = rows()
    finances[-1]["转移性收入"] = -1
    report = import_households(workbook(households, members, finances), "r.xlsx")
    assert not report.ok and str(report.errors[0]).startswith("「收支」表第21行「转移性收入」列")
    assert not Household.objects.exists() and not Member.objects.exists() and not Finance.objects.exists()
    assert not RegistryImport.objects.exists()


def test_one_import_record_and_exactly_the_changed_rows_audited(county, users) -> None:  # type: ignore[no-untyped-def]
    data = workbook(*rows())
    report = import_households(data, "r.xlsx", actor=users["county_admin"])
    assert report.ok and report.households == (20, 0) and report.members == (20, 0, 0)
    record = RegistryImport.objects.get()
    assert record.sha256 == hashlib.sha256(data).hexdigest() and record.actor == users["county_admin"]
    assert record.counts == {"households": [20, 0], "members": [20, 0, 0], "finances": [20, 0]}
    before = LogEntry.objects.count()

    again = import_households(workbook(*rows(changed=True)), "r2.xlsx", actor=users["county_admin"])
    assert again.households == (0, 1) and again.members == (0, 0, 0) and again.finances == (0, 1)
    new = LogEntry.objects.filter(id__gt=LogEntry.objects.order_by("id")[before - 1].id)
    # the import record, household H007 and H003's finance row: nothing for the 37 unchanged rows
    assert sorted(new.values_list("object_repr", flat=True)) == sorted(
        [str(RegistryImport.objects.latest("id")), "H007 张三", "H003 2024"]
    )
    h007 = Household.objects.get(code="H007")
    assert LogEntry.objects.get_for_object(h007).latest("id").changes_dict["housing_grade"] == ["A", "B"]
    assert Household.objects.get(code="H007").housing_grade == "B"
    assert float(Finance.objects.get(household__code="H003").wage_income) == 9000


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_files_import_like_the_workbook(county, encoding) -> None:  # type: ignore[no-untyped-def]
    report = import_households(csv_files(*rows(), encoding=encoding), "registry.csv")
    assert report.ok, [str(e) for e in report.errors]
    assert (Household.objects.count(), Member.objects.count(), Finance.objects.count()) == (20, 20, 20)
    assert Member.objects.get(household__code="H000").name == "张三"
    again = import_households(workbook(*rows()), "r.xlsx")
    assert again.households == (0, 0) and again.members == (0, 0, 0) and again.finances == (0, 0)


def test_csv_errors_name_the_row_and_write_nothing(county) -> None:  # type: ignore[no-untyped-def]
    households, members, finances = rows()
    members[4]["身份证号"] = "12345"
    report = import_households(csv_files(households, members, finances, "utf-8"), "r.csv")
    assert any(str(e).startswith("「成员」表第6行「身份证号」列") for e in report.errors)
    assert not Household.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "是空的"),
        (b"PK\x03\x04rest", "不是 CSV 文本"),
        ("户编号,名字\nH1,张\n".encode("gb18030"), "缺少列"),
    ],
)
def test_bad_csv_files_get_one_chinese_message(county, content: bytes, message: str) -> None:  # type: ignore[no-untyped-def]
    files = csv_files(*rows(), encoding="utf-8")
    files["户"] = content
    report = import_households(files, "r.csv")
    assert not report.ok and message in str(report.errors[0])
    assert not Household.objects.exists()


def test_a_missing_csv_is_named(county) -> None:  # type: ignore[no-untyped-def]
    files = csv_files(*rows(), encoding="utf-8")
    del files["收支"]
    report = import_households(files, "r.csv")
    assert [str(e) for e in report.errors] == [
        "「收支」表：缺少「收支」表的 CSV 文件（需要 户、成员、收支 三个文件）"
    ]


def test_the_command_takes_three_csv_files(county, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    names = []
    for sheet, content in csv_files(*rows(), encoding="gb18030").items():
        path = tmp_path / f"农户-{sheet}.csv"
        path.write_bytes(content)
        names.append(str(path))
    out = io.StringIO()
    call_command("import_households", *names, stdout=out)
    assert "农户新增 20" in out.getvalue() and Household.objects.count() == 20


def test_a_province_import_lifts_the_row_limits_on_postgresql_only(county, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection

    from xiangcun.domain.households import workbook as reader

    monkeypatch.setattr(reader, "ROW_LIMITS", {"户": 5, "成员": 5, "收支": 5})
    data = workbook(*rows())
    refused = import_households(data, "r.xlsx")
    assert not refused.ok and "数据行数过多" in str(refused.errors[0])
    province = import_households(data, "r.xlsx", province=True)
    if connection.vendor == "postgresql":
        assert province.ok and province.households == (20, 0)
    else:
        assert not province.ok and "需要 PostgreSQL" in str(province.errors[0])
        assert not Household.objects.exists()


def test_the_command_names_province_for_a_file_over_the_limit(county, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import CommandError, call_command

    from xiangcun.households.management.commands import import_households as command

    monkeypatch.setattr(command, "MAX_FILE_BYTES", 10)
    path = tmp_path / "r.xlsx"
    path.write_bytes(workbook(*rows()))
    with pytest.raises(CommandError, match="--province"):
        call_command("import_households", str(path))
