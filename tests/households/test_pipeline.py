"""PostgreSQL: the reader thread and the loading thread fail together, write nothing, and leave the connection usable."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.domain.households.factory import finance, household, id_number, member, workbook
from xiangcun.households import bulk
from xiangcun.households.models import Finance, Household, Member, RegistryImport
from xiangcun.households.services import import_households

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the two-thread import is PostgreSQL's COPY path"
    ),
]


def registry(count: int = 12, duplicate: bool = False) -> bytes:
    codes = [f"H{n:03d}" for n in range(count)]
    if duplicate:
        codes[-1] = codes[0]
    return workbook(
        [household(code) for code in codes],
        [member(f"H{n:03d}", id_number("19800101", n)) for n in range(count)],
        [finance(f"H{n:03d}", 2024) for n in range(count)],
    )


def nothing_written() -> bool:
    return not (
        Household.objects.exists()
        or Member.objects.exists()
        or Finance.objects.exists()
        or RegistryImport.objects.exists()
    )


def test_a_reader_failure_in_a_later_sheet_writes_nothing(county, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The households are merged while the members are read; a crash in the members rolls them back."""
    real = bulk.CopyText.__call__

    def crash_on_members(self, sheet, out):  # type: ignore[no-untyped-def]
        if sheet == "成员":
            raise RuntimeError("读卡器故障")
        return real(self, sheet, out)

    monkeypatch.setattr(bulk.CopyText, "__call__", crash_on_members)
    with pytest.raises(RuntimeError, match="读卡器故障"):
        import_households(registry(), "r.xlsx")
    assert nothing_written()
    monkeypatch.undo()
    assert import_households(
        registry(), "r.xlsx"
    ).ok  # the connection and the staging tables are usable again


def test_a_server_error_inside_an_open_copy_ends_it_and_writes_nothing(county, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """COPY text the server refuses (a missing column) fails the import instead of leaving the connection in COPY."""
    real = bulk.CopyText.__call__

    def short_rows(self, sheet, out):  # type: ignore[no-untyped-def]
        data = real(self, sheet, out)
        return data.replace(b"\t", b"", 1) if sheet == "收支" else data

    monkeypatch.setattr(bulk.CopyText, "__call__", short_rows)
    with pytest.raises(Exception, match="xc_stage_finance"):
        import_households(registry(), "r.xlsx")
    assert nothing_written()
    monkeypatch.undo()
    assert import_households(registry(), "r.xlsx").ok


def test_a_merge_broken_by_rows_the_reader_reports_gives_the_report(county) -> None:  # type: ignore[no-untyped-def]
    """A 户编号 twice in the file breaks the households' unique key when they are merged, before the reader has
    finished the other sheets and found the repeat: the user gets the row-level report, not a database error."""
    report = import_households(registry(duplicate=True), "r.xlsx")
    assert not report.ok
    assert any("重复" in str(error) and "户编号" in str(error) for error in report.errors)
    assert nothing_written()
