"""The fictional demo county 示范县: deterministic names, codes and populations from a fixed seed."""

from __future__ import annotations

import math
import random

from xiangcun.domain.regions import COLUMNS

COUNTY_CODE = "999901000000"
COUNTY_NAME = "示范县"
SEED = 20260101

_FIRST = "青白黄红石柳杨桃李枣杏梨桑槐松柏竹兰荷梅泉河川山岭峪沟坪塬湾岗坡"
_SECOND = "水峰林园坝溪河口庄营堡寨屯集店铺桥坊台沟峪头关"
_TOWNSHIP_SUFFIX = ["镇", "镇", "乡", "镇", "乡"]


def _names(rng: random.Random, count: int, suffix: str | list[str], taken: set[str]) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        end = suffix if isinstance(suffix, str) else rng.choice(suffix)
        name = rng.choice(_FIRST) + rng.choice(_SECOND) + end
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def county_rows(villages: int = 100, natural_per_village: tuple[int, int] = (2, 5)) -> list[list[object]]:
    """Rows (with the import header) for a county of about `villages` administrative villages and communities.

    Codes follow the statistical scheme: township = county + 3 digits; communities 001–099 and villages
    200–399 under a township; natural villages, which have no official code, 400–999 in the township.
    """
    if villages < 1:
        raise ValueError("村的数量至少为 1")
    townships = max(1, min(999, math.ceil(villages / 12.5)))
    if villages > townships * 180:
        raise ValueError("演示县的村数量过多（单县最多约 18 万个村）")
    rng = random.Random(SEED)
    taken: set[str] = set()
    rows: list[list[object]] = [list(COLUMNS) + ["户数"]]
    township_names = _names(rng, townships, _TOWNSHIP_SUFFIX, taken)
    township_names[0] = township_names[0][:-1] + "街道"
    per_township = [villages // townships + (1 if i < villages % townships else 0) for i in range(townships)]
    village_rows: list[list[object]] = []
    for t, (t_name, n) in enumerate(zip(township_names, per_township, strict=True), start=1):
        t_code = COUNTY_CODE[:6] + f"{t:03d}" + "000"
        is_subdistrict = t_name.endswith("街道")
        communities = max(1, n // 2) if is_subdistrict else (1 if n >= 8 else 0)
        t_pop = t_households = 0
        natural_seq = 400
        for v in range(n):
            community = v < communities
            number = (v + 1) if community else (200 + v - communities + 1)
            v_code = t_code[:9] + f"{number:03d}"
            v_name = _names(rng, 1, "社区" if community else "村", taken)[0]
            population = rng.randint(2500, 9000) if community else rng.randint(600, 3600)
            households = round(population / rng.uniform(2.7, 3.4))
            t_pop += population
            t_households += households
            village_rows.append(
                [v_code, v_name, t_code, "社区" if community else "行政村", population, households]
            )
            if community:
                continue
            remaining = population
            count = rng.randint(*natural_per_village)
            for k in range(count):
                if natural_seq > 999:
                    break
                share = (
                    remaining
                    if k == count - 1
                    else rng.randint(remaining // (count - k + 1), remaining // (count - k))
                )
                remaining -= share
                village_rows.append(
                    [
                        t_code[:9] + f"{natural_seq:03d}",
                        v_name[:-1] + "一二三四五六七八九"[k] + "组",
                        v_code,
                        "自然村",
                        share,
                        None,
                    ]
                )
                natural_seq += 1
        rows.append([t_code, t_name, COUNTY_CODE, "街道" if is_subdistrict else "乡镇", t_pop, t_households])
    county_pop = sum(int(r[4]) for r in rows[1:])
    county_households = sum(int(r[5]) for r in rows[1:])
    rows.insert(1, [COUNTY_CODE, COUNTY_NAME, "", "县", county_pop, county_households])
    rows.extend(village_rows)
    return rows
