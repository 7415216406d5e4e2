"""Benchmark: backups, restore and a streaming read replica of a province-sized registry on PostgreSQL.

docs/scale.md must say how long a province's backup and restore take and how far a read replica lags; this
measures it on this machine instead of guessing. For each registry given it makes a fresh PostgreSQL cluster
(initdb, default settings: fsync ON, as a real server runs; a backup timing with fsync off would flatter it),
imports the registry with bench/households.py, then times:

- sizes: `pg_database_size` and the three registry tables with their indexes;
- logical: `pg_dump -Fc` and `pg_dump -Fd -j 2` (wall, size), `pg_restore -j 2` of the first into a fresh database (wall), same row counts;
- physical: `pg_basebackup -Ft -z -X stream -c fast` (wall, size), then restore = untar both archives +
  start a server on them (recovery from the backup's WAL) until it accepts connections, same row counts;
- replica: a standby from `pg_basebackup -R` on another port (hot_standby on), then a 1 % re-import on the
  primary while lag is sampled every second (bytes from `pg_stat_replication`, seconds from the standby's
  `now() - pg_last_xact_replay_timestamp()` and the primary's `replay_lag`), how long after the import's COMMIT
  the standby shows it, and the screening SQL (`run_screening_sql`, every household) on the standby and on
  the primary with the flagged counts compared.

    .venv/bin/python bench/registry_files.py 100000 /tmp/registry --csv-only      # and with 1 for -changed1
    .venv/bin/python bench/backup.py /tmp/registry/h100000,/tmp/registry/h1000000 --workdir /tmp/backup-bench
    .venv/bin/python bench/backup.py /tmp/registry/h5000000 --province --changed /tmp/registry/h1000000-changed1

Run as root it runs the server and the PostgreSQL tools as the `postgres` user (runuser); otherwise as you.
Everything (clusters, dump, base backup) is on --workdir's disk, so the dump and restore read and write the
same disk as the server; each size's directory is removed at the end unless --keep. The MB column is a file's
or a database's size, and for the two imports the WAL they wrote (what a standby receives and a WAL archive
keeps). Every figure is printed with the 1-minute load average when it was taken (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _common import Table, in_child

HERE = Path(__file__).resolve().parent
TABLES = ("households_household", "households_member", "households_finance")
SHOWN = ("server_version", "fsync", "synchronous_commit", "full_page_writes", "wal_level", "wal_compression",
         "shared_buffers", "max_wal_size", "checkpoint_timeout", "maintenance_work_mem", "work_mem",
         "max_wal_senders", "hot_standby", "hot_standby_feedback")  # fmt: skip


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def as_postgres() -> list[str]:
    """The prefix that runs a command as the cluster's owner: PostgreSQL refuses to run as root."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def run(*command: str | Path) -> float:
    """Run a command as the cluster's owner; its wall seconds. Stops the bench on failure."""
    started = time.perf_counter()
    out = subprocess.run([*as_postgres(), *map(str, command)], capture_output=True, text=True)
    if out.returncode != 0:
        print(
            f"failed: {' '.join(map(str, command))}\n{out.stdout[-2000:]}{out.stderr[-2000:]}",
            file=sys.stderr,
        )
        raise SystemExit(1)
    return time.perf_counter() - started


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


class Cluster:
    """One PostgreSQL server of this bench: its data directory, port and socket directory."""

    def __init__(self, bin_dir: Path, data: Path, port: int) -> None:
        self.bin, self.data, self.port = bin_dir, data, port

    def url(self, database: str = "postgres") -> str:
        return f"postgres://xiangcun@127.0.0.1:{self.port}/{database}"

    def conninfo(self, database: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=xiangcun dbname={database}"

    def initdb(self) -> None:
        run(self.bin / "initdb", "-D", self.data, "-U", "xiangcun", "--auth=trust", "--encoding=UTF8",
            "--locale=C.UTF-8")  # fmt: skip

    def start(self) -> float:
        """Start and wait until it accepts connections (pg_ctl -w); the wall seconds that took."""
        options = f"-p {self.port} -k {self.data.parent} -c listen_addresses=127.0.0.1"
        return run(self.bin / "pg_ctl", "-D", self.data, "-l", self.data.parent / f"{self.data.name}.log",
                   "-w", "-t", "7200", "-o", options, "start")  # fmt: skip

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            run(self.bin / "pg_ctl", "-D", self.data, "-w", "-t", "600", "-m", "fast", "stop")

    def query(self, sql: str, database: str = "postgres") -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.conninfo(database), autocommit=True) as connection:
            cursor = connection.execute(sql)
            return cursor.fetchall() if cursor.description else []


