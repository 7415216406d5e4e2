"""Benchmark: the 20 000-project import and the fund summary, at county and at 100-county size.

Each size runs in a fresh process on SQLite (a temporary file) and, when BENCH_DATABASE_URL names an
empty PostgreSQL database, on PostgreSQL too.

- county: one county (100 villages); a workbook of 20 000 projects (2021–2025, every type and status,
  amounts with four decimals) is imported into an empty library, then imported again with every
  tenth project changed (the update path), then exported (项目 + 公告 sheets);
- 100 counties: the same, with 99 other counties of 2 000 projects each already in the table
  (218 000 projects), so every query runs over a province-sized table.

The fund summary is `xiangcun funds --year 2025 --json` (selectors.fund_summary) plus the township
table and the public summary, each the median of five runs. Targets: import < 20 s, fund summary < 1 s.
The import is also given in CPU seconds of the process, which a busy machine does not inflate.

    .venv/bin/python bench/projects.py [--sizes 1,100] [--projects 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from decimal import Decimal
from typing import Any

from _common import Table, clock, county_csv, databases, in_child, median, setup_django, sizes

PROJECTS = int(os.environ.get("BENCH_PROJECTS", "20000"))  # the parent passes --projects down
BACKGROUND = 2_000
TYPES = ("产业发展", "就业增收", "乡村建设", "易地搬迁后续扶持", "乡村治理", "其他")
STATUSES = ("储备", "入库", "实施中", "已完工", "已验收", "已形成资产", "已终止")


def _workbook_rows(rng: random.Random, regions: list[str], change: int = 0) -> list[dict[str, Any]]:
    rows = []
    for n in range(PROJECTS):
        central = rng.randint(10_000, 3_000_000)
        provincial, local = central // 3, central // 7
        link = central + provincial + local
        other = link // 5 if n % 3 == 0 else 0
        relief = n % 6 == 2 and n % 4 == 0
        name = f"项目{n}" + ("（调整）" if change and n % change == 0 else "")
        rows.append(
            {"code": f"XM{n:06d}", "name": name, "project_type": ("industry", "employment", "construction",
             "relocation", "governance", "other")[n % 6], "work_relief": relief, "region_code": regions[n % len(regions)],
             "content": "新建或改造，规模按批复", "department_name": ("农业农村局", "交通局", "水利局", "人社局")[n % 4],
             "year": 2021 + n % 5, "total_investment": Decimal(link + other) / 10000,
             "link_fund": Decimal(link) / 10000, "central_fund": Decimal(central) / 10000,
             "provincial_fund": Decimal(provincial) / 10000, "local_fund": Decimal(local) / 10000,
             "other_fund": Decimal(other) / 10000, "labour_pay": Decimal(central // 8 if relief else 0) / 10000,
             "poor_households": n % 50, "monitored_households": n % 7,
             "status": ("reserve", "admitted", "in_progress", "completed", "accepted", "assets_formed",
                        "terminated")[n % 7]}
        )  # fmt: skip
    return rows


def _background(county: Any, count: int) -> None:
    from xiangcun.departments.models import Department
    from xiangcun.departments.services import ensure_defaults
    from xiangcun.projects.models import Project
    from xiangcun.regions.models import Region

    ensure_defaults(county)
    department = Department.objects.filter(region=county).first()
    regions = list(Region.objects.within(county).filter(depth=5))
    items = []
    for n in range(count):
        link = Decimal(1_000_000 + n * 37) / 10_000
        items.append(Project(county=county, code=f"XM{n:06d}", name=f"项目{n}", project_type=("industry", "other")[n % 2],
                             region=regions[n % len(regions)], department=department, year=2021 + n % 5,
                             total_investment=link, link_fund=link, central_fund=link, status="in_progress"))  # fmt: skip
    Project.objects.bulk_create(items, batch_size=5000)


def run_one(counties: int) -> dict[str, object]:
    setup_django()
    from xiangcun.departments.services import ensure_defaults
    from xiangcun.domain.projects.workbook import write_projects
    from xiangcun.projects.models import Project
    from xiangcun.projects.selectors import by_township, fund_summary, public_fund_summary
    from xiangcun.projects.services import export_projects, import_projects
    from xiangcun.regions.models import Region
    from xiangcun.regions.services import import_regions

    rng = random.Random(7)
    county = None
    with clock() as setup:
        for k in range(counties):
            prefix = "999901" if k == 0 else f"98{k:04d}"
            assert import_regions(county_csv(prefix, "示范县" if k == 0 else f"第{k}县"), "c.csv").ok
            here = Region.objects.get(code=prefix + "000000")
            if k == 0:
                county = here
                ensure_defaults(county)
            else:
                _background(here, BACKGROUND)
    assert county is not None
    regions = list(Region.objects.within(county).filter(depth__in=(4, 5)).values_list("code", flat=True))
    first = write_projects(_workbook_rows(rng, regions))
    second = write_projects(_workbook_rows(random.Random(7), regions, change=10))
    assert first is not None and second is not None
    with clock() as imported:
        report = import_projects(first, "bench.xlsx", county)
    assert report.ok and report.created == PROJECTS, [str(e) for e in report.errors[:3]]
    with clock() as reimported:
        report = import_projects(second, "bench.xlsx", county)
    assert report.ok and report.updated == PROJECTS // 10, (
        report.summary(),
        [str(e) for e in report.errors[:3]],
    )
    library = Project.objects.filter(county=county)
    summary = median(lambda: fund_summary(library, 2025, county))
    township = median(lambda: by_township(library, 2025, county))
    public = median(lambda: public_fund_summary(county, 2025))
    with clock() as exported:
        data = export_projects(library)
    return {"counties": counties, "projects_in_table": Project.objects.count(), "setup_s": round(setup.wall, 1),
            "xlsx_mb": round(len(first) / 1024 / 1024, 1), "import_s": round(imported.wall, 2),
            "import_cpu_s": round(imported.cpu, 2), "reimport_s": round(reimported.wall, 2),
            "reimport_cpu_s": round(reimported.cpu, 2), "summary_ms": round(summary.wall * 1000),
            "summary_cpu_ms": round(summary.cpu * 1000), "township_ms": round(township.wall * 1000),
            "public_ms": round(public.wall * 1000), "public_cpu_ms": round(public.cpu * 1000),
            "export_s": round(exported.wall, 2), "export_cpu_s": round(exported.cpu, 2),
            "export_mb": round(len(data) / 1024 / 1024, 1)}  # fmt: skip


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(run_one(int(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(description="项目库导入、资金汇总和导出的基准（每个规模一个新进程）")
    parser.add_argument("--sizes", default="1,100", help="县数，逗号分隔（1 为一个县，100 为省级规模）")
    parser.add_argument("--projects", type=int, default=PROJECTS, help="示范县导入的项目数（默认 20000）")
    args = parser.parse_args()
    counts = sizes(args.sizes)
    columns = ("counties", "projects_in_table", "import_s", "import_cpu_s", "reimport_s", "reimport_cpu_s",
               "summary_ms", "summary_cpu_ms", "township_ms", "public_ms", "public_cpu_ms", "export_s",
               "export_cpu_s")  # fmt: skip
    table = Table(("db", 11), *columns)
    for label, url in databases():
        for count in counts:
            r = in_child(
                __file__, "--one", str(count), database=url, env={"BENCH_PROJECTS": str(args.projects)}
            )
            table.row(label, *(r[c] for c in columns))


if __name__ == "__main__":
    main()
