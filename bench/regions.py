"""Benchmark: region import, subtree queries and the tree page at 1 000 / 10 000 / 50 000 villages.

Runs on SQLite (a temporary file) and, when BENCH_DATABASE_URL points to an empty PostgreSQL database,
on PostgreSQL too. Each size runs in a fresh process so memory figures do not carry over.

    .venv/bin/python bench/regions.py
    BENCH_DATABASE_URL=postgres://xiangcun@127.0.0.1:5432/bench .venv/bin/python bench/regions.py
"""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

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
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from xiangcun.accounts.models import Role, User
    from xiangcun.regions.models import Region
    from xiangcun.regions.services import import_regions

    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    data = province_csv(villages)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    report = import_regions(data, "bench.csv")
    import_s = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert report.ok, report.errors[:3]

    province = Region.objects.get(code="710000000000")
    county = Region.objects.filter(depth=3).order_by("path").last()

    def timed(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
        best = float("inf")
        for _ in range(repeat):
            t = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t)
        return best

    subtree_county = timed(lambda: list(Region.objects.within(county).values_list("code", flat=True)))
    villages_in_province = timed(lambda: Region.objects.within(province).filter(depth=5).count())
    admin = User.objects.create(username="bench", role=Role.SYSTEM_ADMIN)
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    page_province = timed(lambda: client.get(f"/regions/{province.code}/"))
    page_county = timed(lambda: client.get(f"/regions/{county.code}/"))
    assert client.get(f"/regions/{county.code}/").status_code == 200
    return {
        "villages": villages,
        "rows": report.created,
        "import_s": round(import_s, 2),
        "import_peak_mb": round((rss_after - rss_before) / 1024, 1),
        "subtree_county_ms": round(subtree_county * 1000, 1),
        "count_villages_province_ms": round(villages_in_province * 1000, 1),
        "page_province_ms": round(page_province * 1000, 1),
        "page_county_ms": round(page_county * 1000, 1),
    }


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(run_one(int(sys.argv[2]))))
        return
    databases = [("SQLite", None)]
    if os.environ.get("BENCH_DATABASE_URL"):
        databases.append(("PostgreSQL", os.environ["BENCH_DATABASE_URL"]))
    print(
        f"{'db':<11}{'villages':>9}{'rows':>8}{'import s':>10}{'peak MB':>9}{'subtree ms':>12}"
        f"{'count ms':>10}{'page(prov) ms':>15}{'page(county) ms':>17}"
    )
    for label, url in databases:
        for size in SIZES:
            with tempfile.TemporaryDirectory() as tmp:
                env = dict(
                    os.environ,
                    DJANGO_SETTINGS_MODULE="xiangcun.settings",
                    XIANGCUN_DATA_DIR=tmp,
                    ALLOWED_HOSTS="testserver",
                )
                env["DATABASE_URL"] = url or f"sqlite:///{tmp}/bench.sqlite3"
                out = subprocess.run(
                    [sys.executable, __file__, "--one", str(size)], env=env, capture_output=True, text=True
                )
                if out.returncode != 0:
                    print(out.stderr[-2000:])
                    raise SystemExit(1)
                r = json.loads(out.stdout.strip().splitlines()[-1])
                print(
                    f"{label:<11}{r['villages']:>9}{r['rows']:>8}{r['import_s']:>10}{r['import_peak_mb']:>9}"
                    f"{r['subtree_county_ms']:>12}{r['count_villages_province_ms']:>10}"
                    f"{r['page_province_ms']:>15}{r['page_county_ms']:>17}"
                )


if __name__ == "__main__":
    main()
