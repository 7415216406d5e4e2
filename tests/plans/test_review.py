"""Plan review in the system: items pending review, corrections that survive a re-import, confirmation.

The extractor is tested on real documents in tests/domain/extraction; here it is replaced by a fixed
result so these tests pin down what the review layer does with whatever the extractor reads.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.urls import reverse

from xiangcun.indicators.models import Target
from xiangcun.plans import services
from xiangcun.plans.models import Plan, PlanItem, PlanVersion

pytestmark = pytest.mark.django_db

EXTRACTION: dict[str, Any] = {
    "source": "plan.docx",
    "title": "测试县乡村振兴规划（2021—2025年）",
    "region": "测试县",
    "period": [2021, 2025],
    "outline": [{"level": 1, "label": "第一章", "title": "总体要求", "line": 1}],
    "indicators": [
        {"table": "主要指标", "category": "生态宜居", "seq": 1, "name": "农村卫生厕所普及率", "unit": "%",
         "national": True, "attribute": "预期性",
         "values": [{"year": 2020, "kind": "baseline", "raw": "70", "value": 70.0, "op": "="},
                    {"year": 2025, "kind": "target", "raw": ">85", "value": 85.0, "op": ">"}]},
        {"table": "主要指标", "category": "生活富裕", "seq": 2, "name": "脱贫人口人均纯收入增速", "unit": "%",
         "national": False, "attribute": "约束性",
         "values": [{"year": 2025, "kind": "target", "raw": "10", "value": 10.0, "op": ">="}]},
    ],
    "targets": [{"subject": "村庄绿化覆盖率", "value": 30.0, "unit": "%", "op": ">=", "year": 2025, "scope": "全县",
                 "quote": "到2025年，村庄绿化覆盖率达到30%以上"}],
    "projects": [],
    "tasks": [{"number": "（一）", "title": "推进户厕改造", "lead": ["农业局"], "cooperating": ["教科局", "各镇"]}],
    "places": [{"township": "甲镇", "village": "甲一村", "kind": "village", "natural_villages": [], "population": 1500},
               {"township": "甲镇", "village": "无名村", "kind": "village", "natural_villages": [], "population": 10}],
    "place_lists": [],
    "warnings": ["第9行：表格行无法解析"],
}  # fmt: skip


@pytest.fixture
def fake_reader(monkeypatch):  # type: ignore[no-untyped-def]
    state = {"result": copy.deepcopy(EXTRACTION)}

    def read_plan(data: bytes, filename: str) -> tuple[dict[str, Any], list[str]]:
        if data == b"broken":
            raise services.PlanImportError("文件已损坏，无法读取")
        return copy.deepcopy(state["result"]), ["第一章 总体要求", "到2025年，村庄绿化覆盖率达到30%以上。"]

    monkeypatch.setattr(services, "read_plan", read_plan)
    return state


def test_import_creates_pending_items_matched_to_catalog_departments_and_places(users, county, fake_reader):  # type: ignore[no-untyped-def]
    version = services.import_plan(b"doc", "plan.docx", users["county_admin"], county.county)
    assert version.plan.title.startswith("测试县乡村振兴规划")
    assert (version.plan.period_start, version.plan.period_end) == (2021, 2025)
    items = {(i.kind, i.label): i for i in version.items.all()}
    assert all(i.status == "pending" for i in items.values())
    assert items[("indicator", "农村卫生厕所普及率")].indicator.code == "N09"
    assert items[("indicator", "脱贫人口人均纯收入增速")].indicator is None
    assert items[("target", "村庄绿化覆盖率")].indicator.code == "N07"
    task = items[("task", "推进户厕改造")]
    assert task.departments == {"lead": [county.agriculture.pk], "cooperating": [county.education.pk]}
    assert "各镇" in task.note
    assert items[("place", "甲一村")].region == county.village_a1
    assert items[("place", "无名村")].region is None


def test_corrections_survive_a_reimport_and_changed_text_goes_back_to_review(users, county, fake_reader):  # type: ignore[no-untyped-def]
    first = services.import_plan(b"doc", "plan.docx", users["county_admin"], county.county)
    toilet = first.items.get(kind="indicator", key__contains="农村卫生厕所普及率")
    services.correct(toilet, {"unit": "％（户）"})
    toilet.status = "confirmed"
    toilet.save()
    income = first.items.get(kind="indicator", key__contains="脱贫人口")
    services.correct(income, {"attribute": "预期性"})
    income.status = "confirmed"
    income.save()
    first.items.filter(kind="target").update(status="confirmed")

    changed = fake_reader["result"]
    changed["indicators"][1]["attribute"] = "预期性（调整）"  # the document itself changed what was corrected
    changed["targets"][0]["quote"] = "到2025年，村庄绿化覆盖率达到32%以上"
    second = services.import_plan(
        b"doc2", "plan-v2.docx", users["county_admin"], county.county, plan=first.plan
    )
    assert second.number == 2
    toilet2 = second.items.get(kind="indicator", key__contains="农村卫生厕所普及率")
    assert toilet2.corrections == {"unit": "％（户）"} and toilet2.status == "confirmed"
    income2 = second.items.get(kind="indicator", key__contains="脱贫人口")
    assert income2.corrections == {"attribute": "预期性"}
    assert income2.status == "pending" and "原文已变化" in income2.note
    new_target = second.items.get(kind="target")
    assert new_target.status == "pending" and "新版本新增" in new_target.note


def test_confirming_a_version_makes_targets(users, county, fake_reader):  # type: ignore[no-untyped-def]
    version = services.import_plan(b"doc", "plan.docx", users["county_admin"], county.county)
    with pytest.raises(services.PlanImportError, match="待审核"):
        services.confirm_version(version, users["county_admin"])
    version.items.update(status=PlanItem.Status.CONFIRMED)
    # two table rows (one target year each) and the prose target 村庄绿化覆盖率 (issue 14, item 5)
    assert services.confirm_version(version, users["county_admin"]) == 3
    green = Target.objects.get(indicator__code="N07")
    assert (green.origin, green.year, green.value, green.op) == ("prose", 2025, 30.0, ">=")
    toilet = Target.objects.get(indicator__code="N09")
    assert (toilet.year, toilet.value, toilet.op, toilet.baseline_year, toilet.baseline_value) == (
        2025,
        85.0,
        ">",
        2020,
        70.0,
    )
    assert toilet.department == county.agriculture
    local = Target.objects.get(indicator__name="脱贫人口人均纯收入增速")
    assert local.attribute == "约束性" and local.indicator.region == county.county


def test_upload_page_review_and_item_pages(client_for, users, county, fake_reader):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(users["county_admin"])
    broken = client.post(
        reverse("plans:upload"), {"file": SimpleUploadedFile("p.docx", b"broken"), "region": county.county.pk}
    )
    assert "文件已损坏，无法读取" in broken.content.decode()
    assert not Plan.objects.exists()
    response = client.post(
        reverse("plans:upload"),
        {"file": SimpleUploadedFile("p.docx", b"doc"), "region": county.county.pk},
        follow=True,
    )
    page = response.content.decode()
    assert "农村卫生厕所普及率" in page and "到2025年，村庄绿化覆盖率达到30%以上" in page
    assert "表格行无法解析" in page
    targets_page = client.get(
        reverse("plans:version", args=[PlanVersion.objects.get().plan_id, 1]), {"kind": "target"}
    )
    assert 'href="#L2"' in targets_page.content.decode()  # the quote is on the second source line
    version = PlanVersion.objects.get()
    task = version.items.get(kind="task")
    page = client.get(reverse("plans:version", args=[version.plan_id, 1]), {"kind": "task"}).content.decode()
    assert "识别为：牵头 农业农村局；配合 教育局" in page
    client.post(reverse("plans:item", args=[task.pk]), {"number": "（一）", "title": "推进农村户厕改造",
                                                       "lead": [county.education.pk], "cooperating": [county.agriculture.pk],
                                                       "status": "confirmed"})  # fmt: skip
    task.refresh_from_db()
    swapped = {"lead": [county.education.pk], "cooperating": [county.agriculture.pk]}
    assert task.corrections == {"title": "推进农村户厕改造", "_departments": swapped}
    assert task.departments == swapped
    assert task.status == "confirmed"


def test_plans_of_another_county_are_404_and_township_staff_read_only(client_for, users, county, fake_reader):  # type: ignore[no-untyped-def]
    from xiangcun.regions.models import Region

    other = Region(code="150000000000", name="别县", level="county")
    other.save()
    foreign = services.import_plan(b"doc", "plan.docx", None, other)
    own = services.import_plan(b"doc", "plan.docx", None, county.county)
    township = client_for(users["township_a"])
    assert township.get(reverse("plans:version", args=[foreign.plan_id, 1])).status_code == 404
    assert township.get(reverse("plans:version", args=[own.plan_id, 1])).status_code == 200
    item = own.items.first()
    assert (
        township.post(reverse("plans:item_status", args=[item.pk]), {"status": "rejected"}).status_code == 403
    )
    foreign_item = foreign.items.first()
    county_admin = client_for(users["county_admin"])
    assert county_admin.get(reverse("plans:item", args=[foreign_item.pk])).status_code == 404
    assert county_admin.post(reverse("plans:confirm", args=[foreign.plan_id, 1])).status_code == 404


def test_confirmed_items_are_listed_on_their_own(client_for, users, county, fake_reader):  # type: ignore[no-untyped-def]
    version = services.import_plan(b"doc", "plan.docx", users["county_admin"], county.county)
    version.items.filter(kind="indicator", key__contains="农村卫生厕所普及率").update(status="confirmed")
    client = client_for(users["leader"])
    url = reverse("plans:version", args=[version.plan_id, 1])
    page = client.get(url, {"kind": "indicator", "status": "confirmed"}).content.decode()
    assert "农村卫生厕所普及率" in page and "脱贫人口人均纯收入增速" not in page


def test_two_targets_in_one_clause_keep_their_own_identity() -> None:
    from xiangcun.plans.models import PlanItem
    from xiangcun.plans.services import item_key

    quote = "农村自来水普及率和规模化供水工程覆盖农村人口比例分别达到95%和80%"
    water = {"quote": quote, "subject": "农村自来水普及率", "unit": "%", "value": 95}
    scale = {"quote": quote, "subject": "规模化供水工程覆盖农村人口比例", "unit": "%", "value": 80}
    assert item_key(PlanItem.Kind.TARGET, water) != item_key(PlanItem.Kind.TARGET, scale)
    # A changed figure is the same item (reported as changed), not a new one.
    assert item_key(PlanItem.Kind.TARGET, water) == item_key(PlanItem.Kind.TARGET, {**water, "value": 96})
