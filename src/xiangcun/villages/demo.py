"""Demo villages for 示范县: a short plan written for the demo (not a seed's text) with a 中心村 list, a 示范村 list,
a 先行示范村/整体推进村/重点帮扶村 table and a merge table, read by the real plan reader and confirmed; its merges wait for review.

The plan names the demo county's own villages, so it is composed from the tree. One village is put in both 先行示范村
and 重点帮扶村 on purpose, so the layout check has a contradiction to show. Run once: a rerun leaves it alone.
"""

from __future__ import annotations

from xiangcun.accounts.models import User
from xiangcun.plans.models import Plan, PlanItem
from xiangcun.plans.services import confirm_version, import_plan
from xiangcun.regions.models import Region

from . import services
from .models import ClassMembership, VillageMerge

TITLE = "示范县村庄布局与分类推进规划（2021—2025年）"


def _villages(township: Region) -> list[Region]:
    return list(township.children.filter(level="village").order_by("code"))


def plan_text(county: Region) -> str:
    townships = list(county.children.order_by("code"))
    lines = [TITLE, "第一章 村庄分类", "本次规划拟定以中心村为聚落圈中心进行重点建设。以下为中心村名单："]
    for t in townships:
        villages = sorted(_villages(t), key=lambda v: -(v.population or 0))[:2]
        if villages:
            lines.append(f"{t.name}：{'、'.join(v.name for v in villages)}。")
    lines.append("每个中心村服务周边约1万至1.2万农村人口。")
    lines += [
        "示范村名单：",
        *[f"{t.name}：{'、'.join(v.name for v in _villages(t)[2:4])}。" for t in townships[:4]],
    ]
    lines += ["", "分类推进村庄名单", "| 乡镇 | 先行示范村 | 整体推进村 | 重点帮扶村 |"]
    for t in townships[1:4]:
        v = _villages(t)
        if len(v) >= 8:
            overlap = (
                v[4].name if t == townships[1] else v[7].name
            )  # 先行示范村 and 重点帮扶村 at once, for the check
            lines.append(f"| {t.name} | {v[4].name} | {v[5].name}、{v[6].name} | {overlap} |")
    lines += ["", "表1 示范县2022年村庄合并情况", "| 乡镇 | 合并村 | 撤销村 | 合并后村 |"]
    for t in townships[1:3]:
        v = sorted(_villages(t), key=lambda r: r.population or 0)[:2]
        if len(v) == 2:
            lines.append(f"| {t.name} | {v[0].name} | {v[0].name} | {v[1].name} |")
            lines.append(f"|  | {v[1].name} |  |  |")
    return "\n".join(lines) + "\n"


def build_demo(county: Region) -> str:
    if Plan.objects.filter(region=county, title=TITLE).exists():
        return "村庄：演示规划已存在，未重复生成。"
    actor = User.objects.filter(username="county").first()
    version = import_plan(plan_text(county).encode("utf-8"), "村庄布局与分类推进规划.txt", actor, county)
    version.items.filter(status=PlanItem.Status.PENDING).update(status=PlanItem.Status.CONFIRMED)
    confirm_version(version, actor)  # the villages app reads the lists and proposes the merges
    # Left for review: applying one is the reviewer's step (村庄 → 村庄合并), and a rerun of the demo re-imports the
    # original region table, which would put an applied merge's populations and natural villages back.
    merges = VillageMerge.objects.filter(plan_version=version).count()
    services.ensure_rules(county)
    classes = ClassMembership.objects.filter(village__in=services.villages_of(county)).count()
    return f"村庄：{classes} 条村庄类别，{merges} 条规划中的村庄合并待审核。"
