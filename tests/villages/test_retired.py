"""One rule for merged villages: a village whose `retired_on` is set no longer counts anywhere.

乙一村 is retired here by its date alone, without a merge record of this system (as after a merge applied
before the villages app, or by another tool), so a place that still asked `merged_away()` would count it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from xiangcun.ledgers import services as ledgers
from xiangcun.ledgers.models import ToiletRecord
from xiangcun.regions.models import Region
from xiangcun.villages import services
from xiangcun.villages.models import LayoutRule, VillageMerge

RETIRED = dt.date(2022, 3, 1)


def _retire(county) -> Region:  # type: ignore[no-untyped-def]
    Region.objects.filter(depth=5).update(households=100)
    Region.objects.filter(pk=county.village_b1.pk).update(retired_on=RETIRED)
    return Region.objects.get(pk=county.village_b1.pk)


def test_the_list_its_summary_and_the_home_block_leave_a_retired_village_out(
    client_for, users, county, plan
) -> None:  # type: ignore[no-untyped-def]
    retired = _retire(county)
    client = client_for(users["county_admin"])
    page = client.get("/villages/")
    assert f"/villages/{retired.code}/" not in page.content.decode()
    summary = {s["name"]: s for s in page.context["summary"]}
    assert summary["先行示范村"]["villages"] == 1  # 甲一村 only; 乙一村 was listed too
    assert summary["中心村"]["villages"] == 1
    assert page.context["total"] == 2
    # shown on request, marked, still counted in no group
    with_merged = client.get("/villages/", {"merged": "1"})
    assert f"已于 {RETIRED} 并入其他村" in with_merged.content.decode()
    assert {s["name"]: s["villages"] for s in with_merged.context["summary"]}["先行示范村"] == 1
    cards = {c["name"]: c["villages"] for c in services.class_cards(Region.objects.filter(depth=5))}
    assert cards["先行示范村"] == 1 and cards["中心村"] == 1 and cards[""] == 0
    home = client.get("/").content.decode()
    assert '<div class="figure">2</div><div class="label">行政村' in home
    profile = client.get(f"/villages/{retired.code}/").content.decode()
    assert "已于 2022-03-01 撤并" in profile


def test_layout_checks_and_a_merge_treat_it_as_merged(client_for, users, county, plan) -> None:  # type: ignore[no-untyped-def]
    retired = _retire(county)
    services.ensure_rules(county.county)
    villages = services.layout_villages(county.county, Region.objects.within(county.county).filter(depth=5))
    results: dict[str, list] = {}  # type: ignore[type-arg]
    for rule, findings, _ in services.run_rules(LayoutRule.objects.filter(county=county.county), villages):
        results.setdefault(rule.kind, []).extend(findings)
    assert "乙一村" not in {f.village for f in results["population"]}
    central = {f.village: f for f in results["central"]}
    assert "乙一" not in central and "乙一村" not in central  # not a 中心村 serving anyone any more
    assert ("乙一村", "已撤并仍在名单") in {(f.village, f.verdict) for f in results["exclusive"]}
    merge = VillageMerge.objects.get()
    with pytest.raises(services.MergeError, match="已于 2022-03-01 并入其他村"):
        services.apply_merge(merge, users["county_admin"], county.village_a2, [retired], RETIRED)


def test_toilet_figures_by_village_and_coverage_leave_it_out(county) -> None:  # type: ignore[no-untyped-def]
    retired = _retire(county)
    ToiletRecord.objects.create(
        county=county.county, village=county.village_a1, name="王大", key="k1", year=2023, model="三格式"
    )
    records = ToiletRecord.objects.all()
    _, rows = ledgers.village_table(records, Region.objects.filter(depth=5).within(county.county))
    assert [r["name"] for r in rows] == ["甲一村", "甲二村"]
    assert retired.households == 100 and ledgers.rural_households(county.county) == 200


def test_a_registry_row_cannot_put_a_household_back_into_a_retired_village(county) -> None:  # type: ignore[no-untyped-def]
    """An older registry export still names the merged-away village: refused, nothing written."""
    from tests.domain.households.factory import finance, household, id_number, member, workbook
    from xiangcun.households.models import Household
    from xiangcun.households.services import import_households

    retired = _retire(county)
    data = workbook(
        [household("B001", village=retired.code)],
        [member("B001", id_number("19700101", 2))],
        [finance("B001", 2025)],
    )
    result = import_households(data, "r.xlsx")
    assert not result.ok and not Household.objects.exists()
    assert any(
        f"「{retired.code}」不是系统中的行政村或社区代码（已撤并的村请填合并后的村）" in str(e)
        for e in result.errors
    )
