"""What the bench scripts share; not a benchmark itself (the scripts import it as `_common`).

- `databases()`: SQLite always, PostgreSQL too when BENCH_DATABASE_URL names an empty database.
- `in_child(script, *args, database=...)`: the script again in a fresh Python process with its own temporary
  data directory and database, so memory, caches and rows never carry over from one size to the next; the
  child's last line of output, read as JSON.
- `setup_django()`: in that child, Django set up and the database migrated and emptied.
- `clock()`, `median()`, `best()`: wall and CPU seconds. Report both: a loaded machine inflates wall time,
  not the CPU time of the process.
- `peak_mb()`: the peak resident memory of the process so far.
- `Table`: right-aligned columns under a header, each row printed as it comes.
- `county_csv(prefix, name)`: the 100-village demo county under another code, as a region import file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


def databases() -> list[tuple[str, str | None]]:
    """(label, DATABASE_URL) to run on: None is a fresh SQLite file in the child's data directory."""
    found: list[tuple[str, str | None]] = [("SQLite", None)]
    if os.environ.get("BENCH_DATABASE_URL"):
        found.append(("PostgreSQL", os.environ["BENCH_DATABASE_URL"]))
    return found


def in_child(
    script: str, *args: str, database: str | None = None, env: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Run `script args` in a fresh process (temporary XIANGCUN_DATA_DIR, `database` or a new SQLite file)
    and return its last line of output as JSON; on failure print the end of its errors and exit."""
    with tempfile.TemporaryDirectory() as tmp:
        environment = dict(os.environ, DJANGO_SETTINGS_MODULE="xiangcun.settings", XIANGCUN_DATA_DIR=tmp)
        environment["DATABASE_URL"] = database or f"sqlite:///{tmp}/bench.sqlite3"
        environment.update(env or {})
        out = subprocess.run([sys.executable, script, *args], env=environment, capture_output=True, text=True)
    if out.returncode != 0:
        print(out.stderr[-3000:], file=sys.stderr)
        raise SystemExit(1)
    return json.loads(out.stdout.strip().splitlines()[-1])


def setup_django(*, flush: bool = True) -> None:
    """Django set up on the child's database, migrated and (by default) emptied."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if flush:
        call_command("flush", interactive=False, verbosity=0)


@dataclass
class Timing:
    wall: float = 0.0
    cpu: float = 0.0

    def ms(self) -> str:
        """ "wall/CPU" in milliseconds, for a table cell."""
        return f"{self.wall * 1000:.0f}/{self.cpu * 1000:.0f}"


@contextmanager
def clock() -> Iterator[Timing]:
    """Wall and CPU seconds of the block, filled in when it ends."""
    timing = Timing()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield timing
    finally:
        timing.wall, timing.cpu = time.perf_counter() - wall, time.process_time() - cpu


def _runs(fn: Callable[[], object], runs: int) -> list[Timing]:
    fn()  # warm-up: caches, first queries, imports
    timings = []
    for _ in range(runs):
        with clock() as timing:
            fn()
        timings.append(timing)
    return timings


def median(fn: Callable[[], object], runs: int = 5) -> Timing:
    """Median wall and CPU seconds of `fn` over `runs` runs after one warm-up."""
    timings = _runs(fn, runs)
    return Timing(statistics.median(t.wall for t in timings), statistics.median(t.cpu for t in timings))


def best(fn: Callable[[], object], runs: int = 5) -> Timing:
    """Shortest wall and CPU seconds of `fn` over `runs` runs after one warm-up."""
    timings = _runs(fn, runs)
    return Timing(min(t.wall for t in timings), min(t.cpu for t in timings))


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Table:
    """Columns given as a label (width `width`) or (label, width); rows are printed as they come."""

    def __init__(self, *columns: str | tuple[str, int], width: int = 12) -> None:
        self.columns = [(c, max(width, len(c) + 1)) if isinstance(c, str) else c for c in columns]
        print("".join(f"{label:>{w}}" for label, w in self.columns), flush=True)

    def row(self, *values: object) -> None:
        print("".join(f"{v!s:>{w}}" for v, (_, w) in zip(values, self.columns, strict=False)), flush=True)


def county_csv(prefix: str, name: str) -> bytes:
    """The demo county of 100 villages with every code's first six digits replaced by `prefix` and the county
    named `name`, as a CSV for `import_regions` (many counties side by side make a province-sized table)."""
    from xiangcun.domain.demo import county_rows

    rows = county_rows(100)
    out = [rows[0]]
    for row in rows[1:]:
        row = list(row)
        row[0] = prefix + str(row[0])[6:]
        if row[2]:
            row[2] = prefix + str(row[2])[6:]
        if str(row[0]).endswith("000000") and row[3] == "县":
            row[1] = name
        out.append(row)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(out)
    return buffer.getvalue().encode()


def sizes(text: str) -> list[int]:
    """`--sizes 1000,10000` as numbers."""
    return [int(s) for s in text.split(",") if s.strip()]
