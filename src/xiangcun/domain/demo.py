"""The fictional demo county 示范县: deterministic names, codes and populations from a fixed seed."""

from __future__ import annotations

import csv
import io
import math
import random

from xiangcun.domain.households.idcard import check_digit
from xiangcun.domain.households.workbook import SHEETS
from xiangcun.domain.regions import COLUMNS

COUNTY_CODE = "999901000000"
COUNTY_NAME = "示范县"
SEED = 20260101

_FIRST = "青白黄红石柳杨桃李枣杏梨桑槐松柏竹兰荷梅泉河川山岭峪沟坪塬湾岗坡"
_SECOND = "水峰林园坝溪河口庄营堡寨屯集店铺桥坊台沟峪头关"
_TOWNSHIP_SUFFIX = ["镇", "镇", "乡", "镇", "乡"]


def _names(rng: random.Random, count: int, suffix: str | list[str], taken: set[str]) -> list[str]:
    """Two-character names while they last; a county of thousands of villages exhausts them (about 950 per
    suffix), so after repeated collisions a third character is added instead of drawing forever."""
    names: list[str] = []
    misses = 0
    while len(names) < count:
        end = suffix if isinstance(suffix, str) else rng.choice(suffix)
        name = rng.choice(_FIRST) + rng.choice(_SECOND)
        if misses > 20:
            name += rng.choice(_FIRST)
        name += end
        if name in taken:
            misses += 1
            continue
        taken.add(name)
        names.append(name)
        misses = 0
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


_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
_GIVEN = "建国秀英玉兰桂芳志强海军丽娟明亮春花淑珍永红德福文华金凤小龙晓燕国庆红梅立新俊杰"


def _id_number(rng: random.Random, birth_year: int, female: bool, sequence: int) -> str:
    # A real province prefix (14) with a county number no real county uses, so check digits stay valid.
    first17 = f"149901{birth_year:04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{sequence % 100:02d}"
    first17 += str(rng.choice((0, 2, 4, 6, 8)) if female else rng.choice((1, 3, 5, 7, 9)))
    return first17 + check_digit(first17)


def household_rows(
    village_codes: list[str], count: int, year: int, seed: int = SEED
) -> tuple[list[dict], list[dict], list[dict]]:
    """A plausible registry (户, 成员, 收支 rows) with some households firing each screening rule."""
    rng = random.Random(seed)
    households: list[dict] = []
    members: list[dict] = []
    finances: list[dict] = []
    used: set[str] = set()
    for n in range(count):
        code = f"H{n + 1:07d}"
        size = rng.choice((1, 2, 2, 3, 3, 4, 4, 4, 5, 6))
        poor = rng.random() < 0.3
        households.append({
            "户编号": code, "村代码": village_codes[n % len(village_codes)], "自然村": "",
            "户主姓名": rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN),
            "联系电话": f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}",
            "户类型": "脱贫户" if poor else "一般农户", "易地搬迁": "是" if poor and rng.random() < 0.2 else "否",
            "低保": "是" if rng.random() < 0.08 else "否",
            "特困": "分散供养" if size == 1 and rng.random() < 0.3 else "否",
            "住房安全等级": rng.choices("ABCD", (70, 27, 2, 1))[0], "饮水安全": "是" if rng.random() < 0.98 else "否",
            "自主申报": "是" if rng.random() < 0.01 else "否",
        })  # fmt: skip
        surname = households[-1]["户主姓名"][0]
        for k in range(size):
            head = k == 0
            age = rng.randint(30, 80) if head else rng.choice((rng.randint(0, 17), rng.randint(18, 85)))
            birth = year - age
            number = _id_number(rng, birth, female=not head and rng.random() < 0.5, sequence=n + k)
            while number in used:
                number = _id_number(rng, birth, female=False, sequence=rng.randint(0, 99))
            used.add(number)
            if 6 <= age <= 15:
                school = "非在校" if rng.random() < 0.01 else ("小学" if age <= 12 else "初中")
            elif 16 <= age <= 22:
                school = rng.choice(("高中", "中职", "大专", "本科及以上", "非在校"))
            else:
                school = "学龄前" if age < 6 else "非在校"
            health = rng.choices(("健康", "长期慢性病", "患有大病", "残疾"), (85, 9, 3, 3))[0]
            members.append({
                "户编号": code,
                "姓名": households[-1]["户主姓名"] if head else (surname if rng.random() < 0.7 else rng.choice(_SURNAMES)) + rng.choice(_GIVEN),
                "身份证号": number, "与户主关系": "户主" if head else rng.choice(("配偶", "子", "女", "父亲", "母亲", "孙子")),
                "劳动能力": "无劳动力" if age < 16 or age > 70 else rng.choice(("普通劳动力", "技能劳动力", "弱劳动力")),
                "健康状况": health, "残疾等级": rng.choice(("一级", "二级", "三级", "四级")) if health == "残疾" else "",
                "在校状况": school, "基本医保": "是" if rng.random() < 0.995 else "否", "养老保险": "是",
                "务工状况": rng.choice(("县内务工", "省内县外务工", "省外务工", "未务工")),
            })  # fmt: skip
        base = rng.lognormvariate(9.9, 0.6) * max(1, size - 1)
        for y in (year - 1, year):
            wage = base if y < year else base * rng.uniform(0.95, 1.15)
            if y == year and rng.random() < 0.03:
                wage *= 0.4  # a sharp drop this year
            finances.append({
                "户编号": code, "年度": y, "工资性收入": round(wage), "生产经营性收入": round(rng.uniform(0, 8000)),
                "生产经营性支出": round(rng.uniform(0, 2000)), "财产性收入": round(rng.uniform(0, 500)),
                "转移性收入": round(rng.uniform(500, 4000)),
                "医疗自付支出": round(rng.uniform(0, 20000)) if rng.random() < 0.05 else round(rng.uniform(0, 800)),
                "教育支出": round(rng.uniform(0, 6000)),
            })  # fmt: skip
    return households, members, finances


