"""Benchmark: screening a province-sized registry on PostgreSQL, partitioned by county (households/partitions.py).

Works on the registry already in DATABASE_URL (PostgreSQL; import one first with bench/households.py --file):

    DATABASE_URL=postgres://… .venv/bin/python bench/households.py --file /tmp/registry/h100000 --csv
    DATABASE_URL=postgres://… .venv/bin/python bench/partitioning.py grow 10     # 10 counties (9 copies of the first)
    DATABASE_URL=postgres://… .venv/bin/python bench/partitioning.py screen      # the app's query on its tables

- grow: adds counties 2..N (bench_county_csv codes 98kk01…) and copies the first county's households,
  members and finances into each (new codes, the same facts), so N × the imported size in N real counties.
  Much faster than importing N × the rows, and the screening result per county is the same.
- screen: `run_screening_sql` (what the screening page runs) for the whole registry, one county, one
  township and one household (the household page), each the median of 3 runs after a warm-up; then one
  county and one township again with the counties not named (`PRUNE_COUNTIES = 0`: every partition is
  read, as before the tables were partitioned), checking that both flag the same households.

Figures: wall seconds, CPU seconds of this process, and CPU seconds of the PostgreSQL server (every
process of the cluster, read from /proc: the server must run on this machine), which a loaded machine
inflates far less than wall time.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from _common import Table, county_csv

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangcun.settings")

TABLES = ("households_household", "households_member", "households_finance")


def _setup() -> None:
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench/partitioning.py needs DATABASE_URL naming a PostgreSQL database")


def _stat(pid: str) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (state, ppid, … utime is [11])."""
    with open(f"/proc/{pid}/stat") as handle:
        return handle.read().rsplit(")", 1)[1].split()


