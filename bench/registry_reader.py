"""Benchmark: the registry reader alone (no database) over the three CSVs of a province-sized file.

Times `read_registry` with a sink that discards every chunk, and with one that does the reader-side work
the import adds per chunk in plain Python: sealing and hashing every 身份证号 and phone number and writing
amounts to the fen (what the COPY formatter does before anything reaches the database).

    .venv/bin/python bench/registry_files.py 1000000 /tmp/registry     # once
    .venv/bin/python bench/registry_reader.py /tmp/registry/h1000000 [--seal] [--digest]

Prints wall and CPU seconds (the process's own; the machine is shared, CPU is the steadier figure) and the
process's peak RSS in MB (what issue 12 bounds: 1.5 GB at 5 000 000 households; the row and size limits are lifted). --digest
prints a SHA-256 over everything the sink received (for checking that a faster reader hands over the same).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import time
from pathlib import Path

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "path", help="prefix of the three CSVs: <path>-户.csv, <path>-成员.csv, <path>-收支.csv"
    )
    parser.add_argument("--seal", action="store_true", help="seal and hash personal numbers, format amounts")
    parser.add_argument("--digest", action="store_true", help="print a hash of what the sink received")
    args = parser.parse_args()

    from xiangcun.domain.households.workbook import MONEY, read_registry
    from xiangcun.domain.sealing import Hasher, Sealer, new_key, parse_key

    files = {n: Path(f"{args.path}-{n}.csv") for n in ("户", "成员", "收支")}
    with files["户"].open(encoding="utf-8-sig") as handle:  # the villages the file names (not timed)
        next(handle)
        villages = {line.split(",", 2)[1] for line in handle}
    sealer, hasher = Sealer([parse_key(new_key())]), Hasher(parse_key(new_key()))
    digest = hashlib.sha256()

    def sink(sheet: str, out: dict[str, object]) -> None:
        if args.seal:
            for name in ("id_number", "phone"):
                if name in out:
                    texts = out[name] if isinstance(out[name], list) else out[name].tolist()  # type: ignore[union-attr]
                    sealer.seal_many(texts)
                    hasher.many(texts)
            for name in MONEY:
                if name in out:
                    list(map("{:.2f}".format, out[name].tolist()))  # type: ignore[union-attr]
        if args.digest:
            for name in sorted(out):
                value = out[name]
                items = value if isinstance(value, list) else np.asarray(value).tolist()
                digest.update(f"{sheet}|{name}|{len(items)}|".encode())
                digest.update("\x1f".join(map(str, items)).encode())

    t, c = time.perf_counter(), time.process_time()
    # past 2 000 000 households the row and size limits would refuse the files
    limits = {name: 1 << 40 for name in files}
    registry = read_registry(
        files,  # type: ignore[arg-type]
        "bench", villages, sink=sink, row_limits=limits, max_file_bytes=1 << 40,
    )  # fmt: skip
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    assert registry.ok, [str(e) for e in registry.errors[:3]]
    result = {"file": os.path.basename(args.path), "seal": args.seal, "wall_s": round(wall, 1),
              "cpu_s": round(cpu, 1), "households": len(registry.household_rows),
              "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}  # fmt: skip
    if args.digest:
        result["digest"] = digest.hexdigest()[:16]
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