def registry_csv(households: list[dict], members: list[dict], finances: list[dict]) -> dict[str, bytes]:
    """The registry as the three UTF-8 CSV files the household import takes (户, 成员, 收支).

    A large demo county (300 000 households, a million members) is written this way: openpyxl needs
    minutes for the same rows as an .xlsx, csv.writer seconds.
    """
    result: dict[str, bytes] = {}
    for name, rows in (("户", households), ("成员", members), ("收支", finances)):
        columns = SHEETS[name]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([row.get(c, "") for c in columns] for row in rows)
        result[name] = buffer.getvalue().encode("utf-8")
    return result


# (baseline 2020, target 2025, binding, pattern) per national indicator code; the pattern is how far along
# the path the demo county's values are: >1 ahead, 0.7 slow, 0.3 far behind, <0 going backwards, None no data.
DEMO_TARGETS: dict[str, tuple[float, float, bool, float | None]] = {
    "N01": (12.0, 12.5, True, 1.2), "N02": (55.0, 60.0, False, 0.7), "N03": (3.0, 4.5, False, 1.1),
    "N04": (1.8, 2.4, False, 0.3), "N05": (5.0, 9.0, False, 1.3), "N06": (70.0, 80.0, True, 0.3),
    "N07": (30.0, 36.0, False, 1.0), "N08": (85.0, 95.0, False, 1.5), "N09": (65.0, 85.0, True, 0.75),
    "N10": (92.0, 100.0, False, 1.1), "N11": (40.0, 55.0, False, -0.2), "N12": (60.0, 70.0, False, 0.6),
    "N13": (10.0, 12.0, False, None), "N14": (80.0, 95.0, False, 1.0), "N15": (50.0, 70.0, False, 0.4),
    "N16": (30.0, 50.0, False, 0.9), "N17": (95.0, 100.0, False, 1.2), "N18": (5.0, 10.0, False, 0.5),
    "N19": (33.0, 29.5, False, 0.8), "N20": (2.6, 2.35, False, 1.1), "N21": (85.0, 92.0, True, -0.3),
    "N22": (98.0, 100.0, True, 1.0),
}  # fmt: skip
DEMO_BASELINE_YEAR = 2020
DEMO_TARGET_YEAR = 2025
_LIMITS = {"percentage": (0.0, 100.0), "quantity": (0.0, math.inf), "count": (0.0, math.inf)}


