"""Demo assets for 示范县: every category and state, drafts from accepted projects, incomes with their
distribution (some of it to households through work or 帮扶), and 公示 records. Deterministic (fixed seed);
`build_demo` is safe to run again: what exists is kept, and only projects accepted since get drafts.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from xiangcun.domain.assets.distribution import USES
from xiangcun.domain.assets.ledger import owner_type
from xiangcun.households.models import Household
from xiangcun.projects.models import Project
from xiangcun.regions.models import Region

from .models import Asset, AssetIncome, Distribution, Publicity
from .services import make_drafts

SEED = 20260109
NAMES = {
    "经营性": ["光伏电站", "扶贫车间", "农产品冷库", "香菇大棚", "肉牛养殖场", "小杂粮加工厂", "乡村旅游接待中心",
               "中药材育苗基地"],
    "公益性": ["通村道路", "人饮工程", "灌溉水渠", "村级文化广场", "便民桥", "垃圾收集点", "太阳能路灯"],
    "到户类": ["到户养殖圈舍", "到户经济林", "户用光伏", "到户农机具"],
}  # fmt: skip
MODES = ("承包", "托管", "租赁", "合作", "独资", "自营")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马胡郭何高林罗郑"
GIVEN = ("建国", "海军", "秀英", "志强", "玉兰", "春生", "桂花", "永平", "俊峰", "小红")
WORK = (("公益性岗位", "光伏电站保洁员 12 个月"), ("公益性岗位", "护路员 12 个月"), ("劳务", "冷库装卸 20 天"),
        ("劳务", "大棚采收务工 15 天"))  # fmt: skip
ASSISTANCE = ("家庭成员患大病，医疗自付负担重", "因灾房屋受损，临时生活困难", "残疾人家庭，无劳动力")


def build_demo(county: Region) -> str:
    """Add the demo ledger to `county` (once) and drafts for accepted projects; returns a summary line."""
    rng = random.Random(SEED)
    today = timezone.localdate()
    with transaction.atomic():
        drafts = make_drafts(Project.objects.filter(county=county))
        if Asset.objects.filter(county=county, draft=False).exists():
            return f"资产台账已存在（新生成待确权资产 {drafts} 项）。"
        _confirm_some_drafts(county, rng)
        assets = _direct_assets(county, rng, today)
        incomes, shares = _incomes(county, rng, today)
        notices = _notices(county, rng, today)
    return (f"演示资产：台账 {assets + drafts} 项（待确权 {Asset.objects.filter(county=county, draft=True).count()} 项），"
            f"收益 {incomes} 条、分配 {shares} 条，公示 {notices} 条。")  # fmt: skip


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _confirm_some_drafts(county: Region, rng: random.Random) -> None:
    """Two drafts in three are confirmed (demo data: without project steps); the rest wait for 确权."""
    for n, asset in enumerate(Asset.objects.filter(county=county, draft=True).select_related("region")):
        if n % 3 == 2:
            continue
        asset.owner = (
            f"{asset.region.name}股份经济合作社"
            if asset.region.depth >= 5
            else f"{asset.region.name}人民政府"
        )
        asset.owner_type = owner_type(asset.owner)
        asset.custodian = f"{asset.region.name}村民委员会" if asset.region.depth >= 5 else asset.owner
        asset.custodian_person = _person(rng)
        asset.operating_mode = rng.choice(MODES) if asset.category == "经营性" else ""
        asset.draft = False
        asset.confirmed_at = timezone.localdate()
        asset.save()


def _direct_assets(county: Region, rng: random.Random, today: dt.date) -> int:
    """Assets registered directly (formed before the library existed), about three per village."""
    villages = list(Region.objects.within(county).filter(depth=5).select_related("parent").order_by("code"))
    townships = list(Region.objects.within(county).filter(depth=4).order_by("code"))
    rows: list[Asset] = []
    states = ["正常运营"] * 14 + ["闲置", "损毁", "已处置"]
    places: list[Region] = [v for v in villages for _ in range(3)] + townships
    for n, region in enumerate(places, start=1):
        category = ("经营性", "公益性", "到户类", "经营性", "公益性")[n % 5]
        state = states[n % len(states)]
        village = region.depth >= 5
        if category == "到户类":
            owner = "农户"
        elif village:
            owner = f"{region.name}股份经济合作社"
        else:
            owner = f"{region.name}人民政府"
        low, high = {"经营性": (20, 400), "公益性": (5, 300), "到户类": (0.5, 3)}[category]
        value = Decimal(str(round(rng.uniform(low, high), 4)))
        year = rng.randint(2016, today.year - 1)
        mode = rng.choice(MODES) if category == "经营性" and n % 11 else ""  # some without: warnings
        person = _person(rng) if not (category == "公益性" and n % 9 == 0) else ""
        rows.append(Asset(
            county=county, code=f"ZC{year}{n:05d}", name=f"{region.name}{rng.choice(NAMES[category])}",
            category=category, region=region, value=value, year=year, owner=owner, owner_type=owner_type(owner),
            custodian=f"{region.name}村民委员会" if village else owner, custodian_person=person,
            operating_mode=mode, state=state, confirmed_at=dt.date(year, 12, 1),
            disposal_approval=f"示政资处〔{today.year - 1}〕{n}号" if state == "已处置" else "",
            disposal_date=dt.date(today.year - 1, 6, 1) if state == "已处置" else None,
            disposal_note="设施老化无法修复，经评估报废" if state == "已处置" else "",
        ))  # fmt: skip
    Asset.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _incomes(county: Region, rng: random.Random, today: dt.date) -> tuple[int, int]:
    """Yearly income of each running 经营性 asset (2021 on) split into the four uses; some of the 巩固帮扶
    share goes to households of the asset's township for work (公益性岗位, 劳务) or as 帮扶 with a reason."""
    households_by_township: dict[str, list[int]] = {}
    for pk, path in Household.objects.filter(village__path__startswith=county.path).values_list(
        "id", "village__path"
    ):
        households_by_township.setdefault(path[: len(county.path) + 12], []).append(pk)
    incomes: list[AssetIncome] = []
    owners: list[Asset] = []
    running = Asset.objects.filter(
        county=county, category="经营性", draft=False, state="正常运营"
    ).select_related("region")
    for asset in running.order_by("code"):
        for year in range(max(asset.year + 1, 2021), today.year):
            money = (asset.value * Decimal(10000) * Decimal(str(rng.uniform(0.03, 0.08)))).quantize(
                Decimal("1")
            )
            incomes.append(
                AssetIncome(
                    asset=asset, year=year, amount=money, note=rng.choice(("租金", "分红", "经营收入"))
                )
            )
            owners.append(asset)
    AssetIncome.objects.bulk_create(incomes, batch_size=2000)
    saved = {(i.asset_id, i.year): i for i in AssetIncome.objects.filter(asset__county=county)}
    shares: list[Distribution] = []
    for income, asset in zip(incomes, owners, strict=True):
        stored = saved[(asset.pk, income.year)]
        latest = income.year == today.year - 1
        left = stored.amount * (Decimal("0.8") if latest and rng.random() < 0.5 else Decimal(1))
        parts = dict(zip(USES, (Decimal("0.2"), Decimal("0.4"), Decimal("0.3"), Decimal("0.1")), strict=True))
        help_share = (left * parts["巩固帮扶"]).quantize(Decimal("0.01"))
        pool = households_by_township.get(asset.region.path[: len(county.path) + 12], [])
        for use, part in parts.items():
            if use == "巩固帮扶" and pool:
                spent = Decimal(0)
                for k in range(min(3, len(pool))):
                    pay = (help_share / 4).quantize(Decimal("0.01"))
                    household = pool[(asset.pk * 7 + income.year + k) % len(pool)]
                    if k < 2:
                        basis, work = WORK[(asset.pk + k) % len(WORK)]
                        shares.append(Distribution(income=stored, use=use, amount=pay, household_id=household,
                                                   basis=basis, work=work))  # fmt: skip
                    else:
                        shares.append(Distribution(income=stored, use=use, amount=pay, household_id=household,
                                                   basis="帮扶", reason=ASSISTANCE[asset.pk % len(ASSISTANCE)]))  # fmt: skip
                    spent += pay
                rest = help_share - spent
                if rest > 0:
                    shares.append(Distribution(income=stored, use=use, amount=rest, note="产业发展奖补"))
                continue
            amount = (left * part).quantize(Decimal("0.01"))
            if amount > 0:
                note = {"管护运行": "设施维修和管护人员费用", "村级公益事业": "村内道路修补和环境整治",
                        "其他": "村集体经济积累", "巩固帮扶": "产业发展奖补"}[use]  # fmt: skip
                shares.append(Distribution(income=stored, use=use, amount=amount, note=note))
    Distribution.objects.bulk_create(shares, batch_size=5000)
    return len(incomes), len(shares)


