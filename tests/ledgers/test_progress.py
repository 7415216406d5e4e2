"""Toilet progress against the plan's yearly numbers, and the coverage flowing into the target assessment."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.ledgers.conftest import toilet, toilet_book
from xiangcun.indicators.dashboard import rows as assessed
from xiangcun.indicators.models import Indicator, Observation, Target
from xiangcun.indicators.services import ensure_national
from xiangcun.ledgers import services
from xiangcun.ledgers.models import ToiletRecord

pytestmark = pytest.mark.django_db

ACCEPTED = {
    "镇验收日期": dt.date(2023, 5, 10),
    "镇验收人": "镇干部",
    "县验收日期": dt.date(2023, 6, 1),
    "县验收人": "县验收组",
}


def _plan_with_yearly_toilets(county):  # type: ignore[no-untyped-def]
    from xiangcun.plans.models import Plan, PlanItem, PlanVersion

    plan = Plan.objects.create(region=county.county, title="测试县乡村振兴规划")
    version = PlanVersion.objects.create(plan=plan, number=1, filename="p.txt", file="plans/p.txt", sha256="1" * 64,
                                         size=1, status="confirmed")  # fmt: skip
    quote = "2021-2025年计划改造农村户厕数量6500户"
    clauses = [
        (2025, 6500, quote),
        (2021, 2000, "2021年2000户"),
        (2022, 1300, "2022年1300户"),
        (2023, 1200, "2023年1200户"),
    ]
    for n, (year, value, text) in enumerate(clauses):
        PlanItem.objects.create(version=version, kind="target", position=n, key=f"k{n}", status="confirmed",
                                data={"subject": "改造农村户厕数量", "value": value, "unit": "户", "year": year,
                                      "quote": text})  # fmt: skip
    PlanItem.objects.create(version=version, kind="target", position=9, key="r", status="rejected",
                            data={"subject": "改造农村户厕数量", "value": 9, "unit": "户", "year": 2024, "quote": "2024年9户"})  # fmt: skip
    return plan


def _ledger(county, rows):  # type: ignore[no-untyped-def]
    report = services.import_toilets(toilet_book(rows), "t.xlsx", county.county)
    assert report.ok, report.errors


def test_progress_follows_the_confirmed_plans_yearly_numbers(county, households):  # type: ignore[no-untyped-def]
    _plan_with_yearly_toilets(county)
    _ledger(county, [toilet(改造年份=2021, 施工方验收日期=dt.date(2021, 5, 1), 村验收日期=dt.date(2021, 5, 2)),
                     toilet(户编号="B001", **ACCEPTED),
                     toilet(户编号="", 户主姓名="赵六", 所在村="甲二村", **ACCEPTED)])  # fmt: skip
    years, total, source = services.planned_years(county.county)
    assert [(p.year, p.planned) for p in years] == [(2021, 2000), (2022, 1300), (2023, 1200)]
    assert total == 6500 and "测试县乡村振兴规划" in source
    progress = services.toilet_progress(county.county, ToiletRecord.objects.all())
    assert [(p.year, p.planned, p.converted, p.accepted, p.behind) for p in progress] == [
        (2021, 2000, 1, 0, True), (2022, 1300, 0, 0, True), (2023, 1200, 2, 2, True)
    ]  # fmt: skip
    assert progress[-1].cumulative_planned == 4500 and progress[-1].cumulative_converted == 3


def test_without_a_plan_the_entered_numbers_count(county, households):  # type: ignore[no-untyped-def]
    settings = services.toilet_settings(county.county)
    settings.yearly_plan = {"2023": 1, "2024": 5}
    settings.save()
    _ledger(county, [toilet(), toilet(户编号="B001")])
    years, total, source = services.planned_years(county.county)
    assert (
        [(p.year, p.planned) for p in years] == [(2023, 1), (2024, 5)] and total == 6 and "手工填写" in source
    )
    progress = services.toilet_progress(county.county, ToiletRecord.objects.all())
    assert [(p.year, p.converted, p.behind) for p in progress] == [(2023, 2, False), (2024, 0, True)]
    grouped = services.by_village_and_year(ToiletRecord.objects.all())
    assert grouped == {county.village_a1.pk: {2023: (1, 0)}, county.village_b1.pk: {2023: (1, 0)}}


def test_coverage_flows_into_the_assessment(county, households, users):  # type: ignore[no-untyped-def]
    ensure_national()
    indicator = Indicator.objects.get(code="N09")
    target = Target.objects.create(indicator=indicator, region=county.county, year=2030, value=85, op=">=",
                                   baseline_year=2020, baseline_value=60, attribute="约束性")  # fmt: skip
    assert assessed(Target.objects.filter(pk=target.pk), as_of=2024)[0]["status"] == "数据不足"
    settings = services.toilet_settings(county.county)
    settings.baseline_sanitary, settings.rural_households = 6, 10
    settings.save()
    _ledger(county, [toilet(**ACCEPTED), toilet(户编号="B001", **ACCEPTED),
                     toilet(户编号="", 户主姓名="赵六", 所在村="甲二村", 使用状态="未使用", **ACCEPTED),
                     toilet(户编号="", 户主姓名="钱七", 所在村="甲二村")])  # fmt: skip
    figures = services.coverage(county.county, 2023)
    assert (figures["counted"], figures["value"]) == (2, 80.0)  # (6 + 2 accepted and in use) / 10
    assert services.coverage(county.county, 2022)["value"] == 60.0
    observation = services.publish_coverage(county.county, 2023, users["county_admin"])
    assert (observation.value, observation.status, observation.quarter) == (80.0, "approved", 0)
    assert "县级验收且正常使用 2 户" in observation.note
    row = assessed(Target.objects.filter(pk=target.pk), as_of=2024)[0]
    assert row["status"] != "数据不足" and row["latest"] == 80.0 and row["latest_year"] == 2023
    ToiletRecord.objects.filter(name="赵六").update(use_status="正常使用")
    assert services.publish_coverage(county.county, 2023, users["county_admin"]).value == 90.0
    assert Observation.objects.filter(indicator=indicator, region=county.county).count() == 1


def test_a_reported_value_is_not_overwritten(county, users):  # type: ignore[no-untyped-def]
    ensure_national()
    indicator = Indicator.objects.get(code="N09")
    Observation.objects.create(
        indicator=indicator, region=county.county, year=2024, value=77.0, status="approved"
    )
    settings = services.toilet_settings(county.county)
    settings.rural_households = 10
    settings.save()
    with pytest.raises(services.LedgerError, match="已由部门填报（77%，已审核）"):
        services.publish_coverage(county.county, 2024, users["county_admin"])
    assert Observation.objects.get(indicator=indicator, year=2024).value == 77.0


def test_coverage_needs_the_rural_households(county, users):  # type: ignore[no-untyped-def]
    assert services.rural_households(county.county) == 0  # the test villages have no 户数
    with pytest.raises(services.LedgerError, match="不知道农村户数"):
        services.publish_coverage(county.county, 2024, users["county_admin"])
