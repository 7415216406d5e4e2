"""Every confirmed target is tracked (issue 14, item 5): prose targets become targets like table rows.

The reader is replaced by a fixed result (it is tested on documents in tests/domain/extraction); these tests
pin down what confirming a version does with the prose targets a reviewer confirmed.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from xiangcun.indicators.models import Indicator, Target
from xiangcun.plans import services
from xiangcun.plans.models import PlanItem

pytestmark = pytest.mark.django_db

LINES = [
    "第一章 推进产业振兴",
    "到2025年，村庄绿化覆盖率达到30%以上。建设高标准农田2万亩。",
    "每年培训高素质农民250名。甲镇建设冷库1个。建设产地集配中心9个。",
    "到2025年农村卫生厕所普及率达到85%。",
]
PROSE = [
    {"subject": "村庄绿化覆盖率", "value": 30.0, "unit": "%", "op": ">=", "year": 2025, "scope": "全县",
     "per_year": False, "quote": "到2025年，村庄绿化覆盖率达到30%以上", "line": 2},
    {"subject": "高标准农田面积", "value": 2.0, "unit": "万亩", "op": "=", "year": None, "scope": None,
     "per_year": False, "quote": "建设高标准农田2万亩", "line": 2},
    {"subject": "培训高素质农民人数", "value": 250.0, "unit": "人", "op": "=", "year": None, "scope": None,
     "per_year": True, "quote": "每年培训高素质农民250名", "line": 3},
    {"subject": "冷库数量", "value": 1.0, "unit": "个", "op": "=", "year": None, "scope": "甲镇",
     "per_year": False, "quote": "甲镇建设冷库1个", "line": 3},
    {"subject": "产地集配中心数量", "value": 9.0, "unit": "个", "op": "=", "year": None, "scope": None,
     "per_year": False, "quote": "建设产地集配中心9个", "line": 3},
    {"subject": "农村卫生厕所普及率", "value": 85.0, "unit": "%", "op": "=", "year": 2025, "scope": None,
     "per_year": False, "quote": "到2025年农村卫生厕所普及率达到85%", "line": 4},
]  # fmt: skip


def _confirmed(users: Any, county: Any, data: bytes = b"doc") -> Any:
    version = services.import_plan(data, "plan.docx", users["county_admin"], county.county)
    version.items.update(status=PlanItem.Status.CONFIRMED)
    services.confirm_version(version, users["county_admin"])
    return version


def test_confirmed_prose_targets_become_tracked_targets(users, county, prose_reader):  # type: ignore[no-untyped-def]
    # a local indicator the county already has: the prose target reports against it, no second entry
    earlier = Indicator.objects.create(
        code="L-HUB",
        name="产地集配中心数量",
        unit="个",
        dimension="产业兴旺",
        kind="count",
        region=county.county,
    )
    version = _confirmed(users, county)
    prose = Target.objects.filter(plan_version=version, origin="prose")

    green = prose.get(indicator__code="N07")  # national indicator
    assert (green.region, green.year, green.value, green.op) == (county.county, 2025, 30.0, ">=")
    assert green.plan_item.effective["quote"] == "到2025年，村庄绿化覆盖率达到30%以上"

    farmland = prose.get(indicator__name="高标准农田面积")  # a new local indicator from subject and unit
    assert farmland.year == 2025  # no year stated: the plan's last year
    assert (farmland.indicator.unit, farmland.indicator.kind, farmland.indicator.region) == (
        "万亩", "quantity", county.county,
    )  # fmt: skip
    assert farmland.indicator.dimension == "产业兴旺"
    assert farmland.department == county.agriculture  # proposed from the subject

    training = prose.filter(indicator__name="培训高素质农民人数")  # 每年: one target per plan year
    assert sorted(training.values_list("year", flat=True)) == [2021, 2022, 2023, 2024, 2025]
    assert training.first().indicator.kind == "count"

    cold = prose.get(indicator__name="冷库数量")  # a township's target belongs to the township
    assert cold.region == county.town_a

    assert prose.get(indicator__name="产地集配中心数量").indicator == earlier
    assert Indicator.objects.filter(name="产地集配中心数量").count() == 1

    # the table sets 农村卫生厕所普及率 2025 already: the prose target is not a second one, and says so
    assert not prose.filter(indicator__code="N09").exists()
    toilet_item = version.items.get(kind="target", key__contains="农村卫生厕所普及率")
    assert "未另建目标" in toilet_item.note
    assert Target.objects.filter(plan_version=version, indicator__code="N09", origin="table").count() == 1

    # nothing is assessed without data
    client_rows = Target.objects.current().filter(origin="prose")
    assert client_rows.count() == prose.count() == 1 + 1 + 5 + 1 + 1


def test_a_target_for_every_township_is_set_for_each_township(users, county, prose_reader):  # type: ignore[no-untyped-def]
    from xiangcun.regions.models import Region

    every = {**PROSE[4], "scope": "每个乡镇", "year": 2025, "value": 1.0}  # 每个乡镇建设产地集配中心1个
    village = {**PROSE[3], "scope": "每个行政村", "year": 2025}  # per village: stays one county target
    prose_reader["result"]["targets"] = [every, village]
    version = _confirmed(users, county)
    townships = set(Region.objects.filter(parent=county.county))
    hubs = Target.objects.filter(plan_version=version, origin="prose", indicator__name="产地集配中心数量")
    assert {t.region for t in hubs} == townships and len(townships) >= 2
    assert {(t.year, t.value) for t in hubs} == {(2025, 1.0)}
    cold = Target.objects.get(plan_version=version, origin="prose", indicator__name="冷库数量")
    assert cold.region == county.county


def test_rejected_prose_targets_and_those_without_a_year_are_not_tracked(users, county, prose_reader):  # type: ignore[no-untyped-def]
    version = services.import_plan(b"doc", "plan.docx", users["county_admin"], county.county)
    version.plan.period_start = version.plan.period_end = None
    version.plan.save()
    version.items.update(status=PlanItem.Status.CONFIRMED)
    version.items.filter(kind="target", key__contains="村庄绿化覆盖率").update(
        status=PlanItem.Status.REJECTED
    )
    services.confirm_version(version, users["county_admin"])
    prose = Target.objects.filter(plan_version=version, origin="prose")
    assert not prose.filter(indicator__code="N07").exists()  # rejected
    assert not prose.filter(indicator__name="高标准农田面积").exists()  # no year and no plan period
    farmland = version.items.get(kind="target", key__contains="高标准农田")
    assert "目标年" in farmland.note


def test_reviewer_chooses_the_department_and_it_survives_a_new_version(
    client_for, users, county, prose_reader
):  # type: ignore[no-untyped-def]
    version = services.import_plan(b"doc", "plan.docx", users["county_admin"], county.county)
    item = version.items.get(kind="target", key__contains="高标准农田")
    assert item.departments == {"lead": [county.agriculture.pk]}  # the proposal
    client = client_for(users["county_admin"])
    page = client.get(reverse("plans:item", args=[item.pk]))
    assert "责任部门" in page.content.decode()
    form = {"subject": "高标准农田面积", "op": "=", "value": "2", "unit": "万亩", "year": "", "per_year": "0",
            "scope": "", "department": county.education.pk, "status": "confirmed"}  # fmt: skip
    assert client.post(reverse("plans:item", args=[item.pk]), form).status_code == 302
    item.refresh_from_db()
    assert item.departments == {"lead": [county.education.pk]} and item.corrections == {
        "_departments": {"lead": [county.education.pk]}
    }
    second = services.import_plan(
        b"doc-v2", "plan.docx", users["county_admin"], county.county, plan=version.plan
    )
    again = second.items.get(kind="target", key__contains="高标准农田")
    assert again.departments == {"lead": [county.education.pk]}
    second.items.update(status=PlanItem.Status.CONFIRMED)
    services.confirm_version(second, users["county_admin"])
    target = Target.objects.get(plan_version=second, indicator__name="高标准农田面积")
    assert target.department == county.education
    # version semantics kept: the first version's targets are not overwritten by the second's
    assert not Target.objects.filter(plan_version=version).exists()  # v1 was never confirmed
    assert Target.objects.current().filter(indicator__name="高标准农田面积").get() == target


def test_another_plan_setting_the_same_prose_target_asks_which_one_counts(users, county, prose_reader):  # type: ignore[no-untyped-def]
    first = _confirmed(users, county)
    second = services.import_plan(b"other", "other.docx", users["county_admin"], county.county)
    second.items.update(status=PlanItem.Status.CONFIRMED)
    found = services.conflicts(second)
    cold = [c for c in found if c.indicator.name == "冷库数量"]
    assert [(c.region, c.year) for c in cold] == [(county.town_a, 2025)]
    with pytest.raises(services.PlanImportError, match="重复"):
        services.confirm_version(second, users["county_admin"])
    choices = {c.key: "old" for c in found}
    services.confirm_version(second, users["county_admin"], choices)
    kept = Target.objects.current().get(indicator__name="冷库数量", region=county.town_a)
    assert kept.plan_version == first


def test_dashboard_shows_table_and_prose_targets_apart_or_together(client_for, users, county, prose_reader):  # type: ignore[no-untyped-def]
    _confirmed(users, county)
    client = client_for(users["county_admin"])
    url = reverse("indicators:dashboard")
    together = client.get(url).content.decode()
    assert "农村卫生厕所普及率" in together and "高标准农田面积" in together
    assert "原文：建设高标准农田2万亩" in together and "文中目标" in together
    prose = client.get(url, {"origin": "prose"}).content.decode()
    assert "高标准农田面积" in prose and ">农村卫生厕所普及率<" not in prose
    table = client.get(url, {"origin": "table"}).content.decode()
    assert ">农村卫生厕所普及率<" in table and "高标准农田面积" not in table
    assert "数据不足" in prose
    export = client.get(reverse("indicators:dashboard_export"), {"origin": "prose"})
    assert export.status_code == 200


def test_a_township_sees_its_own_prose_target_and_not_another_townships(
    client_for, users, county, prose_reader
):  # type: ignore[no-untyped-def]
    _confirmed(users, county)
    url = reverse("indicators:dashboard")
    own = client_for(users["township_a"]).get(url, {"origin": "prose"}).content.decode()
    assert "冷库数量" in own
    other = client_for(users["township_b"]).get(url, {"origin": "prose"}).content.decode()
    assert "冷库数量" not in other
    target = Target.objects.get(indicator__name="冷库数量")
    outsider = other_county_admin()
    assert client_for(outsider).get(reverse("indicators:target_edit", args=[target.pk])).status_code == 404


def other_county_admin() -> Any:
    """A county administrator of a neighbouring county (may edit plans, but not this county's)."""
    from xiangcun.accounts.models import Role, User
    from xiangcun.regions.models import Region

    other = Region(code="150000000000", name="邻县", level="county", parent=None, population=1000)
    other.save()
    user = User(username="neighbour", role=Role.COUNTY_ADMIN, region=other)
    user.set_password("pw-neighbour")
    user.save()
    return user


def test_a_year_the_plan_states_beats_the_plan_end_filled_in(users, county, prose_reader):  # type: ignore[no-untyped-def]
    # two figures for one subject, the second with the plan's end as its year: both land on 2025; the stated year counts
    LINES.append("粮食总产保持在3.2万吨以上，“十四五”期末保持在3.5万吨以上。")
    try:
        prose_reader["result"]["targets"] += [
            {"subject": "粮食总产", "value": 3.2, "unit": "万吨", "op": ">=", "year": None, "scope": None,
             "per_year": False, "quote": "粮食总产保持在3.2万吨以上", "line": len(LINES)},
            {"subject": "粮食总产", "value": 3.5, "unit": "万吨", "op": ">=", "year": 2025, "scope": None,
             "per_year": False, "quote": "“十四五”期末保持在3.5万吨以上", "line": len(LINES)},
        ]  # fmt: skip
        version = _confirmed(users, county)
    finally:
        LINES.pop()
    # 粮食总产 is how plans write the national 粮食综合生产能力 (N01)
    grain = Target.objects.get(plan_version=version, origin="prose", indicator__code="N01")
    assert (grain.year, grain.value) == (2025, 3.5)
    assert not Indicator.objects.filter(name="粮食总产").exists()  # no local twin of the national one
    assert "未另建目标" in version.items.get(kind="target", key__contains="3.2万吨").note


def test_the_readers_scope_kind_decides_and_a_corrected_scope_is_read_again(users, county, prose_reader):  # type: ignore[no-untyped-def]
    from xiangcun.regions.models import Region

    # the reader's kind decides, whatever the words ("各乡镇（街道）")
    every = {
        **PROSE[4],
        "scope": "各乡镇（街道）",
        "scope_kind": "every_township",
        "year": 2025,
        "value": 1.0,
    }
    # the reader read "每个乡镇"; the reviewer corrects it to one township: the corrected words count
    cold = {**PROSE[3], "scope": "每个乡镇", "scope_kind": "every_township", "year": 2025}
    prose_reader["result"]["targets"] = [every, cold]
    version = services.import_plan(b"doc", "plan.docx", users["county_admin"], county.county)
    item = version.items.get(kind="target", key__contains="冷库")
    services.correct(item, {"scope": county.town_a.name})
    assert services.target_kind(item) == "township"
    version.items.update(status=PlanItem.Status.CONFIRMED)
    services.confirm_version(version, users["county_admin"])
    hubs = Target.objects.filter(plan_version=version, indicator__name="产地集配中心数量")
    assert {t.region for t in hubs} == set(Region.objects.filter(parent=county.county))
    assert Target.objects.get(plan_version=version, indicator__name="冷库数量").region == county.town_a


def test_a_target_skipped_for_want_of_a_year_gets_one_after_confirmation(
    client_for, users, county, prose_reader
):  # type: ignore[no-untyped-def]
    version = services.import_plan(b"doc", "plan.docx", users["county_admin"], county.county)
    version.plan.period_start = version.plan.period_end = None
    version.plan.save()
    version.items.update(status=PlanItem.Status.CONFIRMED)
    services.confirm_version(version, users["county_admin"])
    farmland = version.items.get(kind="target", key__contains="高标准农田")
    assert not Target.objects.filter(plan_item=farmland).exists()  # no year, no plan period

    client = client_for(users["county_admin"])
    page = client.get(reverse("plans:item", args=[farmland.pk])).content.decode()
    assert "补填目标年" in page
    url = reverse("plans:item_year", args=[farmland.pk])
    # a township administrator of this county may not; another county's administrator gets 404
    assert client_for(users["township_a"]).post(url, {"year": "2024"}).status_code in (302, 403)
    assert not Target.objects.filter(plan_item=farmland).exists()
    assert client_for(other_county_admin()).post(url, {"year": "2024"}).status_code == 404
    # garbage is refused in Chinese, nothing written
    client = client_for(users["county_admin"])
    bad = client.post(url, {"year": "二〇二四"}, follow=True).content.decode()
    assert "整数" in bad and not Target.objects.filter(plan_item=farmland).exists()

    assert client.post(url, {"year": "2024"}).status_code == 302
    target = Target.objects.get(plan_item=farmland)
    assert (target.year, target.value, target.indicator.name) == (2024, 2.0, "高标准农田面积")
    farmland.refresh_from_db()
    assert farmland.corrections["year"] == 2024 and "补填" in farmland.note
    # once given, the year cannot be given again (the target exists), and a table row is never doubled
    again = client.post(url, {"year": "2025"}, follow=True).content.decode()
    assert "只有确认时因没有目标年" in again and Target.objects.filter(plan_item=farmland).count() == 1
    toilet = version.items.get(kind="target", key__contains="农村卫生厕所普及率")
    with pytest.raises(services.PlanImportError):
        services.give_year(toilet, 2025)