def _notices(county: Region, rng: random.Random, today: dt.date) -> int:
    notices: list[Publicity] = []

    def add(kind: str, title: str, region: Region, year: int, start: dt.date, **links: Any) -> None:
        objections = 1 if rng.random() < 0.1 else 0
        notices.append(Publicity(
            kind=kind, title=title, county=county, region=region, year=year, start=start,
            end=start + dt.timedelta(days=rng.choice((9, 9, 14))), channel=rng.choice(("村务公开栏", "县政府网站", "乡镇公开栏")),
            objection_count=objections, objections="群众对项目选址提出意见" if objections else "",
            handling="经乡镇核实，调整选址后重新公示" if objections else "", **links,
        ))  # fmt: skip

    for year in range(2021, today.year + 1):
        add(
            "资金分配",
            f"{county.name}{year}年度衔接推进乡村振兴补助资金分配计划公告",
            county,
            year,
            dt.date(year, 3, 1),
        )
    projects = Project.objects.filter(county=county).select_related("region").order_by("code")
    for project in projects[:60]:
        add("项目计划", f"{project.name}项目计划公示", project.region, project.year, dt.date(project.year, 2, 10),
            project=project)  # fmt: skip
    for project in projects.filter(status__in=("completed", "accepted", "assets_formed"))[:40]:
        finish = project.actual_finish or dt.date(project.year, 11, 20)
        add("项目竣工", f"{project.name}竣工验收公示", project.region, project.year, finish + dt.timedelta(days=5),
            project=project)  # fmt: skip
    incomes = (
        AssetIncome.objects.filter(asset__county=county)
        .select_related("asset__region")
        .order_by("asset__code")
    )
    for income in incomes[:80]:
        start = dt.date(income.year + 1, 1, 15)
        if start <= today:
            add("收益分配", f"{income.asset.name}{income.year}年收益分配方案公示", income.asset.region, income.year,
                start, income=income)  # fmt: skip
    Publicity.objects.bulk_create(notices, batch_size=2000)
    return len(notices)
