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

    .venv/bin/python bench/projects.py [--sizes 1,100]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from typing import Any

PROJECTS = 20_000
BACKGROUND = 2_000
TYPES = ("产业发展", "就业增收", "乡村建设", "易地搬迁后续扶持", "乡村治理", "其他")
STATUSES = ("储备", "入库", "实施中", "已完工", "已验收", "已形成资产", "已终止")


def _county_rows(prefix: str, name: str) -> list[list[object]]:
    from xiangcun.domain.demo import COUNTY_CODE, county_rows

    out = []
    for row in county_rows(100):
        row = list(row)
        if str(row[0]).isdigit():
            row[0] = prefix + str(row[0])[6:]
            if row[2]:
                row[2] = prefix + str(row[2])[6:]
            if str(row[0]) == prefix + COUNTY_CODE[6:]:
                row[1] = name
        out.append(row)
    return out


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


def _median(fn: Any, runs: int = 5) -> tuple[float, float]:
    """Median wall and CPU seconds of `fn` over `runs` runs after one warm-up."""
    fn()
    times, cpus = [], []
    for _ in range(runs):
        t, cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - cpu)
    return statistics.median(times), statistics.median(cpus)


def run_one(counties: int) -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command

    from xiangcun.departments.services import ensure_defaults
    from xiangcun.domain.projects.workbook import write_projects
    from xiangcun.projects.models import Project
    from xiangcun.projects.selectors import by_township, fund_summary, public_fund_summary
    from xiangcun.projects.services import export_projects, import_projects
    from xiangcun.regions.models import Region
    from xiangcun.regions.services import import_regions

    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    rng = random.Random(7)
    t = time.perf_counter()
    county = None
    for k in range(counties):
        prefix = "999901" if k == 0 else f"98{k:04d}"
        buffer = io.StringIO()
        csv.writer(buffer).writerows(_county_rows(prefix, "示范县" if k == 0 else f"第{k}县"))
        assert import_regions(buffer.getvalue().encode(), "c.csv").ok
        here = Region.objects.get(code=prefix + "000000")
        if k == 0:
            county = here
            ensure_defaults(county)
        else:
            _background(here, BACKGROUND)
    setup_s = time.perf_counter() - t
    assert county is not None
    regions = list(Region.objects.within(county).filter(depth__in=(4, 5)).values_list("code", flat=True))
    first = write_projects(_workbook_rows(rng, regions))
    second = write_projects(_workbook_rows(random.Random(7), regions, change=10))
    assert first is not None and second is not None
    t, cpu = time.perf_counter(), time.process_time()
    report = import_projects(first, "bench.xlsx", county)
    import_s, import_cpu = time.perf_counter() - t, time.process_time() - cpu
    assert report.ok and report.created == PROJECTS, [str(e) for e in report.errors[:3]]
    t, cpu = time.perf_counter(), time.process_time()
    report = import_projects(second, "bench.xlsx", county)
    reimport_s, reimport_cpu = time.perf_counter() - t, time.process_time() - cpu
    assert report.ok and report.updated == PROJECTS // 10, (
        report.summary(),
        [str(e) for e in report.errors[:3]],
    )
    library = Project.objects.filter(county=county)
    summary_s = _median(lambda: fund_summary(library, 2025, county))
    township_s = _median(lambda: by_township(library, 2025, county))
    public_s = _median(lambda: public_fund_summary(county, 2025))
    t = time.perf_counter()
    data = export_projects(library)
    export_s = time.perf_counter() - t
    return {"counties": counties, "projects_in_table": Project.objects.count(), "setup_s": round(setup_s, 1),
            "xlsx_mb": round(len(first) / 1024 / 1024, 1), "import_s": round(import_s, 2),
            "import_cpu_s": round(import_cpu, 2), "reimport_s": round(reimport_s, 2),
            "reimport_cpu_s": round(reimport_cpu, 2), "summary_ms": round(summary_s[0] * 1000),
            "summary_cpu_ms": round(summary_s[1] * 1000), "township_ms": round(township_s[0] * 1000),
            "public_ms": round(public_s[0] * 1000), "public_cpu_ms": round(public_s[1] * 1000),
            "export_s": round(export_s, 2), "export_mb": round(len(data) / 1024 / 1024, 1)}  # fmt: skip


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(run_one(int(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1,100")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    databases = [("SQLite", None)]
    if os.environ.get("BENCH_DATABASE_URL"):
        databases.append(("PostgreSQL", os.environ["BENCH_DATABASE_URL"]))
    columns = ("counties", "projects_in_table", "import_s", "import_cpu_s", "reimport_s", "reimport_cpu_s",
               "summary_ms", "summary_cpu_ms", "township_ms", "public_ms", "public_cpu_ms", "export_s")  # fmt: skip
    print(f"{'db':<11}" + "".join(f"{c:>16}" for c in columns))
    for label, url in databases:
        for size in sizes:
            with tempfile.TemporaryDirectory() as tmp:
                env = dict(os.environ, DJANGO_SETTINGS_MODULE="xiangcun.settings", XIANGCUN_DATA_DIR=tmp)
                env["DATABASE_URL"] = url or f"sqlite:///{tmp}/bench.sqlite3"
                out = subprocess.run(
                    [sys.executable, __file__, "--one", str(size)], env=env, capture_output=True, text=True
                )
                if out.returncode != 0:
                    print(out.stderr[-3000:])
                    raise SystemExit(1)
                r = json.loads(out.stdout.strip().splitlines()[-1])
                print(f"{label:<11}" + "".join(f"{r[c]!s:>16}" for c in columns), flush=True)


if __name__ == "__main__":
    main()
