"""Benchmark: a household toilet ledger (户厕台账) imported and summarised by village and year.

Each size runs in a fresh process on SQLite (a temporary file) and, when BENCH_DATABASE_URL names an
empty PostgreSQL database, on PostgreSQL too. The county has 100 villages; a third of the rows name a
registered household by 户编号 (the registry holds that many households), the rest a head's name and
village code. Rows span 2021–2025, every model and every acceptance state.

Timed: the import of the workbook into an empty ledger (reading, checking every row, matching
households and villages, writing, one import record: created rows are not audited one by one), the
re-import of the same file (nothing changes: every row matched and compared), and the summary the progress page shows (by year against the
plan, by village and year, coverage), the median of five runs. Target: import of 100 000 rows < 20 s.
Wall seconds and CPU seconds of the process are both given: a busy machine inflates the first only.

    .venv/bin/python bench/ledgers.py [--sizes 10000,50000,100000]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import sys

from _common import Table, clock, databases, in_child, median, setup_django, sizes


def _rows(size: int, villages: list[str], households: list[str], rng: random.Random) -> list[list[object]]:
    from xiangcun.domain.ledgers import toilets

    out = []
    codes = list(households)
    for n in range(size):
        year = 2021 + n % 5
        stages = n % 5
        day = dt.date(year, 6, 1)
        row: dict[str, object] = {"改造年份": year, "改厕模式": toilets.MODELS[n % 5], "改造费用（元）": 3000 + n % 900,
                                  "补助金额（元）": 1000, "使用状态": toilets.USE_STATUSES[n % 4] if stages else ""}  # fmt: skip
        for k, (_, label) in enumerate(toilets.STAGES[:stages]):
            row[f"{label}验收日期"], row[f"{label}验收人"] = day + dt.timedelta(days=7 * k), "验收人"
        if codes and n % 3 == 0:
            row["户编号"] = codes.pop()
        else:
            row["户主姓名"], row["所在村"] = f"户主{n}", villages[n % len(villages)]
        if n % 17 == 0:
            row["摸排发现问题"] = "粪池渗漏"
        out.append(row)
    headers = [c.header for c in toilets.COLUMNS]
    return [[r.get(h, "") for h in headers] for r in out]


def run_one(size: int) -> dict[str, object]:
    setup_django()
    from xiangcun.domain.demo import COUNTY_CODE, county_rows
    from xiangcun.domain.ledgers import toilets
    from xiangcun.domain.ledgers.columns import write_workbook
    from xiangcun.households.models import Household
    from xiangcun.ledgers import services
    from xiangcun.ledgers.models import ToiletRecord
    from xiangcun.regions.models import Region
    from xiangcun.regions.services import import_regions

    buffer = io.StringIO()
    csv.writer(buffer).writerows(county_rows(100))
    assert import_regions(buffer.getvalue().encode(), "c.csv").ok
    county = Region.objects.get(code=COUNTY_CODE)
    villages = list(Region.objects.filter(depth=5).within(county).values_list("id", "code"))
    registered = size // 3
    Household.objects.bulk_create(
        [Household(code=f"H{n:07d}", village_id=villages[n % len(villages)][0], head_name=f"登记户{n}",
                   household_type="一般农户", housing_grade="A") for n in range(registered)],
        batch_size=5000,
    )  # fmt: skip
    services.toilet_settings(county).__class__.objects.filter(county=county).update(
        yearly_plan={str(y): size // 5 for y in range(2021, 2026)}
    )
    data = write_workbook(toilets.COLUMNS, _rows(size, [c for _, c in villages], [f"H{n:07d}" for n in range(registered)],
                                                  random.Random(7)))  # fmt: skip
    with clock() as imported:
        report = services.import_toilets(data, "bench.xlsx", county)
    assert report.ok and report.created == size, [str(e) for e in report.errors[:3]]
    with clock() as reimported:
        again = services.import_toilets(data, "bench.xlsx", county)
    assert again.ok and again.unchanged == size, again.summary()
    records = ToiletRecord.objects.filter(county=county)
    all_villages = Region.objects.filter(depth=5).within(county)

    def summary() -> None:
        services.toilet_progress(county, records)
        services.village_table(records, all_villages)
        for year in range(2021, 2026):
            services.coverage(county, year)

    summarised = median(summary)
    return {"rows": size, "xlsx_mb": round(len(data) / 1024 / 1024, 1), "import_s": round(imported.wall, 2),
            "import_cpu_s": round(imported.cpu, 2), "reimport_s": round(reimported.wall, 2),
            "reimport_cpu_s": round(reimported.cpu, 2), "summary_ms": round(summarised.wall * 1000),
            "summary_cpu_ms": round(summarised.cpu * 1000)}  # fmt: skip


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(run_one(int(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(description="户厕台账导入和改厕进度汇总的基准（每个规模一个新进程）")
    parser.add_argument("--sizes", default="10000,50000,100000", help="台账行数，逗号分隔")
    counts = sizes(parser.parse_args().sizes)
    columns = ("rows", "xlsx_mb", "import_s", "import_cpu_s", "reimport_s", "reimport_cpu_s", "summary_ms",
               "summary_cpu_ms")  # fmt: skip
    table = Table(("db", 11), *columns, width=15)
    for label, url in databases():
        for count in counts:
            r = in_child(__file__, "--one", str(count), database=url)
            table.row(label, *(r[c] for c in columns))


if __name__ == "__main__":
    main()
