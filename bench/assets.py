"""Benchmark: 100 000-asset import and the public pages, at county and at 100-county size.

Each size runs in a fresh process on SQLite (a temporary file) and, when BENCH_DATABASE_URL names an
empty PostgreSQL database, on PostgreSQL too.

- county: one county (100 villages) with 2 000 projects, then 100 000 assets imported from one
  workbook, then incomes for 10 000 经营性 assets over three years with four distributions each;
- 100 counties: the same county plus 99 others, each with 500 projects and 3 000 assets (1 000 with
  three years of income), so every query runs over a province-sized table.

Public pages are served through Django's test client (the full stack: URL, queries, template); the
figure is the median of five requests after one warm-up. Target: < 200 ms per page at county size.
Each figure is printed as wall/CPU (process time): on a shared, loaded machine the CPU time is the
steadier measure of the work done.

    .venv/bin/python bench/assets.py [--sizes 1,100] [--assets 100000]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import tempfile
from decimal import Decimal

from _common import Table, clock, county_csv, databases, in_child, median, setup_django, sizes

ASSETS = int(os.environ.get("BENCH_ASSETS", "100000"))  # the parent passes --assets down
PAGES = ("index.html", "funds.html", "progress.html", "assets.html", "income.html", "targets.html")


def _background(county, rng: random.Random, projects: int, assets: int, income_assets: int) -> None:  # type: ignore[no-untyped-def]
    from xiangcun.assets.models import Asset, AssetIncome, Distribution
    from xiangcun.departments.models import Department
    from xiangcun.departments.services import ensure_defaults
    from xiangcun.projects.models import Project
    from xiangcun.regions.models import Region

    ensure_defaults(county)
    department = Department.objects.filter(region=county).first()
    villages = list(Region.objects.within(county).filter(depth=5))
    types = ("industry", "employment", "construction", "relocation", "governance", "other")
    statuses = ("reserve", "admitted", "in_progress", "completed", "accepted", "assets_formed", "terminated")
    items = []
    for n in range(projects):
        link = Decimal(rng.randint(10_000, 5_000_000)) / 10_000
        items.append(Project(county=county, code=f"XM{n:06d}", name=f"项目{n}", project_type=types[n % 6],
                             region=villages[n % len(villages)], department=department, year=2021 + n % 5,
                             total_investment=link, link_fund=link, central_fund=link, status=statuses[n % 7]))  # fmt: skip
    Project.objects.bulk_create(items, batch_size=5000)
    categories = ("经营性", "公益性", "到户类")
    states = ("正常运营", "正常运营", "正常运营", "闲置", "损毁")
    rows = [Asset(county=county, code=f"BG{n:07d}", name=f"资产{n}", category=categories[n % 3],
                  region=villages[n % len(villages)], value=Decimal(rng.randint(1, 4_000_000)) / 10_000,
                  year=2016 + n % 8, owner="村集体经济组织", owner_type="村集体经济组织", state=states[n % 5])
            for n in range(assets)]  # fmt: skip
    Asset.objects.bulk_create(rows, batch_size=5000)
    running = list(
        Asset.objects.filter(county=county, category="经营性")
        .order_by("id")
        .values_list("id", flat=True)[:income_assets]
    )
    incomes = [AssetIncome(asset_id=pk, year=year, amount=Decimal(rng.randint(1000, 200_000)))
               for pk in running for year in (2022, 2023, 2024)]  # fmt: skip
    AssetIncome.objects.bulk_create(incomes, batch_size=5000)
    shares = []
    for income in AssetIncome.objects.filter(asset__county=county).values_list("id", "amount"):
        quarter = (income[1] / 4).quantize(Decimal("0.01"))
        for use in ("管护运行", "巩固帮扶", "村级公益事业", "其他"):
            shares.append(Distribution(income_id=income[0], use=use, amount=quarter))
    Distribution.objects.bulk_create(shares, batch_size=10_000)


def run_one(counties: int) -> dict[str, object]:
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from xiangcun.assets.services import import_assets
    from xiangcun.domain.assets.workbook import write_assets
    from xiangcun.regions.models import Region
    from xiangcun.regions.services import import_regions

    settings.ALLOWED_HOSTS = ["*"]
    rng = random.Random(7)
    with clock() as setup:
        for k in range(counties):
            prefix = "999901" if k == 0 else f"98{k:04d}"
            assert import_regions(county_csv(prefix, "示范县" if k == 0 else f"第{k}县"), "c.csv").ok
            county = Region.objects.get(code=prefix + "000000")
            if k == 0:
                _background(county, rng, projects=2000, assets=0, income_assets=0)
            else:
                _background(county, rng, projects=500, assets=3000, income_assets=1000)

    county = Region.objects.get(code="999901000000")
    villages = list(Region.objects.within(county).filter(depth=5).values_list("code", flat=True))
    categories = ("经营性", "公益性", "到户类")
    rows = [{"code": f"ZC{n:07d}", "name": f"资产{n}", "project": f"XM{n % 2000:06d}" if n % 4 == 0 else "",
             "category": categories[n % 3], "region": villages[n % len(villages)],
             "value": Decimal(rng.randint(1, 4_000_000)) / 10_000, "year": 2016 + n % 9, "owner": "村集体经济组织",
             "custodian": "村委会", "custodian_person": "管护员", "operating_mode": "租赁" if n % 3 == 0 else "",
             "state": ("正常运营", "闲置", "损毁")[n % 3]} for n in range(ASSETS)]  # fmt: skip
    data = write_assets(rows)
    with clock() as imported:
        report = import_assets(data, "bench.xlsx")
    assert report.ok and report.created == ASSETS, [str(e) for e in report.errors[:3]]
    with clock() as reimported:
        report = import_assets(data, "bench.xlsx")  # everything unchanged: the re-import path
    _incomes_for(county, rng)

    client = Client()
    pages = {}
    for name in PAGES:
        url = f"/public/{county.code}/{name}"
        assert client.get(url).status_code == 200, url
        pages[name] = median(lambda url=url: client.get(url)).ms()
    with tempfile.TemporaryDirectory() as out, clock() as published:
        call_command("publish", "--out", out, "--county", county.code, stdout=io.StringIO())
    from xiangcun.assets.models import Asset

    return {"counties": counties, "assets_total": Asset.objects.count(), "xlsx_mb": round(len(data) / 1024 / 1024, 1),
            "setup_s": round(setup.wall, 1), "import_s": f"{imported.wall:.1f}/{imported.cpu:.1f}",
            "reimport_s": f"{reimported.wall:.1f}/{reimported.cpu:.1f}",
            "pages_ms": pages, "publish_s": f"{published.wall:.2f}/{published.cpu:.2f}"}  # fmt: skip


def _incomes_for(county, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    from xiangcun.assets.models import Asset, AssetIncome, Distribution

    running = list(
        Asset.objects.filter(county=county, category="经营性")
        .order_by("id")
        .values_list("id", flat=True)[:10_000]
    )
    AssetIncome.objects.bulk_create(
        [AssetIncome(asset_id=pk, year=y, amount=Decimal(rng.randint(1000, 200_000))) for pk in running for y in (2022, 2023, 2024)],
        batch_size=5000,
    )  # fmt: skip
    shares = [Distribution(income_id=pk, use=use, amount=(amount / 4).quantize(Decimal("0.01")))
              for pk, amount in AssetIncome.objects.filter(asset__county=county).values_list("id", "amount")
              for use in ("管护运行", "巩固帮扶", "村级公益事业", "其他")]  # fmt: skip
    Distribution.objects.bulk_create(shares, batch_size=10_000)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(run_one(int(sys.argv[2])), ensure_ascii=False))
        return
    parser = argparse.ArgumentParser(description="资产台账导入和公开页面的基准（每个规模一个新进程）")
    parser.add_argument("--sizes", default="1,100", help="县数，逗号分隔（1 为一个县，100 为省级规模）")
    parser.add_argument("--assets", type=int, default=ASSETS, help="示范县导入的资产数（默认 100000）")
    args = parser.parse_args()
    counts = sizes(args.sizes)
    table = Table(("db", 11), ("counties", 9), ("assets", 9), ("xlsx MB", 8), ("import s", 12),
                  ("reimport s", 12), ("publish s", 12), ("  pages ms (wall/CPU)", 0))  # fmt: skip
    for label, url in databases():
        for count in counts:
            r = in_child(__file__, "--one", str(count), database=url, env={"BENCH_ASSETS": str(args.assets)})
            pages = " ".join(f"{k.removesuffix('.html')}={v}" for k, v in r["pages_ms"].items())
            table.row(label, r["counties"], r["assets_total"], r["xlsx_mb"], r["import_s"], r["reimport_s"],
                      r["publish_s"], f"  {pages}")  # fmt: skip


if __name__ == "__main__":
    main()
