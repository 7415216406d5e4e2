"""A plan's merge: proposed on confirmation, applied after review as a dated change that keeps the old village."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry

from xiangcun.households.models import Household
from xiangcun.regions.models import Region
from xiangcun.villages.models import VillageMerge
from xiangcun.villages.services import MergeError, apply_merge, merged_away, reject_merge

DAY = dt.date(2021, 6, 1)


def household(code: str, village: Region) -> Household:
    return Household.objects.create(
        code=code, village=village, head_name="张三", household_type="一般农户", housing_grade="A"
    )


def test_confirmed_plan_proposes_its_merge_matched_to_the_tree(county, plan) -> None:  # type: ignore[no-untyped-def]
    merge = VillageMerge.objects.get()
    assert merge.status == VillageMerge.Status.PROPOSED
    assert merge.region == county.town_a and merge.line == 9 and merge.year == 2021
    assert set(merge.sources.all()) == {county.village_a1, county.village_a2}
    assert merge.target == county.village_a2
    plan.save()  # saving the version again proposes nothing new
    assert VillageMerge.objects.count() == 1


def test_apply_keeps_history_and_moves_households_natural_villages_and_accounts(county, users, plan) -> None:  # type: ignore[no-untyped-def]
    merge = VillageMerge.objects.get()
    moving = household("H1", county.village_a1)
    staying = household("H2", county.village_a2)
    moved = apply_merge(
        merge, users["county_admin"], county.village_a2, [county.village_a1, county.village_a2], DAY
    )
    assert moved == {"自然村": 1, "农户": 1, "用户": 1}

    old = Region.objects.get(pk=county.village_a1.pk)  # still in the tree, with its code and name
    assert (old.name, old.parent_id, old.population) == ("甲一村", county.town_a.pk, None)
    new = Region.objects.get(pk=county.village_a2.pk)
    assert new.population == 1500 + 1700
    natural = Region.objects.get(pk=county.natural_a1.pk)
    assert natural.parent_id == new.pk and natural.path.startswith(new.path)
    assert Household.objects.get(pk=moving.pk).village_id == new.pk
    assert Household.objects.get(pk=staying.pk).village_id == new.pk
    users["village_a1"].refresh_from_db()
    assert users["village_a1"].region_id == new.pk

    merge.refresh_from_db()
    assert merge.status == VillageMerge.Status.APPLIED and merge.effective_on == DAY
    assert merge.before["140000001201"]["population"] == 1500
    assert merge.before["140000001201"]["natural_villages"] == ["140000001401"]
    assert merged_away(county.county) == {old.pk: merge}
    # every change is in the audit log: the household moved, both villages' figures, the merge itself
    assert (
        LogEntry.objects.get_for_object(moving).filter(changes__village=[str(old.pk), str(new.pk)]).exists()
    )
    assert LogEntry.objects.get_for_object(old).filter(changes__has_key="population").exists()
    assert LogEntry.objects.get_for_object(merge).exists()


def test_a_village_merged_away_no_longer_counts_on_the_home_page_and_the_tree(
    county, users, plan, client_for
) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    client = client_for(users["county_admin"])
    home = client.get(reverse("home")).content.decode()
    assert '<div class="figure">3</div><div class="label">行政村' in home
    merge = VillageMerge.objects.get()
    apply_merge(merge, users["county_admin"], county.village_a2, [county.village_a1, county.village_a2], DAY)
    assert Region.objects.get(pk=county.village_a1.pk).retired_on == DAY
    home = client.get(reverse("home")).content.decode()
    assert '<div class="figure">2</div><div class="label">行政村' in home  # 甲一村 is part of 甲二村 now
    town = client.get(reverse("regions:detail", args=[county.town_a.code])).content.decode()
    assert "已撤并" in town  # still listed, for its history
    county_page = client.get(reverse("regions:detail", args=[county.county.code])).content.decode()
    assert '<div class="figure">2</div><div class="label">行政村' in county_page


def test_explicit_figures_and_nothing_changes_on_a_refused_merge(county, users, plan) -> None:  # type: ignore[no-untyped-def]
    merge = VillageMerge.objects.get()
    h = household("H1", county.village_a1)
    with pytest.raises(MergeError, match="不在同一乡镇"):
        apply_merge(merge, users["county_admin"], county.village_a2, [county.village_b1], DAY)
    with pytest.raises(MergeError, match="至少选择一个"):
        apply_merge(merge, users["county_admin"], county.village_a2, [county.village_a2], DAY)
    assert Household.objects.get(pk=h.pk).village_id == county.village_a1.pk
    assert VillageMerge.objects.get().status == VillageMerge.Status.PROPOSED
    apply_merge(
        merge,
        users["county_admin"],
        county.village_a2,
        [county.village_a1],
        DAY,
        population=3000,
        households=900,
    )
    assert Region.objects.get(pk=county.village_a2.pk).population == 3000
    with pytest.raises(MergeError, match="已应用"):
        apply_merge(merge, users["county_admin"], county.village_a2, [county.village_a1], DAY)


def test_reject_needs_a_reason(county, users, plan) -> None:  # type: ignore[no-untyped-def]
    merge = VillageMerge.objects.get()
    with pytest.raises(MergeError, match="原因"):
        reject_merge(merge, users["county_admin"], " ")
    reject_merge(merge, users["county_admin"], "区划已按此调整")
    assert VillageMerge.objects.get().status == VillageMerge.Status.REJECTED


def test_what_follows_the_new_village_and_what_stays() -> None:
    from xiangcun.villages.services import _pointers

    follows = {f"{m._meta.label_lower}.{field}" for m, field in _pointers(Region())}
    assert {
        "households.household.village",
        "projects.project.region",
        "assets.asset.region",
        "accounts.user.region",
        "ledgers.toiletrecord.village",  # the ledgers follow without knowing about merges
        "ledgers.ledgerrow.region",
    } <= follows
    assert not follows & {
        "plans.planitem.region",
        "indicators.observation.region",
        "indicators.target.region",
        "assets.publicity.region",  # a notice published for the old village stays as published
    }
