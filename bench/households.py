"""Benchmark: household registry import and screening at 10 000 / 100 000 / 1 000 000 households.

Each size runs in a fresh process on SQLite (a temporary file) and, when BENCH_DATABASE_URL names an
empty PostgreSQL database, on PostgreSQL too. About 3.5 members per household, two years of finances.

    .venv/bin/python bench/households.py [--sizes 10000,100000,1000000]
    BENCH_DATABASE_URL=postgres://xiangcun@127.0.0.1:5432/bench .venv/bin/python bench/households.py

Province sizes: make the files once with bench/registry_files.py (fast writer, .xlsx and three CSVs), then
time one import (and a screening) into DATABASE_URL; --keep imports on top of what is there (re-import):

    .venv/bin/python bench/registry_files.py 1000000 /tmp/registry
    DATABASE_URL=postgres://… .venv/bin/python bench/households.py --file /tmp/registry/h1000000.xlsx
    DATABASE_URL=postgres://… .venv/bin/python bench/households.py --file /tmp/registry/h1000000 --csv
    DATABASE_URL=postgres://… .venv/bin/python bench/households.py --file /tmp/registry/h1000000-changed1 --csv --keep

--no-screen leaves out the screening; --province lifts the per-import row and file limits (5 000 000 households). Each prints wall and CPU seconds (the process's own), the peak RSS of
the process, the CPU seconds of its database server process when it runs on this machine (read from /proc;
the `server_cpu_s` figure), and how many audit entries the import added.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_one(count: int) -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command

    from xiangcun.domain.demo import county_rows, household_rows
    from xiangcun.domain.households.workbook import write_registry
    from xiangcun.households.models import Household
    from xiangcun.households.services import import_households, run_screening
    from xiangcun.regions.models import Region
    from xiangcun.regions.services import import_regions

    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(county_rows(300))
    assert import_regions(buffer.getvalue().encode(), "county.csv").ok
    villages = list(Region.objects.filter(depth=5).values_list("code", flat=True))
    t = time.perf_counter()
    rows = household_rows(villages, count, 2025)
    generate_s = time.perf_counter() - t
    t = time.perf_counter()
    data = write_registry(*rows)
    write_s = time.perf_counter() - t
    members = len(rows[1])
    del rows
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    report = import_households(data, "bench.xlsx")
    import_s = time.perf_counter() - t
    assert report.ok, [str(e) for e in report.errors[:3]]
    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) / 1024
    t = time.perf_counter()
    flagged = run_screening(
        Household.objects.all(),
        2025,
        6000.0,
        tuple(__import__("xiangcun.domain.households.screening", fromlist=["RULE_CODES"]).RULE_CODES),
    )
    screen_s = time.perf_counter() - t
    return {"households": count, "members": members, "xlsx_mb": round(len(data) / 1024 / 1024, 1),
            "generate_s": round(generate_s, 1), "write_s": round(write_s, 1), "import_s": round(import_s, 1),
            "import_extra_peak_mb": round(peak), "screen_s": round(screen_s, 2), "flagged": len(flagged)}  # fmt: skip


def run_file(
    path: str, as_csv: bool, keep: bool, screen: bool = True, province: bool = False
) -> dict[str, object]:
    import django

    django.setup()

    from django.core.management import call_command

    from xiangcun.domain.demo import county_rows
    from xiangcun.domain.households.screening import RULE_CODES
    from xiangcun.households.models import Household, RegistryImport
    from xiangcun.households.services import import_households, run_screening
    from xiangcun.regions.services import import_regions

    call_command("migrate", interactive=False, verbosity=0)
    if not keep:
        call_command("flush", interactive=False, verbosity=0)
        buffer = io.StringIO()
        csv.writer(buffer).writerows(county_rows(300))
        assert import_regions(buffer.getvalue().encode(), "county.csv").ok
    from auditlog.models import LogEntry

    source: object = {n: Path(f"{path}-{n}.csv") for n in ("户", "成员", "收支")} if as_csv else Path(path)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    entries = LogEntry.objects.count()
    server = server_cpu()
    t, c = time.perf_counter(), time.process_time()
    report = import_households(source, Path(path).name, province=province)  # type: ignore[arg-type]
    import_s, import_cpu = time.perf_counter() - t, time.process_time() - c
    server = server_cpu() - server
    assert report.ok, [str(e) for e in report.errors[:3]]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t, c = time.perf_counter(), time.process_time()
    flagged = run_screening(Household.objects.all(), 2025, 6000.0, RULE_CODES) if screen else []
    screen_s, screen_cpu = time.perf_counter() - t, time.process_time() - c
    return {"file": Path(path).name, "csv": as_csv, "import_s": round(import_s, 1), "import_cpu_s": round(import_cpu, 1),
            "server_cpu_s": round(server, 1), "audit_added": LogEntry.objects.count() - entries,
            "peak_rss_mb": peak // 1024, "rss_before_mb": before // 1024, "summary": report.summary(),
            "audit_entries": LogEntry.objects.count(), "imports": RegistryImport.objects.count(),
            "screen_s": round(screen_s, 2), "screen_cpu_s": round(screen_cpu, 2), "flagged": len(flagged)}  # fmt: skip


def server_cpu() -> float:
    """CPU seconds (user + system) of this connection's PostgreSQL backend, when it runs on this machine; else 0."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    if "--file" in sys.argv:
        path = sys.argv[sys.argv.index("--file") + 1]
        args = (
            path,
            "--csv" in sys.argv,
            "--keep" in sys.argv,
            "--no-screen" not in sys.argv,
            "--province" in sys.argv,
        )
        print(json.dumps(run_file(*args), ensure_ascii=False))
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(run_one(int(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    databases = [("SQLite", None)]
    if os.environ.get("BENCH_DATABASE_URL"):
        databases.append(("PostgreSQL", os.environ["BENCH_DATABASE_URL"]))
    print(
        f"{'db':<11}{'households':>11}{'members':>9}{'xlsx MB':>8}{'write s':>8}{'import s':>9}{'peak MB':>8}"
        f"{'screen s':>9}{'flagged':>8}"
    )
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
                print(
                    f"{label:<11}{r['households']:>11}{r['members']:>9}{r['xlsx_mb']:>8}{r['write_s']:>8}"
                    f"{r['import_s']:>9}{r['import_extra_peak_mb']:>8}{r['screen_s']:>9}{r['flagged']:>8}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
