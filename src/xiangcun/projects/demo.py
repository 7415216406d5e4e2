"""Demo project library for 示范县: several hundred projects over 2021–2025 in every status.

Amounts are built in whole 0.0001 万元 units so every project adds up exactly (总投资 = 衔接资金 + 其他资金,
衔接资金 = 中央 + 省级 + 市县) and so do the 公告 subtotals. Some 以工代赈 projects pay less than 15% of
their central money as 劳务报酬 and one year spends less than 55% on 产业发展, so the fund page shows
its warnings. `build_demo` is safe to run again: a county that has projects keeps them.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from xiangcun.departments.models import Department
from xiangcun.domain import projects as domain
from xiangcun.regions.models import Region

from .models import FundRule, Project, ProjectStep

YEARS = range(2021, 2026)
PER_YEAR = 80
UNIT = Decimal("0.0001")

# type: (share of projects, departments, name patterns)
KINDS: dict[str, tuple[float, tuple[str, ...], tuple[str, ...]]] = {
    "industry": (0.45, ("农业农村局", "林业局", "商务局", "文旅局"),
                 ("{v}食用菌种植基地", "{v}中药材种植", "{v}肉牛养殖场扩建", "{v}农产品冷链仓储", "{v}特色林果提质增效",
                  "{v}光伏帮扶电站", "{v}乡村旅游接待中心", "{v}电商服务站")),
    "employment": (0.1, ("人社局", "乡村振兴局"), ("{v}脱贫劳动力技能培训", "{v}帮扶车间", "{v}公益性岗位开发")),
    "construction": (0.3, ("交通局", "水利局", "住建局", "乡村振兴局"),
                     ("{v}通组道路硬化", "{v}安全饮水巩固提升", "{v}农村户厕改造", "{v}产业路建设", "{v}人居环境整治",
                      "{v}小型农田水利设施")),
    "relocation": (0.07, ("发改局", "乡村振兴局"), ("{v}易地搬迁安置点配套设施", "{v}搬迁群众后续产业")),
    "governance": (0.05, ("民政局", "乡村振兴局"), ("{v}村级综合服务站", "{v}积分制管理示范")),
    "other": (0.03, ("乡村振兴局",), ("{v}项目管理费", "{v}防贫保险")),
}  # fmt: skip
# How far projects of each year have come (status: share), given that the demo is built in 2026.
PROGRESS: dict[int, dict[str, float]] = {
    2021: {"assets_formed": 0.85, "accepted": 0.1, "terminated": 0.05},
    2022: {"assets_formed": 0.7, "accepted": 0.2, "completed": 0.05, "terminated": 0.05},
    2023: {"assets_formed": 0.4, "accepted": 0.3, "completed": 0.2, "in_progress": 0.05, "terminated": 0.05},
    2024: {"accepted": 0.25, "completed": 0.3, "in_progress": 0.35, "admitted": 0.05, "terminated": 0.05},
    2025: {"in_progress": 0.3, "admitted": 0.35, "reserve": 0.3, "terminated": 0.05},
}


def _units(rng: random.Random, low: int, high: int) -> int:
    """An amount in 0.0001 万元 units between `low` and `high` 万元, most of them not round."""
    value = rng.randint(low * 10000, high * 10000)
    return value if rng.random() < 0.7 else value - value % 10000


def _wan(units: int) -> Decimal:
    return (Decimal(units) * UNIT).quantize(UNIT)


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def build_demo(county: Region, seed: int = 9) -> str:
    """Add the demo library to `county` (once); returns a summary line."""
    existing = Project.objects.filter(county=county).count()
    if existing:
        return f"项目库：已有 {existing} 个项目，保持不变。"
    rng = random.Random(seed)
    regions = list(Region.objects.within(county).filter(depth__in=(4, 5)).order_by("path"))
    departments = {d.name: d for d in Department.objects.filter(region=county)}
    if not regions or not departments:
        return "项目库：没有乡镇、村或部门，未生成演示项目。"
    fallback = next(iter(departments.values()))
    projects: list[Project] = []
    for year in YEARS:
        kinds = {k: v[0] for k, v in KINDS.items()}
        if year == 2023:  # one year short of the 55% floor, so the fund page shows that warning
            kinds["industry"], kinds["construction"] = 0.3, 0.45
        for number in range(1, PER_YEAR + 1):
            kind = _pick(rng, kinds)
            _, names, patterns = KINDS[kind]
            region = rng.choice(regions)
            central = _units(rng, 40, 600) if kind == "industry" else _units(rng, 8, 220)
            provincial = central * rng.randint(15, 40) // 100
            local = central * rng.randint(0, 20) // 100
            link = central + provincial + local
            other = link * rng.randint(0, 40) // 100 if rng.random() < 0.5 else 0
            relief = kind == "construction" and rng.random() < 0.45
            labour = central * rng.randint(1000, 3000) // 10000 if relief else 0
            status = _pick(rng, PROGRESS[year])
            start = dt.date(year, rng.randint(3, 6), rng.randint(1, 28))
            finish = start + dt.timedelta(days=rng.randint(90, 300))
            started = status in ("in_progress", "completed", "accepted", "assets_formed")
            finished = status in ("completed", "accepted", "assets_formed")
            poor = rng.randint(5, 120) if kind != "other" else 0
            department = departments.get(rng.choice(names), fallback)
            projects.append(
                Project(
                    county=county,
                    code=f"{year}-{number:03d}",
                    name=rng.choice(patterns).format(v=region.name),
                    project_type=kind,
                    work_relief=relief,
                    region=region,
                    content=f"{domain.TYPES[kind]}项目，建设地点{region.name}，按批复的建设内容和规模实施。",
                    department=department,
                    year=year,
                    total_investment=_wan(link + other),
                    link_fund=_wan(link),
                    central_fund=_wan(central),
                    provincial_fund=_wan(provincial),
                    local_fund=_wan(local),
                    other_fund=_wan(other),
                    labour_pay=_wan(labour),
                    poor_households=poor,
                    monitored_households=rng.randint(0, max(1, poor // 8)),
                    performance_target=f"带动脱贫户 {poor} 户增收" if poor else "保障项目规范实施",
                    performance_quantity=Decimal(poor) if poor else None,
                    performance_unit="户" if poor else "",
                    planned_start=start,
                    planned_finish=finish,
                    actual_start=start + dt.timedelta(days=rng.randint(0, 30)) if started else None,
                    actual_finish=finish + dt.timedelta(days=rng.randint(-20, 40)) if finished else None,
                    status=status,
                    termination_reason="选址调整，资金按程序调剂至其他项目" if status == "terminated" else "",
                )
            )
    with transaction.atomic():
        Project.objects.bulk_create(projects, batch_size=1000)
        ids = dict(Project.objects.filter(county=county).values_list("code", "id"))
        steps = []
        for p in projects:
            p.pk = ids[p.code]
            steps += _steps(p, rng)
        when = [s.at for s in steps]
        ProjectStep.objects.bulk_create(steps, batch_size=2000)  # auto_now_add sets `at` to now …
        for s, at in zip(steps, when, strict=True):
            s.at = at
        ProjectStep.objects.bulk_update(steps, ["at"], batch_size=2000)  # … so the dates go in afterwards
        for year in YEARS:
            FundRule.objects.get_or_create(county=county, year=year)
    return f"项目库：{len(projects)} 个演示项目（{YEARS[0]}–{YEARS[-1]} 年），办理步骤 {len(steps)} 条。"


def _steps(project: Project, rng: random.Random) -> list[ProjectStep]:
    """The steps that brought the project where it is, with plausible dates."""
    assert project.planned_start is not None
    when = dt.datetime.combine(project.planned_start - dt.timedelta(days=120), dt.time(9, 30))
    chain = list(domain.CHAIN)
    if project.status == "terminated":
        last = chain[rng.randint(0, 2)]
        path = [*chain[: chain.index(last) + 1], "terminated"]
    else:
        path = chain[: chain.index(project.status) + 1]
    remarks = {"reserve": "村申报、乡镇审核，纳入储备", "admitted": "经县级论证入库", "in_progress": "开工",
               "completed": "完工", "accepted": "县级组织验收合格", "assets_formed": "资产移交登记",
               "terminated": project.termination_reason}  # fmt: skip
    steps = []
    before = ""
    for status in path:
        step = ProjectStep(project=project, from_status=before, to_status=status, remarks=remarks[status])
        step.at = timezone.make_aware(when)
        steps.append(step)
        when += dt.timedelta(days=rng.randint(20, 110))
        before = status
    return steps