def counts(cluster: Cluster, database: str) -> dict[str, int]:
    """Exact row counts of every table in the public schema: what a restore must give back."""
    import psycopg

    with psycopg.connect(cluster.conninfo(database), autocommit=True) as connection:
        names = [r[0] for r in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]  # fmt: skip
        return {n: connection.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def check_same(label: str, expected: dict[str, int], got: dict[str, int]) -> None:
    if expected != got:
        differ = {
            k: (expected.get(k), got.get(k))
            for k in expected.keys() | got.keys()
            if expected.get(k) != got.get(k)
        }
        print(f"{label}: row counts differ {differ}", file=sys.stderr)
        raise SystemExit(1)
    print(f"  {label}: same row counts in all {len(got)} tables ({sum(got.values()):,} rows)", flush=True)


@contextmanager
def running(cluster: Cluster) -> Iterator[Cluster]:
    try:
        yield cluster
    finally:
        cluster.stop()


def child(database_url: str, data_dir: Path, *args: str) -> dict[str, Any]:
    """bench/households.py (or this script's --screen) in a fresh process on `database_url`; the data folder
    is kept per size, because the field keys made there on the first import seal every later one."""
    script = str(HERE / "households.py") if args[0] == "--file" else __file__
    return in_child(script, *args, database=database_url, env={"XIANGCUN_DATA_DIR": str(data_dir)})


def screen_child(runs: int) -> None:
    """In a child process: the screening page's SQL over every household, `runs` times; wall seconds."""
    import django

    django.setup()  # no migrate: a standby is read-only
    from xiangcun.domain.households.screening import RULE_CODES
    from xiangcun.households.models import Household
    from xiangcun.households.sql_screening import run_screening_sql

    walls, flagged = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        flagged = len(run_screening_sql(Household.objects.all(), 2025, 6000.0, RULE_CODES))
        walls.append(round(time.perf_counter() - started, 2))
    print(json.dumps({"walls": walls, "flagged": flagged}))


class LagSampler(threading.Thread):
    """Samples replication lag every second while an import runs on the primary, and (every 0.1 s) when
    the import's RegistryImport row appears on the primary and on the standby."""

    def __init__(self, primary: Cluster, standby: Cluster, database: str, imports_before: int) -> None:
        super().__init__(daemon=True)
        self.primary, self.standby, self.database = primary, standby, database
        self.before = imports_before
        self.stop_at: float | None = None
        self.samples: list[dict[str, Any]] = []
        self.seen_primary: float | None = None
        self.seen_standby: float | None = None
        self.commit_lag_s: float | None = None

    def run(self) -> None:
        import psycopg

        with (
            psycopg.connect(self.primary.conninfo(self.database), autocommit=True) as p,
            psycopg.connect(self.standby.conninfo(self.database), autocommit=True) as s,
        ):
            started = time.perf_counter()
            next_sample = started
            while self.stop_at is None or time.perf_counter() < self.stop_at:
                now = time.perf_counter()
                if self.seen_primary is None and self._imports(p) > self.before:
                    self.seen_primary = now
                if self.seen_standby is None:
                    # the commit's own timestamp, replayed with it: lag = now on the standby - that timestamp
                    n, lag = s.execute(
                        "SELECT count(*), extract(epoch FROM now() - pg_last_xact_replay_timestamp())"
                        " FROM households_registryimport"
                    ).fetchone()
                    if n > self.before:
                        self.seen_standby, self.commit_lag_s = now, float(lag)
                if now >= next_sample:
                    self.samples.append(self._sample(p, s, now - started))
                    next_sample += 1.0
                time.sleep(0.1)

    @staticmethod
    def _imports(connection: Any) -> int:
        return connection.execute("SELECT count(*) FROM households_registryimport").fetchone()[0]

    @staticmethod
    def _sample(p: Any, s: Any, at: float) -> dict[str, Any]:
        lag_bytes, replay_lag = p.execute(
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), extract(epoch FROM replay_lag)"
            " FROM pg_stat_replication"
        ).fetchone()
        since_replay = s.execute(
            "SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())"
        ).fetchone()[0]
        return {"t": round(at), "lag_bytes": int(lag_bytes or 0), "replay_lag_s": float(replay_lag or 0),
                "since_last_replayed_commit_s": float(since_replay or 0)}  # fmt: skip


