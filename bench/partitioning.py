"""Benchmark: screening a province-sized registry on PostgreSQL, and what partitioning by county would give.

Works on the registry already in DATABASE_URL (PostgreSQL; import one first with bench/households.py --file):

    DATABASE_URL=postgres://… .venv/bin/python bench/households.py --file /tmp/registry/h100000 --csv
    DATABASE_URL=postgres://… .venv/bin/python bench/partitioning.py grow 10     # 10 counties (9 copies of the first)
    DATABASE_URL=postgres://… .venv/bin/python bench/partitioning.py screen      # the app's query on its tables
    DATABASE_URL=postgres://… .venv/bin/python bench/partitioning.py partition   # partitioned copies vs plain
    DATABASE_URL=postgres://… .venv/bin/python bench/partitioning.py partition --reuse   # copies already built

- grow: adds counties 2..N (bench_county_csv codes 98kk01…) and copies the first county's households,
  members and finances into each (new codes, the same facts), so N × the imported size in N real counties.
  Much faster than importing N × the rows, and the screening result per county is the same.
- screen: `run_screening_sql` (what the screening page runs) for the whole registry, one county, one
  township and one household (the household page), each the median of 3 runs after a warm-up.
- partition: copies the three tables into px_household / px_member / px_finance, declaratively partitioned
  by LIST (county), one partition per county, primary keys (county, id), the same indexes; then screens one
  county and all counties with the same SQL (table names swapped, a county predicate on every table so the
  planner prunes, joins on (county, household_id) so it can join partition by partition) and checks the
  flagged rows equal the plain tables' for the same scope.

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
                SELECT {picked(h_cols, {"code": f"'{tag}' || o.code", "village_id": "vmap.new"}, "o")}
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
                SELECT {picked(m_cols, {"household_id": "hmap.new", "id_number_hash": hash_override}, "o")}
                FROM {TABLES[1]} o JOIN hmap ON hmap.old = o.household_id ORDER BY o.household_id, o.id
            """)
            cursor.execute(f"""
                INSERT INTO {TABLES[2]} ({", ".join(f_cols)})
                SELECT {picked(f_cols, {"household_id": "hmap.new"}, "o")}
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
    from xiangcun.households.sql_screening import run_screening_sql

    table = Table(("scope", 22), "households", "flagged", "wall s", "client CPU s", "server CPU s")
    for label, households in _scopes():
        wall, cpu, server, rows = _median(lambda h=households: run_screening_sql(h, 2025, 6000.0, RULE_CODES))
        table.row(label, households.count(), len(rows), wall, cpu, server)


def _build_partitioned() -> None:
    from django.db import connection

    counties = _counties()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS px_finance, px_member, px_household, px_county")
        cursor.execute("CREATE TABLE px_county (village_id bigint PRIMARY KEY, county smallint NOT NULL)")
        for number, county in enumerate(counties):
            cursor.execute(
                "INSERT INTO px_county SELECT id, %s FROM regions_region WHERE path LIKE %s",
                [number, county.path + "%"],
            )
        for table, short in zip(TABLES, ("px_household", "px_member", "px_finance"), strict=True):
            cursor.execute(
                f"CREATE TABLE {short} (county smallint NOT NULL, LIKE {table}) PARTITION BY LIST (county)"
            )
            for number in range(len(counties)):
                cursor.execute(f"CREATE TABLE {short}_{number} PARTITION OF {short} FOR VALUES IN ({number})")
        cursor.execute(f"""INSERT INTO px_household SELECT c.county, h.* FROM {TABLES[0]} h
                           JOIN px_county c ON c.village_id = h.village_id ORDER BY h.id""")
        cursor.execute(f"""INSERT INTO px_member SELECT p.county, m.* FROM {TABLES[1]} m
                           JOIN px_household p ON p.id = m.household_id ORDER BY m.household_id, m.id""")
        cursor.execute(f"""INSERT INTO px_finance SELECT p.county, f.* FROM {TABLES[2]} f
                           JOIN px_household p ON p.id = f.household_id ORDER BY f.household_id, f.year""")
        # what the app's tables have, with the partition key in front (a partitioned table's primary key and
        # unique constraints must include it)
        cursor.execute("ALTER TABLE px_household ADD PRIMARY KEY (county, id)")
        cursor.execute("ALTER TABLE px_member ADD PRIMARY KEY (county, id)")
        cursor.execute("CREATE INDEX ON px_member (county, household_id)")
        cursor.execute("ALTER TABLE px_finance ADD PRIMARY KEY (county, id)")
        cursor.execute("ALTER TABLE px_finance ADD UNIQUE (county, household_id, year)")
        for short in ("px_household", "px_member", "px_finance"):
            cursor.execute(f"VACUUM ANALYZE {short}")
    print(f"partitioned copies built in {time.perf_counter() - started:.0f} s", flush=True)


def _partitioned_sql(county: int | None) -> str:
    """The app's screening SQL over the partitioned copies: a county predicate on every table (pruning) and
    joins on (county, household_id) (partition-wise joins)."""
    from xiangcun.domain.households.screening import RULE_CODES
    from xiangcun.households.sql_screening import _query

    where = "" if county is None else f" WHERE county = {county}"
    sql, _ = _query(f"SELECT id FROM px_household{where}", 2025, 600000, tuple(RULE_CODES))
    also = "" if county is None else f"county = {county} AND "
    swaps = [
        (f"FROM {TABLES[1]} WHERE household_id IN", f"FROM px_member WHERE {also}(county, household_id) IN"),
        (f"SELECT id FROM px_household{where}", f"SELECT county, id FROM px_household{where}"),
        ("SELECT household_id, COUNT(*)", "SELECT county, household_id, COUNT(*)"),
        ("GROUP BY household_id", "GROUP BY county, household_id"),
        ("mem.household_id = h.id", "mem.county = h.county AND mem.household_id = h.id"),
        (f"LEFT JOIN {TABLES[2]} cur ON", "LEFT JOIN px_finance cur ON cur.county = h.county AND"),
        (f"LEFT JOIN {TABLES[2]} prev ON", "LEFT JOIN px_finance prev ON prev.county = h.county AND"),
        (f"FROM {TABLES[0]} h", "FROM px_household h"),
        ("WHERE h.id IN", f"WHERE {also.replace('county', 'h.county')}(h.county, h.id) IN"),
    ]
    for old, new in swaps:
        assert old in sql, f"the screening SQL changed: {old!r} not found; update bench/partitioning.py"
        sql = sql.replace(old, new)
    return sql


def partition() -> None:
    from django.db import connection, transaction

    from xiangcun.domain.households.screening import RULE_CODES
    from xiangcun.households.models import Household
    from xiangcun.households.sql_screening import SETTINGS, run_screening_sql
    from xiangcun.regions.models import subtree_q

    if "--reuse" not in sys.argv:
        _build_partitioned()
    counties = _counties()

    def partitioned(county: int | None) -> list[str]:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_partitionwise_join = on")
            cursor.execute("SET LOCAL enable_partitionwise_aggregate = on")
            for name, value in SETTINGS.items():  # as run_screening_sql sets them
                cursor.execute(f"SET LOCAL {name} = '{value}'")
            cursor.execute(_partitioned_sql(county))
            return [row[0] for row in cursor.fetchall()]

    def plain(households: Any) -> list[str]:
        return [r["household"] for r in run_screening_sql(households, 2025, 6000.0, RULE_CODES)]

    table = Table(("tables", 12), ("scope", 14), "flagged", "wall s", "client CPU s", "server CPU s")
    one = Household.objects.filter(subtree_q(counties[0].path, field="village__path"))
    cases = [("plain", "一县", lambda: plain(one)), ("partitioned", "一县", lambda: partitioned(0)),
             ("plain", "全部", lambda: plain(Household.objects.all())),
             ("partitioned", "全部", lambda: partitioned(None))]  # fmt: skip
    results = {}
    for tables, scope, fn in cases:
        wall, cpu, server, rows = _median(fn)
        results[(tables, scope)] = rows
        table.row(tables, scope, len(rows), wall, cpu, server)
    for scope in ("一县", "全部"):
        assert results[("plain", scope)] == results[("partitioned", scope)], f"{scope}: results differ"
    print("partitioned and plain tables flag the same households")


def main() -> None:
    _setup()
    command = sys.argv[1] if len(sys.argv) > 1 else "screen"
    if command == "grow":
        grow(int(sys.argv[2]))
    elif command == "screen":
        screen()
    elif command == "partition":
        partition()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
