"""Benchmark: region import, subtree queries and the tree page at 1 000 / 10 000 / 50 000 villages.

Runs on SQLite (a temporary file) and, when BENCH_DATABASE_URL points to an empty PostgreSQL database,
on PostgreSQL too. Each size runs in a fresh process so memory figures do not carry over.

    .venv/bin/python bench/regions.py [--sizes 1000,10000,50000]
    BENCH_DATABASE_URL=postgres://xiangcun@127.0.0.1:5432/bench .venv/bin/python bench/regions.py
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys

from _common import Table, best, clock, databases, in_child, peak_mb, setup_django, sizes

SIZES = [1_000, 10_000, 50_000]


def province_csv(villages: int) -> bytes:
    """A province: cities of ≤20 counties, counties of ≤20 townships, townships of 12 villages, 3 natural villages each."""
    rows = [["代码", "名称", "上级代码", "级别", "户籍人口"], ["710000000000", "测试省", "", "省", ""]]
    townships = -(-villages // 12)
    counties = -(-townships // 20)
    cities = -(-counties // 20)
    for c in range(1, cities + 1):
        rows.append([f"71{c:02d}00000000", f"测试市{c}", "710000000000", "市", ""])
    v_left = villages
    for k in range(counties):
        city = k // 20 + 1
        county_code = f"71{city:02d}{k % 20 + 1:02d}000000"
        rows.append([county_code, f"测试县{k + 1}", f"71{city:02d}00000000", "县", ""])
        for t in range(1, 21):
            if v_left <= 0:
                break
            t_code = county_code[:6] + f"{t:03d}000"
            rows.append([t_code, f"县{k + 1}镇{t}", county_code, "乡镇", ""])
            for v in range(1, 13):
                if v_left <= 0:
                    break
                v_left -= 1
                v_code = t_code[:9] + f"{200 + v:03d}"
                rows.append([v_code, f"镇{t}村{v}", t_code, "行政村", 1000 + v])
                for n in range(3):
                    rows.append(
                        [t_code[:9] + f"{400 + v * 3 + n:03d}", f"村{v}组{n + 1}", v_code, "自然村", 300]
                    )
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def run_one(villages: int) -> dict[str, object]:
    setup_django()
    from django.test import Client

    from xiangcun.accounts.models import Role, User
    from xiangcun.regions.models import Region
    from xiangcun.regions.services import import_regions

    data = province_csv(villages)
    rss_before = peak_mb()
    with clock() as imported:
        report = import_regions(data, "bench.csv")
    rss_after = peak_mb()
    assert report.ok, report.errors[:3]

    province = Region.objects.get(code="710000000000")
    county = Region.objects.filter(depth=3).order_by("path").last()

    subtree_county = best(lambda: list(Region.objects.within(county).values_list("code", flat=True))).wall
    villages_in_province = best(lambda: Region.objects.within(province).filter(depth=5).count()).wall
    admin = User.objects.create(username="bench", role=Role.SYSTEM_ADMIN)
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    page_province = best(lambda: client.get(f"/regions/{province.code}/")).wall
    page_county = best(lambda: client.get(f"/regions/{county.code}/")).wall
    assert client.get(f"/regions/{county.code}/").status_code == 200
    return {
        "villages": villages,
        "rows": report.created,
        "import_s": round(imported.wall, 2),
        "import_cpu_s": round(imported.cpu, 2),
        "import_peak_mb": round(rss_after - rss_before, 1),
        "subtree_county_ms": round(subtree_county * 1000, 1),
        "count_villages_province_ms": round(villages_in_province * 1000, 1),
        "page_province_ms": round(page_province * 1000, 1),
        "page_county_ms": round(page_county * 1000, 1),
    }


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(run_one(int(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(description="区划导入、子树查询和区划页面的基准（每个规模一个新进程）")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="行政村数，逗号分隔")
    counts = sizes(parser.parse_args().sizes)
    table = Table(("db", 11), ("villages", 9), ("rows", 8), ("import s", 10), ("import CPU s", 13),
                  ("peak MB", 9), ("subtree ms", 12), ("count ms", 10), ("page(prov) ms", 15),
                  ("page(county) ms", 17))  # fmt: skip
    for label, url in databases():
        for count in counts:
            r = in_child(__file__, "--one", str(count), database=url, env={"ALLOWED_HOSTS": "testserver"})
            table.row(label, r["villages"], r["rows"], r["import_s"], r["import_cpu_s"], r["import_peak_mb"],
                      r["subtree_county_ms"], r["count_villages_province_ms"], r["page_province_ms"],
                      r["page_county_ms"])  # fmt: skip


if __name__ == "__main__":
    main()
