"""A confirmed plan for the test county with village lists and a merge (甲一村 and 甲二村 into 甲二村)."""

from __future__ import annotations

from typing import Any

import pytest

from xiangcun.plans.models import Plan, PlanItem, PlanVersion

LINES = [
    "测试县乡村振兴规划",
    "以下为中心村名单：",
    "甲镇：甲二村。",
    "乙乡：乙一。",
    "先行示范村：甲一村、乙一村",
    "重点帮扶村名单：",
    "甲镇：甲一村、丙村。",
    "乡镇\t合并村\t撤销村\t合并后村",
    "甲镇\t甲一村\t甲一村\t甲二村",
]
LISTS = [
    {"list": "中心村", "township": "甲镇", "villages": ["甲二村"]},
    {"list": "中心村", "township": "乙乡", "villages": ["乙一"]},
    {"list": "先行示范村", "township": None, "villages": ["甲一村", "乙一村"]},
    {"list": "重点帮扶村", "township": "甲镇", "villages": ["甲一村", "丙村"]},
]
MERGES = [{"township": "甲镇", "villages": ["甲一村", "甲二村"], "into": "甲二村", "line": 9, "year": 2021}]


def confirmed_plan(
    county: Any, lists: list[dict[str, Any]] = LISTS, merges: list[dict[str, Any]] = MERGES
) -> PlanVersion:
    plan = Plan.objects.create(region=county, title="测试县乡村振兴规划", period_start=2021, period_end=2025)
    version = PlanVersion.objects.create(
        plan=plan, number=1, filename="plan.txt", file="plans/plan.txt", sha256="0" * 64, size=1,
        extraction={"place_lists": lists, "merges": merges}, source_lines=LINES,
    )  # fmt: skip
    for position, data in enumerate(lists):
        PlanItem.objects.create(
            version=version, kind=PlanItem.Kind.PLACE_LIST, position=position, key=f"k{position}", data=data,
            status=PlanItem.Status.CONFIRMED,
        )  # fmt: skip
    version.status = PlanVersion.Status.CONFIRMED
    version.save()  # the villages app reads the lists and the merges from here
    return version


@pytest.fixture
def plan(county):  # type: ignore[no-untyped-def]
    return confirmed_plan(county.county)
