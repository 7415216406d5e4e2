"""Registry files for the household bench: an .xlsx file and the three CSV files.

openpyxl's write-only mode writes about 10 000 rows a second, so a 1 000 000-household workbook took
over ten minutes to make before each run. The bench uses the exports' writer instead
(`xiangcun.domain.spreadsheets.XlsxWriter`, on the xlsxwriter library in its constant-memory mode).
Files are cached under the given folder by size and seed, so repeated runs reuse them.

    .venv/bin/python bench/registry_files.py 1000000 /tmp/registry   # writes h1000000.xlsx and .csv files
    .venv/bin/python bench/registry_files.py 1000000 /tmp/registry 1 --csv-only   # 1 % changed, CSV only
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from xiangcun.domain.spreadsheets import XlsxWriter


def write_xlsx(path: Path, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> None:
    """Write sheets of (name, header, rows) as an .xlsx file through the project's streaming writer."""
    book = XlsxWriter(path)
    for name, header, rows in sheets:
        sheet = book.sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    book.close()


def registry_sheets(
    households: list[dict[str, Any]], members: list[dict[str, Any]], finances: list[dict[str, Any]]
) -> list[tuple[str, tuple[str, ...], Iterator[list[Any]]]]:
    from xiangcun.domain.households.workbook import FINANCE_COLUMNS, HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

    def rows(records: list[dict[str, Any]], columns: tuple[str, ...]) -> Iterator[list[Any]]:
        return ([r.get(c, "") for c in columns] for r in records)

    return [
        ("户", HOUSEHOLD_COLUMNS, rows(households, HOUSEHOLD_COLUMNS)),
        ("成员", MEMBER_COLUMNS, rows(members, MEMBER_COLUMNS)),
        ("收支", FINANCE_COLUMNS, rows(finances, FINANCE_COLUMNS)),
    ]


def write_csvs(
    folder: Path, stem: str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]
) -> None:
    for name, header, rows in sheets:
        with (folder / f"{stem}-{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)


def registry_rows(count: int, year: int = 2025, changed_percent: float = 0.0) -> tuple[list, list, list]:
    """The bench registry (demo generator over the 300-village bench county); optionally with a share
    of households changed (住房安全等级 and 工资性收入), for the re-import bench."""
    from xiangcun.domain.demo import county_rows, household_rows

    villages = [
        str(r[0]) for r in county_rows(300)[1:] if len(str(r[0])) == 12 and r[3] in ("行政村", "社区")
    ]
    households, members, finances = household_rows(villages, count, year)
    if changed_percent:
        step = round(100 / changed_percent)
        for k in range(0, len(households), step):
            households[k]["住房安全等级"] = "B" if households[k]["住房安全等级"] == "A" else "A"
        touched = {households[k]["户编号"] for k in range(0, len(households), step)}
        for row in finances:
            if row["户编号"] in touched and row["年度"] == year:
                row["工资性收入"] = float(row["工资性收入"] or 0) + 1000
    return households, members, finances


def main() -> None:
    import django

    django.setup()
    csv_only = (
        "--csv-only" in sys.argv
    )  # the xlsx of 1 000 000 households takes minutes and is not the province path
    args = [a for a in sys.argv[1:] if a != "--csv-only"]
    count, folder = int(args[0]), Path(args[1])
    changed = float(args[2]) if len(args) > 2 else 0.0
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"h{count}" + (f"-changed{changed:g}" if changed else "")
    rows = registry_rows(count, changed_percent=changed)
    if not csv_only:
        write_xlsx(folder / f"{stem}.xlsx", registry_sheets(*rows))
    write_csvs(folder, stem, registry_sheets(*rows))
    print(folder / stem)


if __name__ == "__main__":
    main()
