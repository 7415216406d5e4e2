"""The demo registry written as three CSV files reads back exactly as the .xlsx does (the large demo uses CSV)."""

from __future__ import annotations

import datetime as dt

from xiangcun.domain.demo import county_rows, household_rows, registry_csv
from xiangcun.domain.households.workbook import read_registry, write_registry


def test_csv_registry_reads_back_like_the_workbook() -> None:
    villages = [str(r[0]) for r in county_rows(20)[1:] if r[3] in ("行政村", "社区")]
    rows = household_rows(villages, 80, 2025)
    files = registry_csv(*rows)
    assert set(files) == {"户", "成员", "收支"}
    today = dt.date(2026, 6, 1)
    from_csv = read_registry(files, "演示农户登记表-户.csv", villages, today=today)
    from_xlsx = read_registry(write_registry(*rows), "演示农户登记表.xlsx", villages, today=today)
    assert from_csv.ok, from_csv.errors[:3]
    assert from_xlsx.ok
    assert len(from_csv.households) == 80
    assert len(from_csv.members) == len(rows[1]) > 80
    assert len(from_csv.finances) == 160
    assert list(from_csv.households) == list(from_xlsx.households)
    assert list(from_csv.members) == list(from_xlsx.members)
    assert list(from_csv.finances) == list(from_xlsx.finances)