def bench_one(path: str, args: argparse.Namespace, table: Table) -> dict[str, Any]:
    n = int(Path(path).name.lstrip("h").split("-")[0])
    root = Path(args.workdir) / f"h{n}"
    if root.exists():
        raise SystemExit(f"{root} exists: remove it or give another --workdir")
    root.mkdir(parents=True)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    bin_dir = Path(args.bin)
    primary = Cluster(bin_dir, root / "primary", args.port)
    result: dict[str, Any] = {"households": n, "figures": {}}

    def figure(step: str, wall: float | None, mb: float | None, note: str = "") -> None:
        result["figures"][step] = {"wall_s": None if wall is None else round(wall, 1),
                                   "mb": None if mb is None else round(mb), "load": load(), "note": note}  # fmt: skip
        table.row(
            n, step, "" if wall is None else f"{wall:.1f}", "" if mb is None else f"{mb:,.0f}", load(), note
        )

    primary.initdb()
    with running(primary):
        primary.start()
        shown = f"SELECT name, current_setting(name) FROM pg_settings WHERE name IN {SHOWN!r}"
        settings = dict(primary.query(shown))
        settings["server_version"] = primary.query("SHOW server_version")[0][0]
        result["settings"] = settings
        print("  server: " + ", ".join(f"{k}={settings.get(k)}" for k in SHOWN if k in settings), flush=True)
        database = "bench"
        primary.query(f"CREATE DATABASE {database}")
        data_dir = root / "xiangcun-data"
        data_dir.mkdir()
        lsn = primary.query("SELECT pg_current_wal_lsn()")[0][0]
        loaded = child(primary.url(database), data_dir, "--file", path, "--csv", "--no-screen",
                       *(["--province"] if args.province else []))  # fmt: skip
        wal = float(primary.query(f"SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '{lsn}')")[0][0]) / 1e6
        figure("import (households.py)", loaded["import_s"], wal, "MB of WAL; fsync on")
        primary.query("VACUUM ANALYZE", database)
        primary.query("CHECKPOINT")
        expected = counts(primary, database)
        db_mb = float(primary.query(f"SELECT pg_database_size('{database}')")[0][0]) / 1e6
        figure("pg_database_size", None, db_mb)
        for name in TABLES:
            # every partition's size when the table is partitioned (the parent itself holds nothing)
            total = f"SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('{name}')"
            mb = float(primary.query(total, database)[0][0]) / 1e6
            figure(f"  {name}", None, mb, f"{expected[name]:,} rows, with indexes")

        # logical: pg_dump -Fc, pg_restore -j 2 into a fresh database
        dump = root / "bench.dump"
        wall = run(bin_dir / "pg_dump", "-Fc", "-f", dump, "-d", primary.conninfo(database))
        figure("pg_dump -Fc", wall, size_mb(dump))
        folder = root / "bench.dumpdir"  # the directory format: one file a table, dumped in parallel
        wall = run(bin_dir / "pg_dump", "-Fd", "-j", "2", "-f", folder, "-d", primary.conninfo(database))
        figure("pg_dump -Fd -j 2", wall, size_mb(folder))
        shutil.rmtree(folder)
        primary.query("CREATE DATABASE restored")
        wall = run(bin_dir / "pg_restore", "-j", "2", "-d", primary.conninfo("restored"), dump)
        figure("pg_restore -j 2", wall, float(primary.query("SELECT pg_database_size('restored')")[0][0]) / 1e6,
               "into a new database; no ANALYZE")  # fmt: skip
        check_same("pg_restore", expected, counts(primary, "restored"))
        primary.query("DROP DATABASE restored")
        dump.unlink()

        # physical: pg_basebackup -Ft -z, then untar and start with recovery
        base = root / "base"
        wall = run(bin_dir / "pg_basebackup", "-d", primary.conninfo(), "-D", base, "-Ft", "-z", "-X", "stream",
                   "-c", "fast")  # fmt: skip
        figure("pg_basebackup -Ft -z", wall, size_mb(base), "whole cluster, WAL streamed")
        copy = Cluster(bin_dir, root / "restored", args.port + 1)
        started = time.perf_counter()
        run("mkdir", "-m", "700", copy.data)
        run("tar", "-xzf", base / "base.tar.gz", "-C", copy.data)
        run("tar", "-xzf", base / "pg_wal.tar.gz", "-C", copy.data / "pg_wal")
        untar = time.perf_counter() - started
        figure("  restore: untar", untar, size_mb(copy.data))
        with running(copy):
            start = copy.start()
            figure("  restore: start + recovery", start, None, "until it accepts connections")
            figure("  restore: total", untar + start, None)
            check_same("base backup", expected, counts(copy, database))
        shutil.rmtree(base)
        shutil.rmtree(copy.data)

        if not args.no_replica:
            result["replica"] = replica(primary, root, database, data_dir, path, args, figure)
    if not args.keep:
        shutil.rmtree(root)
    return result