def demo_years(this_year: int) -> range:
    """The years with approved demo data: from the year after the baseline to the last year that is over
    (at most the target year), so the plan's verdicts match the calendar the demo is built in."""
    return range(
        DEMO_BASELINE_YEAR + 1, max(DEMO_BASELINE_YEAR + 1, min(this_year - 1, DEMO_TARGET_YEAR)) + 1
    )


def demo_series(baseline: float, target: float, pattern: float | None, years: range) -> dict[int, float]:
    """Yearly values along (or off) the path from baseline to target, rounded like published statistics."""
    if pattern is None:
        return {}
    span = DEMO_TARGET_YEAR - DEMO_BASELINE_YEAR
    return {
        y: round(baseline + (target - baseline) * pattern * (y - DEMO_BASELINE_YEAR) / span, 2) for y in years
    }


def demo_values(
    code: str, kind: str, populations: list[int], years: range
) -> tuple[dict[int, float], list[dict[int, float]]]:
    """The county's yearly values for one demo indicator and each township's (in the order of `populations`).

    Townships move at their own pace around the county's, but they agree with it the way the system adds
    regions up (domain.observations.aggregate): counts and quantities sum to the county value, percentages
    average to it weighted by population (to the published two decimals). Percentages stay within 0–100.
    Ratios cannot be added up, so their township values only follow each township's pace.
    """
    baseline, target, _, pattern = DEMO_TARGETS[code]
    low, high = _LIMITS.get(kind, (-math.inf, math.inf))
    digits = 0 if kind == "count" else 2
    county = {
        y: round(min(max(v, low), high), digits)
        for y, v in demo_series(baseline, target, pattern, years).items()
    }
    paces = [0.6 + 0.1 * ((n * 7 + int(code[1:]) * 3) % 9) for n in range(len(populations))]
    towns: list[dict[int, float]] = [{} for _ in populations]
    if not populations or pattern is None:
        return county, towns
    for year, total in county.items():
        own = [demo_series(baseline, target, pattern * pace, range(year, year + 1))[year] for pace in paces]
        if kind in ("quantity", "count"):
            values = _split_sum(total, [p * pace for p, pace in zip(populations, paces, strict=True)], digits)
        elif kind == "percentage":
            values = _weighted_to(total, own, populations, low, high)
        else:
            values = [round(v, digits) for v in own]
        for town, value in zip(towns, values, strict=True):
            town[year] = value
    return county, towns


def _split_sum(total: float, weights: list[float], digits: int) -> list[float]:
    """Shares of `total` in proportion to `weights`, rounded, the last taking the rounding so they add up."""
    whole = sum(weights)
    parts = [round(total * w / whole, digits) for w in weights[:-1]]
    return [*parts, round(total - sum(parts), digits)]


def _weighted_to(
    mean: float, values: list[float], weights: list[int], low: float, high: float
) -> list[float]:
    """`values` shifted so their `weights`-weighted mean is `mean`, kept within low–high, to two decimals."""
    whole = sum(weights)

    def gap_of(current: list[float]) -> float:
        return mean - sum(v * w for v, w in zip(current, weights, strict=True)) / whole

    shifted = [min(max(v, low), high) for v in values]
    for _ in range(len(values) + 1):  # shift every township that can still move; clamp; repeat
        gap = gap_of(shifted)
        free = [i for i, v in enumerate(shifted) if (v < high if gap > 0 else v > low)]
        free_weight = sum(weights[i] for i in free)
        if abs(gap) < 1e-12 or not free_weight:
            break
        for i in free:
            shifted[i] = min(max(shifted[i] + gap * whole / free_weight, low), high)
    rounded = [round(v, 2) for v in shifted]
    # The rounding left over goes to the largest township strictly inside the bounds (if all are at a
    # bound, the mean is already exact).
    inside = [i for i, v in enumerate(rounded) if low < v < high]
    if inside:
        k = max(inside, key=lambda i: weights[i])
        rounded[k] = round(min(max(rounded[k] + gap_of(rounded) * whole / weights[k], low), high), 2)
    return rounded