def _server_ticks() -> int:
    """CPU clock ticks used so far by the whole PostgreSQL cluster: every child of the postmaster (backends,
    parallel workers, background processes) plus what the postmaster collected from children that exited."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    postmaster = int(_stat(str(backend))[1])
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            fields = _stat(pid)
        except OSError:
            continue
        if int(pid) == postmaster:
            total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
        elif int(fields[1]) == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total


@contextmanager
def _clock(into: list[tuple[float, float, float]]) -> Iterator[None]:
    tick = os.sysconf("SC_CLK_TCK")
    wall, cpu, server = time.perf_counter(), time.process_time(), _server_ticks()
    yield
    into.append((time.perf_counter() - wall, time.process_time() - cpu, (_server_ticks() - server) / tick))


def _median(fn: Callable[[], object], runs: int = 3) -> tuple[str, str, str, Any]:
    result = fn()  # warm-up: caches, plans
    timings: list[tuple[float, float, float]] = []
    for _ in range(runs):
        with _clock(timings):
            result = fn()
    wall, cpu, server = (statistics.median(t[i] for t in timings) for i in range(3))
    return f"{wall:.2f}", f"{cpu:.2f}", f"{server:.2f}", result


def _counties() -> list[Any]:
    """Every county, the one imported first (that of the first household) first."""
    from xiangcun.households.models import Household
    from xiangcun.regions.models import Region

    first = Household.objects.order_by("id").values_list("village__path", flat=True).first() or ""
    return sorted(Region.objects.filter(level="county"), key=lambda c: (c.path != first[:12], c.code))


def grow(count: int) -> None:
    """Counties 2..count, each with a copy of the first county's registry."""
    from django.db import connection, transaction

    from xiangcun.households.models import Household
    from xiangcun.regions.services import import_regions

    first = _counties()[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s", [TABLES[0]]
        )
        h_cols = [c for (c,) in cursor.fetchall() if c != "id"]
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s", [TABLES[1]]
        )
        m_cols = [c for (c,) in cursor.fetchall() if c != "id"]
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s", [TABLES[2]]
        )
        f_cols = [c for (c,) in cursor.fetchall() if c != "id"]
    for k in range(2, count + 1):
        prefix, tag = f"98{k:02d}01", f"K{k:02d}-"
        if Household.objects.filter(code__startswith=tag).exists():
            continue
        started = time.perf_counter()
        if not any(c.code.startswith(prefix) for c in _counties()):
            assert import_regions(county_csv(prefix, f"基准县{k}"), "county.csv").ok
        county = next(c for c in _counties() if c.code.startswith(prefix))

        def picked(names: list[str], overrides: dict[str, str], alias: str) -> str:
            return ", ".join(overrides.get(c, f"{alias}.{c}") for c in names)

        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"""
                CREATE TEMP TABLE vmap ON COMMIT DROP AS
                SELECT o.id AS old, n.id AS new FROM
                    (SELECT id, row_number() OVER (ORDER BY code) - 1 AS i FROM regions_region
                     WHERE depth = 5 AND path LIKE '{first.path}%') o
                JOIN (SELECT id, row_number() OVER (ORDER BY code) - 1 AS i, count(*) OVER () AS n FROM regions_region
                      WHERE depth = 5 AND path LIKE '{county.path}%') n ON o.i % n.n = n.i
            """)  # fmt: skip
            own = f"o.village_id IN (SELECT id FROM regions_region WHERE path LIKE '{first.path}%')"
            cursor.execute(f"""
                INSERT INTO {TABLES[0]} ({", ".join(h_cols)})
                SELECT {picked(h_cols, {"code": f"'{tag}' || o.code", "village_id": "vmap.new", "county_id": str(county.pk)}, "o")}
                FROM {TABLES[0]} o JOIN vmap ON vmap.old = o.village_id ORDER BY o.id
            """)
            cursor.execute(f"""
                CREATE TEMP TABLE hmap ON COMMIT DROP AS
                SELECT o.id AS old, n.id AS new FROM {TABLES[0]} o JOIN {TABLES[0]} n ON n.code = '{tag}' || o.code
                WHERE {own}
            """)
            hash_override = f"'x{k:02d}' || substr(o.id_number_hash, 4)"  # never a hex digest
            cursor.execute(f"""
                INSERT INTO {TABLES[1]} ({", ".join(m_cols)})
                SELECT {picked(m_cols, {"household_id": "hmap.new", "id_number_hash": hash_override, "county_id": str(county.pk)}, "o")}
                FROM {TABLES[1]} o JOIN hmap ON hmap.old = o.household_id ORDER BY o.household_id, o.id
            """)
            cursor.execute(f"""
                INSERT INTO {TABLES[2]} ({", ".join(f_cols)})
                SELECT {picked(f_cols, {"household_id": "hmap.new", "county_id": str(county.pk)}, "o")}
                FROM {TABLES[2]} o JOIN hmap ON hmap.old = o.household_id ORDER BY o.household_id, o.year
            """)
        print(f"{county.name}: copied in {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute(f"SELECT count(*) FROM {TABLES[0]}")
        print(f"{cursor.fetchone()[0]} households in {len(_counties())} counties")


def _scopes() -> list[tuple[str, Any]]:
    from xiangcun.households.models import Household
    from xiangcun.regions.models import Region, subtree_q

    counties = _counties()
    town = Region.objects.filter(level__in=("township", "subdistrict"), path__startswith=counties[0].path)
    town = town.order_by("code")[1]
    one = Household.objects.order_by("id").values_list("id", flat=True)[len(counties) * 1000]
    return [
        (f"全部 {len(counties)} 县", Household.objects.all()),
        (
            f"一县 {counties[0].name}",
            Household.objects.filter(subtree_q(counties[0].path, field="village__path")),
        ),
        (f"一乡镇 {town.name}", Household.objects.filter(subtree_q(town.path, field="village__path"))),
        ("一户（农户页）", Household.objects.filter(pk=one)),
    ]


def screen() -> None:
    from xiangcun.domain.households.screening import RULE_CODES
    from xiangcun.households import sql_screening

    def flagged(households: Any) -> list[dict[str, Any]]:
        return sql_screening.run_screening_sql(households, 2025, 6000.0, RULE_CODES)

    table = Table(("scope", 28), "households", "flagged", "wall s", "client CPU s", "server CPU s")
    scopes = _scopes()
    results = {}
    for label, households in scopes:
        wall, cpu, server, rows = _median(lambda h=households: flagged(h))
        results[label] = rows
        table.row(label, households.count(), len(rows), wall, cpu, server)
    pruned = sql_screening.PRUNE_COUNTIES
    sql_screening.PRUNE_COUNTIES = 0  # the counties not named: every partition read
    try:
        for label, households in scopes[1:3]:
            wall, cpu, server, rows = _median(lambda h=households: flagged(h))
            assert rows == results[label], f"{label}: not the same households without pruning"
            table.row(f"{label}（不裁剪分区）", households.count(), len(rows), wall, cpu, server)
    finally:
        sql_screening.PRUNE_COUNTIES = pruned
    print("pruned and unpruned screenings flag the same households")


def main() -> None:
    _setup()
    command = sys.argv[1] if len(sys.argv) > 1 else "screen"
    if command == "grow":
        grow(int(sys.argv[2]))
    elif command == "screen":
        screen()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
