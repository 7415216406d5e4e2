"""Demo ledgers for 示范县: toilet conversions 2021 to this year in every acceptance state (some households
registered, some only by name), a yearly plan, the coverage of this year, two years of
the schools ledger and one ledger the county defined itself. Deterministic; goes in once (reruns keep it).

Rows go in through the same imports as a user's file, so the demo obeys every rule and is audited.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from xiangcun.domain.ledgers import schools, toilets
from xiangcun.domain.ledgers.columns import write_workbook
from xiangcun.households.models import Household
from xiangcun.regions.models import Region

from . import services
from .models import Ledger, ToiletRecord

SEED = 20261201
PLAN = {2021: 320, 2022: 260, 2023: 240, 2024: 200, 2025: 200}  # conversions the demo county planned
PACE = {2021: 1.02, 2022: 0.97, 2023: 1.0, 2024: 0.8, 2025: 0.9}  # how the years went (2024 fell behind)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马胡郭何高林罗郑"
GIVEN = ("建国", "海军", "秀英", "志强", "玉兰", "春生", "桂花", "永平", "俊峰", "小红", "二牛", "金花")
PROBLEMS = ("粪池渗漏", "冬季冻管", "化粪池满未清掏", "蹲便器破损", "户内未接水")
SCHOOL_NAMES = ("中心小学", "中学", "学校", "教学点")


def build_demo(county: Region) -> str:
    if ToiletRecord.objects.filter(county=county).exists():
        return "台账已存在。"
    rng = random.Random(SEED)
    today = timezone.localdate()
    with transaction.atomic():
        converted = _toilets(county, rng, today)
        coverage = _coverage(county, today.year)
        schools_count = _schools(county, rng, today.year)
        _facilities(county, rng)
    return (f"演示台账：户厕 {converted} 户（{min(PLAN)}–{today.year} 年，各验收状态都有），"
            f"{today.year}年农村卫生厕所普及率 {coverage}；学校 {schools_count} 所（两个年度）；村级综合服务设施台账。")  # fmt: skip


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _toilets(county: Region, rng: random.Random, today: dt.date) -> int:
    villages = list(
        Region.objects.filter(depth=5).within(county).order_by("path").values_list("code", "name")
    )
    registered = list(
        Household.objects.filter(village__path__startswith=county.path)
        .order_by("code")
        .values_list("code", flat=True)
    )
    rng.shuffle(registered)
    plan = {y: n for y, n in PLAN.items() if y < today.year}
    yearly = {y: round(n * PACE[y]) for y, n in plan.items()}
    if today.year > max(PLAN):
        yearly[today.year] = 120  # this year's work so far
    rows, names = [], set()
    for year, count in sorted(yearly.items()):
        for n in range(count):
            row = _acceptance(year, rng, today)
            if registered and rng.random() < 0.4:
                row["户编号"] = registered.pop()
            else:
                code, _ = villages[rng.randrange(len(villages))]
                name = _person(rng)
                while (code, name) in names:
                    name = _person(rng) + rng.choice("甲乙丙丁")
                names.add((code, name))
                row.update({"户主姓名": name, "所在村": code})
            model = rng.choices(toilets.MODELS, weights=(45, 20, 25, 5, 5))[0]
            cost = rng.randrange(2600, 5200, 50) if model == "水冲式" else rng.randrange(1500, 3600, 50)
            row.update({"改造年份": year, "改厕模式": model, "改造费用（元）": cost,
                        "补助金额（元）": min(cost, 1000 if year < 2024 else 1200)})  # fmt: skip
            if n % 23 == 0:
                row["摸排发现问题"] = rng.choice(PROBLEMS)
            rows.append(row)
    headers = [c.header for c in toilets.COLUMNS]
    data = write_workbook(toilets.COLUMNS, [[r.get(h, "") for h in headers] for r in rows])
    report = services.import_toilets(data, "演示户厕台账.xlsx", county)
    if not report.ok:
        raise ValueError("演示户厕台账没有通过检查：" + "；".join(str(e) for e in report.errors[:5]))
    settings = services.toilet_settings(county)
    settings.yearly_plan = {str(y): n for y, n in PLAN.items()}
    settings.save()
    return report.created


def _acceptance(year: int, rng: random.Random, today: dt.date) -> dict[str, object]:
    """How far the acceptance got: older years nearly all through the county, this year's spread over
    every state (the last stages take months)."""
    age = today.year - year
    stages = (
        4
        if age >= 2 and rng.random() < 0.97
        else rng.choice((0, 1, 2, 3, 4, 4))
        if age == 1
        else rng.choice((0, 1, 1, 2, 3))
    )
    day = dt.date(year, rng.randint(4, 9), rng.randint(1, 28))
    row: dict[str, object] = {}
    who = {
        "contractor": "施工队",
        "village": "村委会",
        "township": "镇农业站",
        "county": "县农业农村局验收组",
    }
    for stage, label in toilets.STAGES[:stages]:
        day = min(day + dt.timedelta(days=rng.randint(2, 40)), today)
        row[f"{label}验收日期"], row[f"{label}验收人"] = day, who[stage]
    if stages == 4:
        row["使用状态"] = rng.choices(toilets.USE_STATUSES, weights=(90, 4, 5, 1))[0]
    elif stages:
        row["使用状态"] = "正常使用"
    return row


def _coverage(county: Region, year: int) -> str:
    """Sets the households that had a sanitary toilet before the ledger so this year's coverage is about
    84 %. It is not written into the indicators: the demo's reported values have townships that add up to
    the county, a county-only value would not; the county account can press 计入指标 on the progress page."""
    households = services.rural_households(county)
    if not households:
        return "—（区划中没有户数）"
    counted = services.coverage(county, year)["counted"]
    settings = services.toilet_settings(county)
    settings.baseline_sanitary = max(0, round(households * 0.84) - counted)
    settings.save()
    return f"{services.coverage(county, year)['value']:g}%（可在改厕进度页计入指标）"


def _schools(county: Region, rng: random.Random, this_year: int) -> int:
    rows = []
    for township_code, township in (
        Region.objects.filter(depth=4).within(county).order_by("path").values_list("code", "name")
    ):
        # the full township name: 青营镇 and 青营乡 would both give 青营中学 in a large county
        short = township.removesuffix("街道")
        for n, suffix in enumerate(SCHOOL_NAMES[: rng.randint(2, 4)]):
            level = ("小学", "初中", "小初一体", "教学点")[n]
            students = {"小学": rng.randint(120, 600), "初中": rng.randint(200, 900), "小初一体": rng.randint(300, 700),
                        "教学点": rng.randint(4, 25)}[level]  # fmt: skip
            ratio = {"小学": 17, "初中": 12.5, "小初一体": 12, "教学点": 4}[level] * rng.uniform(0.7, 1.35)
            teachers = max(1, round(students / ratio))
            area = round(students * rng.uniform(14, 40) / schools.SQUARE_METRES_PER_MU, 1)
            for year, drift in ((this_year - 2, 1.0), (this_year - 1, rng.uniform(0.85, 1.02))):
                rows.append(
                    [f"{short}{suffix}", township_code, level, year, round(students * drift), teachers, area]
                )
    report = services.import_schools(write_workbook(schools.COLUMNS, rows), "演示学校台账.xlsx", county)
    if not report.ok:
        raise ValueError("演示学校台账没有通过检查：" + "；".join(str(e) for e in report.errors[:5]))
    return len(rows) // 2


def _facilities(county: Region, rng: random.Random) -> None:
    """A ledger the county defined on the 新建台账 page: village service facilities, one row per village."""
    ledger = Ledger.objects.create(
        county=county, name="村级综合服务设施台账", unit="village",
        description="各村党群服务中心（便民服务站）面积、建成年份和运行情况",
        columns=[{"label": "建筑面积", "type": "decimal", "unit": "平方米", "required": True},
                 {"label": "建成年份", "type": "integer", "required": True},
                 {"label": "运行状态", "type": "choice", "choices": ["正常", "部分使用", "停用"]},
                 {"label": "管理员", "type": "text"}],
    )  # fmt: skip
    rows = []
    for (code,) in Region.objects.filter(depth=5).within(county).order_by("path").values_list("code")[:40]:
        rows.append([code, rng.randrange(120, 600, 10), rng.randint(2012, 2024),
                     rng.choices(("正常", "部分使用", "停用"), weights=(85, 10, 5))[0], _person(rng)])  # fmt: skip
    report = services.import_ledger_rows(
        ledger, write_workbook(services.ledger_columns(ledger), rows), "演示村级综合服务设施台账.xlsx"
    )
    if not report.ok:
        raise ValueError("演示设施台账没有通过检查：" + "；".join(str(e) for e in report.errors[:5]))
