"""交城's plan, read by the real reader and confirmed, on a small tree of its villages: classes and merges land."""

from __future__ import annotations

from pathlib import Path

import pytest

from xiangcun.plans.models import PlanItem
from xiangcun.plans.services import confirm_version, import_plan
from xiangcun.regions.models import Region
from xiangcun.villages.models import ClassMembership, VillageMerge

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
pytestmark = pytest.mark.skipif(
    not SEEDS.is_dir(), reason=f"真实规划样本目录不存在：{SEEDS}（仓库外的 shared/seeds）"
)


def test_jiaocheng_lists_and_merges_on_its_tree(db, users) -> None:  # type: ignore[no-untyped-def]
    def region(code: str, name: str, level: str, parent: Region | None) -> Region:
        r = Region(code=code, name=name, level=level, parent=parent, population=1000)
        r.save()
        return r

    county = region("141122000000", "交城县", "county", None)
    tianning = region("141122100000", "天宁镇", "township", county)
    pangquan = region("141122200000", "庞泉沟镇", "township", county)
    for number, name in enumerate(["梁家庄村", "阳渠村", "窑儿头村", "塔梭村"], start=201):
        region(f"141122100{number}", name, "village", tianning)
    for number, name in enumerate(["庞泉沟村", "中庄村", "张沟村", "市庄村"], start=201):
        region(f"141122200{number}", name, "village", pangquan)
    data = next(SEEDS.glob("000_*.txt")).read_bytes()
    version = import_plan(data, "交城.txt", users["county_admin"], county)
    version.items.filter(status=PlanItem.Status.PENDING).update(status=PlanItem.Status.CONFIRMED)
    confirm_version(version, users["county_admin"])

    def classes(name: str) -> set[str]:
        return set(ClassMembership.objects.filter(village__name=name).values_list("name", flat=True))

    assert classes("梁家庄村") == {"中心村", "美丽宜居示范村"}
    assert classes("中庄村") == {"中心村", "美丽宜居示范村"}  # the plan writes 中庄
    assert classes("张沟村") == {"美丽宜居示范村"}
    line = ClassMembership.objects.get(village__name="梁家庄村", name="中心村").line
    assert line and "梁家庄村" in version.source_lines[line - 1]

    merge = VillageMerge.objects.get(written_into="塔梭村")
    assert merge.region == tianning and merge.year == 2020 and merge.status == VillageMerge.Status.PROPOSED
    assert set(merge.sources.values_list("name", flat=True)) == {"窑儿头村", "塔梭村"}
    assert merge.target.name == "塔梭村"
    assert VillageMerge.objects.count() == 19  # every merge of the table, found or not
    unmatched = VillageMerge.objects.get(written_into="竖石佛村")
    assert unmatched.target is None and "区划中没有找到" in unmatched.note
