"""Benchmark: what sealing the audit log by hash adds to a household import (issue 15, item 7).

Imports N households (about 3.5 members each) into a fresh SQLite file (or BENCH_DATABASE_URL), once with
sealing switched off and once, into a second fresh database, with sealing on (it runs after the import's
commit), and reports both times (wall and CPU seconds: a shared machine's load inflates wall time), the entries written and the seal time alone.

    .venv/bin/python bench/audit_chain.py [--households 10000]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time


def run_one(count: int, sealing: bool) -> dict[str, object]:
    import django

    django.setup()
    from auditlog.models import LogEntry
    from django.core.management import call_command

    from xiangcun.audit import chain
    from xiangcun.domain.demo import county_rows, household_rows
    from xiangcun.domain.households.workbook import write_registry
    from xiangcun.households.services import import_households
    from xiangcun.regions.models import Region
    from xiangcun.regions.services import import_regions

    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(county_rows(300))
    assert import_regions(buffer.getvalue().encode(), "county.csv").ok
    chain.seal()
    villages = list(Region.objects.filter(depth=5).values_list("code", flat=True))
    data = write_registry(*household_rows(villages, count, 2025))
    if not sealing:
        chain._seal_quietly = lambda: None  # type: ignore[assignment]  # noqa: SLF001
    before = LogEntry.objects.count()
    t, c = time.perf_counter(), time.process_time()
    assert import_households(data, "bench.xlsx").ok
    import_s, import_cpu = time.perf_counter() - t, time.process_time() - c
    entries = LogEntry.objects.count() - before
    t, c = time.perf_counter(), time.process_time()
    late = chain.seal()  # 0 when sealing ran after the commit
    seal_s, seal_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    verdict = chain.verify()
    verify_s, verify_cpu = time.perf_counter() - t, time.process_time() - c
    return {"households": count, "sealing": sealing, "entries": entries, "import_s": round(import_s, 2),
            "import_cpu_s": round(import_cpu, 2), "sealed_afterwards": late, "seal_afterwards_s": round(seal_s, 2),
            "seal_afterwards_cpu_s": round(seal_cpu, 2), "verify_s": round(verify_s, 2),
            "verify_cpu_s": round(verify_cpu, 2),
            "verified": verdict.checked}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--one", default="")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.households, args.one == "on")))
        return
    for sealing in ("off", "on"):
        with tempfile.TemporaryDirectory() as folder:
            env = dict(os.environ, DJANGO_SETTINGS_MODULE="xiangcun.settings")
            env.setdefault(
                "DATABASE_URL", os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
            )
            out = subprocess.run(
                [sys.executable, __file__, "--households", str(args.households), "--one", sealing],
                env=env, capture_output=True, text=True, check=True,
            )  # fmt: skip
            print(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