def replica(
    primary: Cluster,
    root: Path,
    database: str,
    data_dir: Path,
    path: str,
    args: argparse.Namespace,
    figure: Any,
) -> dict[str, Any]:
    """A hot standby streaming from the primary; lag during a 1 % re-import; screening on both."""
    bin_dir = Path(args.bin)
    standby = Cluster(bin_dir, root / "standby", args.port + 2)
    wall = run(bin_dir / "pg_basebackup", "-d", primary.conninfo(), "-D", standby.data, "-X", "stream", "-R",
               "-c", "fast")  # fmt: skip
    figure("pg_basebackup -R (standby)", wall, size_mb(standby.data), "plain format")
    with (standby.data / "postgresql.auto.conf").open("a") as conf:
        conf.write("hot_standby = on\nhot_standby_feedback = on\n")
    out: dict[str, Any] = {}
    with running(standby):
        figure("standby start", standby.start(), None)
        shown = "SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
        shown += "('hot_standby', 'hot_standby_feedback', 'max_standby_streaming_delay', 'primary_conninfo')"
        print("  standby: " + ", ".join(f"{k}={v}" for k, v in standby.query(shown)), flush=True)
        while not primary.query("SELECT 1 FROM pg_stat_replication WHERE state = 'streaming'"):
            time.sleep(0.2)
        changed = args.changed or f"{path}-changed1"
        before = primary.query("SELECT count(*) FROM households_registryimport", database)[0][0]
        start_lsn = primary.query("SELECT pg_current_wal_lsn()")[0][0]
        sampler = LagSampler(primary, standby, database, before)
        sampler.start()
        started = time.perf_counter()
        reimport = child(primary.url(database), data_dir, "--file", changed, "--csv", "--keep", "--no-screen")
        ended = time.perf_counter()
        end_lsn = primary.query("SELECT pg_current_wal_lsn()")[0][0]
        wal = float(primary.query(f"SELECT pg_wal_lsn_diff('{end_lsn}', '{start_lsn}')")[0][0]) / 1e6
        figure("1 % re-import on primary", ended - started, wal,
               f"MB of WAL; {Path(changed).name}: {reimport['summary']}"[:70])  # fmt: skip
        caught_up = None
        while caught_up is None and time.perf_counter() - ended < 600:
            if standby.query(f"SELECT pg_last_wal_replay_lsn() >= '{end_lsn}'::pg_lsn")[0][0]:
                caught_up = time.perf_counter() - ended
            else:
                time.sleep(0.05)
        sampler.stop_at = time.perf_counter() + 2
        sampler.join()
        samples = sampler.samples
        for s in samples[:: max(1, len(samples) // 12)]:
            print(f"    t={s['t']:>4} s  lag {s['lag_bytes'] / 1e3:10,.0f} kB  replay_lag {s['replay_lag_s']:6.2f} s"
                  f"  standby now()-last replayed commit {s['since_last_replayed_commit_s']:7.1f} s", flush=True)  # fmt: skip
        out = {
            "samples": len(samples),
            "max_lag_bytes": max(s["lag_bytes"] for s in samples),
            "max_replay_lag_s": round(max(s["replay_lag_s"] for s in samples), 2),
            "max_since_last_replayed_commit_s": round(
                max(s["since_last_replayed_commit_s"] for s in samples), 1
            ),
            "commit_on_standby_after_s": None
            if sampler.commit_lag_s is None
            else round(sampler.commit_lag_s, 2),
            "seen_standby_minus_primary_s": None
            if None in (sampler.seen_primary, sampler.seen_standby)
            else round(sampler.seen_standby - sampler.seen_primary, 2),  # type: ignore[operator]
            "standby_at_end_lsn_after_import_exit_s": None if caught_up is None else round(caught_up, 2),
        }
        print("    " + json.dumps(out), flush=True)
        figure("max lag (MB)", None, out["max_lag_bytes"] / 1e6,
               f"{out['max_lag_bytes']:,} bytes: pg_wal_lsn_diff(current, replay_lsn)")  # fmt: skip
        figure("max replay_lag", out["max_replay_lag_s"], None, "pg_stat_replication.replay_lag")
        figure(
            "COMMIT -> on standby",
            out["commit_on_standby_after_s"],
            None,
            "now() - replayed commit's timestamp",
        )
        on_standby = child(standby.url(database), data_dir, "--screen", str(args.screen_runs))
        on_primary = child(primary.url(database), data_dir, "--screen", str(args.screen_runs))
        for label, r in (("standby", on_standby), ("primary", on_primary)):
            figure(f"screening on {label}", statistics.median(r["walls"]), None,
                   f"{r['flagged']:,} flagged, runs {r['walls']}")  # fmt: skip
        if on_standby["flagged"] != on_primary["flagged"]:
            raise SystemExit("the standby flags another number of households than the primary")
        out["screening"] = {"standby": on_standby, "primary": on_primary}
    shutil.rmtree(standby.data)
    return out


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--screen"]:
        screen_child(int(argv[1]))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "registries", help="comma-separated prefixes of registry CSVs (bench/registry_files.py)"
    )
    parser.add_argument("--workdir", default="/tmp/xiangcun-backup-bench", help="clusters, dump, base backup")
    parser.add_argument("--bin", default="/usr/lib/postgresql/15/bin", help="PostgreSQL's binaries")
    parser.add_argument(
        "--port", type=int, default=55470, help="primary's port; +1 restored copy, +2 standby"
    )
    parser.add_argument(
        "--province", action="store_true", help="import with --province (5 000 000 households)"
    )
    parser.add_argument(
        "--changed", help="registry to re-import on the primary (default: <registry>-changed1)"
    )
    parser.add_argument("--no-replica", action="store_true", help="leave out the standby and the re-import")
    parser.add_argument("--screen-runs", type=int, default=3, help="screening runs on standby and primary")
    parser.add_argument("--keep", action="store_true", help="keep the clusters and files under --workdir")
    args = parser.parse_args(argv)
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(args.workdir, "postgres")
    import xiangcun

    print(f"disk of {args.workdir}: {shutil.disk_usage(args.workdir).free / 1e9:.0f} GB free; "
          f"{os.cpu_count()} CPUs; xiangcun from {Path(xiangcun.__file__).parent}", flush=True)  # fmt: skip
    table = Table(("households", 11), ("step", 30), ("wall s", 9), ("MB", 9), ("load", 6), ("  note", 2))
    results = [bench_one(path, args, table) for path in args.registries.split(",") if path]
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
