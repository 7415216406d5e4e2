"""The 更正 page edits every extracted field with a proper input (issue 16, item 5), and the version page
says in words why 确认本版本 is disabled."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from xiangcun.indicators.models import Target
from xiangcun.plans import services
from xiangcun.plans.models import PlanItem

from .test_review import fake_reader  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(users, county, fake_reader):  # type: ignore[no-untyped-def]  # noqa: F811
    return services.import_plan(b"doc", "plan.docx", users["county_admin"], county.county)


def _select_options(page: str, name: str) -> list[str]:
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert match, f"no select named {name}"
    return [html.unescape(t) for t in re.findall(r">([^<]*)</option>", match.group(1))]


def test_indicator_form_has_typed_inputs_and_no_raw_json(client_for, users, county, version):  # type: ignore[no-untyped-def]
    toilet = version.items.get(kind="indicator", key__contains="农村卫生厕所普及率")
    page = client_for(users["county_admin"]).get(reverse("plans:item", args=[toilet.pk])).content.decode()
    assert "True" not in page and "False" not in page
    assert "&quot;values&quot;" not in page and "{&quot;" not in page and '{"' not in page  # no JSON anywhere
    assert _select_options(page, "national") == ["是", "否"]
    assert _select_options(page, "attribute") == ["（未注明）", "约束性", "预期性"]
    assert {"农业农村局", "教育局"} <= set(_select_options(page, "department"))
    # baseline 2020 = 70 and target 2025 > 85, each a row of year / relation / number inputs
    assert re.search(r'<input type="number" name="v0_year" value="2020"', page)
    assert re.search(r'<input type="number" name="v0_value" value="70.0"[^>]*step="any"', page)
    assert re.search(r'<input type="number" name="v1_value" value="85.0"', page)
    assert _select_options(page, "v1_op")[:5] == ["≥", "≤", "=", ">", "<"]
    assert re.search(r'<option value="&gt;" selected>', page)
    assert "基期值" in page and "目标值" in page


def test_corrected_baseline_target_and_department_make_the_target(client_for, users, county, version):  # type: ignore[no-untyped-def]
    toilet = version.items.get(kind="indicator", key__contains="农村卫生厕所普及率")
    client = client_for(users["county_admin"])
    form = {"category": "生态宜居", "seq": "1", "name": "农村卫生厕所普及率", "unit": "%", "attribute": "约束性",
            "national": "1", "department": county.education.pk, "indicator": "N09", "status": "confirmed",
            "v0_kind": "baseline", "v0_year": "2020", "v0_op": "=", "v0_value": "72",
            "v1_kind": "target", "v1_year": "2025", "v1_op": ">=", "v1_value": "90",
            "v2_kind": "target", "v2_year": "2023", "v2_op": ">=", "v2_value": "80"}  # fmt: skip
    response = client.post(reverse("plans:item", args=[toilet.pk]), form)
    assert response.status_code == 302
    toilet.refresh_from_db()
    assert toilet.status == "confirmed"
    assert toilet.corrections["attribute"] == "约束性"
    assert toilet.corrections["department"] == county.education.pk
    assert [(v["year"], v["op"], v["value"]) for v in toilet.corrections["values"]] == [
        (2020, "=", 72.0),
        (2025, ">=", 90.0),
        (2023, ">=", 80.0),
    ]
    version.items.exclude(pk=toilet.pk).update(status=PlanItem.Status.CONFIRMED)
    services.confirm_version(version, users["county_admin"])
    made = {t.year: t for t in Target.objects.filter(indicator__code="N09")}
    assert (made[2025].value, made[2025].op, made[2025].baseline_value) == (90.0, ">=", 72.0)
    assert made[2025].attribute == "约束性" and made[2025].department == county.education
    assert made[2023].value == 80.0


def test_a_value_row_without_a_year_is_refused_and_nothing_saved(client_for, users, county, version):  # type: ignore[no-untyped-def]
    toilet = version.items.get(kind="indicator", key__contains="农村卫生厕所普及率")
    form = {"name": "农村卫生厕所普及率", "national": "1", "status": "pending",
            "v0_kind": "baseline", "v0_year": "", "v0_op": "=", "v0_value": "72",
            "v1_kind": "target", "v1_year": "2025", "v1_op": ">", "v1_value": "85"}  # fmt: skip
    page = (
        client_for(users["county_admin"]).post(reverse("plans:item", args=[toilet.pk]), form).content.decode()
    )
    assert "请填写年份" in page
    toilet.refresh_from_db()
    assert toilet.corrections == {}


def test_prose_target_form_has_number_year_and_relation(client_for, users, county, version):  # type: ignore[no-untyped-def]
    green = version.items.get(kind="target")
    client = client_for(users["county_admin"])
    page = client.get(reverse("plans:item", args=[green.pk])).content.decode()
    assert re.search(r'<input type="number" name="value" value="30.0"', page)
    assert re.search(r'<input type="number" name="year" value="2025"', page)
    assert _select_options(page, "op") == ["≥", "≤", "=", ">", "<"]
    assert "到2025年，村庄绿化覆盖率达到30%以上" in page  # the source text, not JSON
    client.post(reverse("plans:item", args=[green.pk]), {"subject": "村庄绿化覆盖率", "op": ">=", "value": "32",
                                                        "unit": "%", "year": "2025", "scope": "全县", "status": "pending"})  # fmt: skip
    green.refresh_from_db()
    assert green.corrections == {"value": 32.0}


def test_confirm_button_says_why_it_is_disabled(client_for, users, county, version):  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    url = reverse("plans:version", args=[version.plan_id, 1])
    page = client.get(url).content.decode()
    total = version.items.count()
    assert re.search(r"<button class=\"button\" disabled[^>]*>确认本版本</button>", page)
    assert f"暂不能确认：还有 {total} 条待审核" in page  # in the page, not only in a title attribute
    version.items.update(status=PlanItem.Status.CONFIRMED)
    page = client.get(url).content.decode()
    assert "暂不能确认" not in page and re.search(r'<button class="button" >确认本版本</button>', page)


def test_version_page_warns_when_no_indicator_was_read(client_for, users, county, fake_reader):  # type: ignore[no-untyped-def]  # noqa: F811
    fake_reader["result"]["indicators"] = []
    fake_reader["result"]["warnings"] = ["未识别到主要指标表：第6行「表1 主要指标」之后是段落而不是表格"]
    version = services.import_plan(b"doc", "plan.docx", users["county_admin"], county.county)
    page = (
        client_for(users["leader"]).get(reverse("plans:version", args=[version.plan_id, 1])).content.decode()
    )
    assert re.search(r'<div class="notice" role="alert">未识别到主要指标表', page)


def test_correction_page_of_another_county_is_404(client_for, users, county, fake_reader):  # type: ignore[no-untyped-def]  # noqa: F811
    from xiangcun.regions.models import Region

    other = Region(code="150000000000", name="别县", level="county")
    other.save()
    foreign = services.import_plan(b"doc", "plan.docx", None, other)
    item = foreign.items.get(kind="indicator", key__contains="农村卫生厕所普及率")
    client = client_for(users["county_admin"])
    assert client.get(reverse("plans:item", args=[item.pk])).status_code == 404
    assert client.post(reverse("plans:item", args=[item.pk]), {"name": "x"}).status_code == 404
    assert client.get(reverse("plans:version", args=[foreign.plan_id, 1])).status_code == 404


def test_saving_the_form_unchanged_records_no_correction_for_any_kind(client_for, users, county, fake_reader):  # type: ignore[no-untyped-def]  # noqa: F811
    from xiangcun.plans.forms import CorrectionForm

    fake_reader["result"]["projects"] = [
        {"box": "专栏1 农村公路提升工程", "name": "新建通村硬化路", "length_km": 35.5, "investment_wan_yuan": 12000.0,
         "quote": "新建通村硬化路35.5公里"}
    ]  # fmt: skip
    fake_reader["result"]["place_lists"] = [
        {"list": "中心村", "township": "甲镇", "villages": ["甲一村", "甲二村"]}
    ]
    version = services.import_plan(b"doc", "plan.docx", users["county_admin"], county.county)
    client = client_for(users["county_admin"])
    kinds = set()
    for item in version.items.all():
        page = client.get(reverse("plans:item", args=[item.pk])).content.decode()
        assert "True" not in page and "None" not in page and "{&quot;" not in page
        form = CorrectionForm(item=item)
        data: dict[str, object] = {"status": item.status}
        for name in form.fields:
            value = form[name].value()
            data[name] = (
                [] if value is None and name in ("lead", "cooperating") else ("" if value is None else value)
            )
        if item.indicator:
            data["indicator"] = item.indicator.code
        assert client.post(reverse("plans:item", args=[item.pk]), data).status_code == 302
        item.refresh_from_db()
        assert item.corrections == {}, (item.kind, item.corrections)
        kinds.add(item.kind)
    assert kinds == {"indicator", "target", "project", "task", "place", "place_list"}
