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

from _common import Table, clock, in_child, setup_django


def run_one(count: int, sealing: bool) -> dict[str, object]:
    setup_django()
    from auditlog.models import LogEntry

    from xiangcun.audit import chain
    from xiangcun.domain.demo import county_rows, household_rows
    from xiangcun.domain.households.workbook import write_registry
    from xiangcun.households.services import import_households
    from xiangcun.regions.models import Region
    from xiangcun.regions.services import import_regions

    buffer = io.StringIO()
    csv.writer(buffer).writerows(county_rows(300))
    assert import_regions(buffer.getvalue().encode(), "county.csv").ok
    chain.seal()
    villages = list(Region.objects.filter(depth=5).values_list("code", flat=True))
    data = write_registry(*household_rows(villages, count, 2025))
    if not sealing:
        chain._seal_quietly = lambda: None  # type: ignore[assignment]  # noqa: SLF001
    before = LogEntry.objects.count()
    with clock() as imported:
        assert import_households(data, "bench.xlsx").ok
    entries = LogEntry.objects.count() - before
    with clock() as sealed:
        late = chain.seal()  # 0 when sealing ran after the commit
    with clock() as verified:
        verdict = chain.verify()
    return {"households": count, "sealing": sealing, "entries": entries, "import_s": round(imported.wall, 2),
            "import_cpu_s": round(imported.cpu, 2), "sealed_afterwards": late,
            "seal_afterwards_s": round(sealed.wall, 2), "seal_afterwards_cpu_s": round(sealed.cpu, 2),
            "verify_s": round(verified.wall, 2), "verify_cpu_s": round(verified.cpu, 2),
            "verified": verdict.checked}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description="审计日志哈希封存对农户导入的影响（封存关闭、开启各一个新进程）"
    )
    parser.add_argument("--households", type=int, default=10_000, help="导入的户数")
    parser.add_argument("--one", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.households, args.one == "on")))
        return
    columns = ("sealing", "households", "entries", "import_s", "import_cpu_s", "sealed_afterwards",
               "seal_afterwards_s", "seal_afterwards_cpu_s", "verify_s", "verify_cpu_s", "verified")  # fmt: skip
    table = Table(*columns, width=10)
    for sealing in ("off", "on"):
        database = os.environ.get("BENCH_DATABASE_URL")
        r = in_child(__file__, "--households", str(args.households), "--one", sealing, database=database)
        table.row(*(r[c] for c in columns))


if __name__ == "__main__":
    main()
