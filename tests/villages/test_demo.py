"""The demo county's villages: classes from a plan read by the real reader, a 中心村 list, merges to review."""

from __future__ import annotations

import csv
import io

from xiangcun.domain.demo import COUNTY_CODE, county_rows
from xiangcun.regions.models import Region
from xiangcun.regions.services import import_regions
from xiangcun.villages.demo import build_demo
from xiangcun.villages.models import ClassMembership, LayoutRule, VillageMerge


def test_demo_builds_classes_lists_and_a_merge(db) -> None:  # type: ignore[no-untyped-def]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(county_rows(40))
    assert import_regions(buffer.getvalue().encode("utf-8"), "demo.csv").ok
    county = Region.objects.get(code=COUNTY_CODE)
    message = build_demo(county)
    names = set(ClassMembership.objects.values_list("name", flat=True))
    assert {"中心村", "示范村", "先行示范村", "整体推进村", "重点帮扶村"} <= names
    assert all(m.line for m in ClassMembership.objects.all())
    merges = VillageMerge.objects.order_by("line")
    assert [m.status for m in merges] == [VillageMerge.Status.PROPOSED] * 2
    assert all(m.target is not None and m.sources.count() == 2 for m in merges)  # matched, ready to apply
    assert "2 条规划中的村庄合并待审核" in message
    assert LayoutRule.objects.filter(county=county).count() == 4
    assert build_demo(county).startswith("村庄：演示规划已存在")
