"""The migration that gives targets a plan version, run on a database with old-style targets: the target a
second plan overwrote comes back for the first plan, both link to their versions, hand targets stay."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("indicators", "0002_observation_target"), ("plans", "0001_initial")]
AFTER = [("indicators", "0005_target_unique_per_plan"), ("plans", "0002_plan_archive")]


@pytest.mark.django_db(transaction=True)
def test_old_targets_are_linked_and_the_overwritten_one_restored() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Region = old.get_model("regions", "Region")
    Indicator = old.get_model("indicators", "Indicator")
    Target = old.get_model("indicators", "Target")
    Plan = old.get_model("plans", "Plan")
    PlanVersion = old.get_model("plans", "PlanVersion")
    PlanItem = old.get_model("plans", "PlanItem")

    county = Region.objects.create(
        code="140000000000", name="测试县", level="county", depth=3, path="140000000000"
    )
    grain = Indicator.objects.create(
        code="N01", name="粮食综合生产能力", unit="万吨", dimension="产业兴旺", kind="quantity"
    )
    water = Indicator.objects.create(code="N15", name="农村自来水普及率", unit="%", dimension="生活富裕")
    versions = []
    for title, value in (("甲规划", 8.0), ("乙规划", 5.1)):
        plan = Plan.objects.create(region=county, title=title)
        version = PlanVersion.objects.create(plan=plan, number=1, filename="p.docx", sha256=title, size=1,
                                             status="confirmed")  # fmt: skip
        PlanItem.objects.create(
            version=version, kind="indicator", position=0, key=f"产业兴旺|{title}", status="confirmed",
            indicator=grain,
            data={"name": "粮食综合生产能力", "unit": "万吨", "attribute": "约束性",
                  "values": [{"year": 2020, "kind": "baseline", "raw": "7", "value": 7.0, "op": "="},
                             {"year": 2025, "kind": "target", "raw": str(value), "value": value, "op": ">="}]},
        )  # fmt: skip
        versions.append(version)
    # What the old code left behind: one row per indicator/region/year, the second plan's value over the first's.
    Target.objects.create(indicator=grain, region=county, year=2025, value=5.1, op=">=", attribute="约束性",
                          baseline_year=2020, baseline_value=7.0, source="乙规划（第1版）")  # fmt: skip
    Target.objects.create(indicator=water, region=county, year=2025, value=95, op=">=", source="演示规划")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Target = new.get_model("indicators", "Target")
    rows = {
        (t.indicator.code, t.plan_version.plan.title if t.plan_version else None): t.value
        for t in Target.objects.select_related("indicator", "plan_version__plan")
    }
    assert rows == {("N01", "甲规划"): 8.0, ("N01", "乙规划"): 5.1, ("N15", None): 95.0}
    restored = Target.objects.get(plan_version__plan__title="甲规划")
    assert (restored.baseline_year, restored.baseline_value, restored.attribute) == (2020, 7.0, "约束性")
    assert restored.source == "甲规划（第1版）"
    # leave the database at the latest state for the tests that follow
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
