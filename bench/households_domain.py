"""Benchmark of the plain-Python household domain (no database): workbook write, read+validate, screening.

Synthetic registries of 10 000, 100 000 and 1 000 000 households (≈3.5 members each, two years of
finances) are generated with numpy. Each stage runs in a fresh process so its peak memory (max RSS,
including calamine's Rust side) is its own:

    .venv/bin/python bench/households_domain.py [--sizes 10000,100000,1000000]

The DB-level benchmark (import into SQLite/PostgreSQL, screening from querysets) is bench/households.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
from _common import Table, clock, in_child, peak_mb, sizes

YEAR = 2025
THRESHOLD = 6000.0


def synthetic(count: int, seed: int = 7):  # type: ignore[no-untyped-def]
    """(households, members, finances) as `Records`, built column-wise (no per-row Python)."""
    from xiangcun.domain.households.idcard import CHECK_CHARACTERS, WEIGHTS
    from xiangcun.domain.households.workbook import CHOICES, MONEY, Records

    rng = np.random.default_rng(seed)
    codes = np.char.add("H", np.char.zfill(np.arange(1, count + 1).astype(str), 7))

    def pick(column: str, weights: list[float], n: int) -> np.ndarray:
        p = np.asarray(weights, dtype=float)
        return rng.choice(len(CHOICES[column]), size=n, p=p / p.sum()).astype(np.uint8)

    villages = np.char.add("1411221", np.char.zfill((rng.integers(0, 300, count)).astype(str), 5))
    households = Records({
        "code": codes, "village_code": villages, "natural_village": np.full(count, "", dtype="U1"),
        "head_name": np.full(count, "张建国"), "phone": np.char.add("138", np.char.zfill(rng.integers(0, 10**8, count).astype(str), 8)),
        "户类型": pick("户类型", [3, 7], count), "易地搬迁": pick("易地搬迁", [1, 9], count),
        "低保": pick("低保", [8, 92], count), "特困": pick("特困", [95, 4, 1], count),
        "住房安全等级": pick("住房安全等级", [70, 27, 2, 1], count), "饮水安全": pick("饮水安全", [98, 2], count),
        "自主申报": pick("自主申报", [1, 99], count),
    })  # fmt: skip
    sizes = rng.choice([1, 2, 3, 4, 5, 6], size=count, p=[0.1, 0.15, 0.2, 0.3, 0.15, 0.1])  # mean 3.5
    owner = np.repeat(np.arange(count), sizes)
    n = len(owner)
    # unique 身份证号: (birth day, sequence) = (i·7919 mod 32000, i div 32000) is a bijection of i
    i = np.arange(n, dtype=np.int64)
    birth = np.datetime64("1935-01-01") + (i * 7919) % 32000
    sequence = i // 32000
    first17 = np.char.add(np.char.add("141122", np.char.replace(birth.astype(str), "-", "")),
                          np.char.zfill(sequence.astype(str), 3))  # fmt: skip
    digits = first17.astype("U17").view(np.uint32).reshape(n, 17).astype(np.int64) - 48
    check = np.array(list(CHECK_CHARACTERS))[(digits @ np.array(WEIGHTS)) % 11]
    members = Records({
        "household": codes[owner], "name": np.full(n, "张秀英"), "id_number": np.char.add(first17, check),
        "relation": np.full(n, "户主"), "劳动能力": pick("劳动能力", [50, 10, 20, 10, 10], n),
        "健康状况": pick("健康状况", [85, 9, 3, 3], n), "残疾等级": pick("残疾等级", [97, 0.5, 0.5, 1, 1], n),
        "在校状况": pick("在校状况", [5, 10, 6, 3, 2, 1, 1, 2, 70], n), "基本医保": pick("基本医保", [99.5, 0.5], n),
        "养老保险": pick("养老保险", [9, 1], n), "务工状况": np.full(n, "县内务工"),
    })  # fmt: skip
    both = np.r_[np.arange(count), np.arange(count)]
    base = rng.lognormal(9.9, 0.6, count) * np.maximum(1, sizes - 1)
    wage = np.r_[base, base * rng.uniform(0.6, 1.15, count)]
    finances = Records({
        "household": codes[both], "year": np.r_[np.full(count, YEAR - 1), np.full(count, YEAR)],
        **dict(zip(MONEY, [np.round(wage), np.round(rng.uniform(0, 8000, 2 * count)), np.round(rng.uniform(0, 2000, 2 * count)),
                           np.round(rng.uniform(0, 500, 2 * count)), np.round(rng.uniform(500, 4000, 2 * count)),
                           np.round(rng.uniform(0, 3000, 2 * count)), np.round(rng.uniform(0, 3000, 2 * count))], strict=True)),
    })  # fmt: skip
    return households, members, finances


def stage(name: str, count: int, path: Path) -> dict[str, object]:
    from xiangcun.domain.households.screening import flagged, screen
    from xiangcun.domain.households.workbook import read_registry, screening_columns, write_workbook

    out: dict[str, object] = {}
    if name == "write":
        households, members, finances = synthetic(count)
        out["members"] = len(members)
        with clock() as timing:
            write_workbook(households, members, finances, path)
        out["mb"] = path.stat().st_size / 1024 / 1024
    elif name == "read":
        villages = {f"1411221{k:05d}" for k in range(300)}
        with clock() as timing:
            registry = read_registry(path, village_codes=villages)
        assert registry.ok, [str(e) for e in registry.errors[:5]]
        out["members"] = len(registry.members)
    else:  # screening from arrays, as the Django layer would pass them from values_list
        households, members, finances = synthetic(count)
        from xiangcun.domain.households.workbook import Registry

        registry = Registry(households, members, finances)
        registry.member_household = np.repeat(np.arange(count), np.bincount(
            np.searchsorted(households.columns["code"], members.columns["household"]), minlength=count))  # fmt: skip
        registry.finance_household = np.searchsorted(
            households.columns["code"], finances.columns["household"]
        )
        ids = members.columns["id_number"]  # birth year from the 身份证号, as the import derives it
        digits = ids.astype("U10").view(np.uint32).reshape(len(ids), 10)[:, 6:10].astype(np.int64) - 48
        birth_year = digits @ np.array([1000, 100, 10, 1])
        members.columns["birth_date"] = (birth_year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
        arrays = screening_columns(registry, YEAR)
        with clock() as timing:
            results = screen(*arrays, year=YEAR, threshold=THRESHOLD)
        out["flagged"] = len(flagged(results))
    out["seconds"] = f"{timing.wall:.2f}/{timing.cpu:.2f}"
    out["peak_mb"] = round(peak_mb())
    return out


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--stage":
        print(json.dumps(stage(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))))
        return
    parser = argparse.ArgumentParser(
        description="农户领域代码（无数据库）：写登记表、读取校验、筛查；每步一个新进程"
    )
    parser.add_argument("--sizes", default="10000,100000,1000000", help="户数，逗号分隔")
    counts = sizes(parser.parse_args().sizes)
    table = Table(("households", 10), ("members", 9), ("xlsx MB", 8), ("write s wall/CPU", 17), ("peak MB", 8),
                  ("read s wall/CPU", 16), ("peak MB", 8), ("screen s wall/CPU", 18), ("peak MB", 8),
                  ("flagged", 8))  # fmt: skip
    for size in counts:
        with tempfile.TemporaryDirectory() as tmp:
            path = str(Path(tmp) / "registry.xlsx")
            w, rd, s = (
                in_child(__file__, "--stage", name, str(size), path) for name in ("write", "read", "screen")
            )
            table.row(size, w["members"], f"{w['mb']:.1f}", w["seconds"], w["peak_mb"], rd["seconds"],
                      rd["peak_mb"], s["seconds"], s["peak_mb"], s["flagged"])  # fmt: skip


if __name__ == "__main__":
    main()
