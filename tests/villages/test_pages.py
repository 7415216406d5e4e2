"""Village pages: list with classes and filters, profile, export, merges, layout checks; scopes give 404."""

from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from openpyxl import load_workbook

from xiangcun.households.models import Household
from xiangcun.villages.models import LayoutRule, VillageMerge


def test_list_shows_classes_and_filters_by_class(client_for, users, county, plan) -> None:  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    page = client.get("/villages/").content.decode()
    assert "先行示范村" in page and "甲一村" in page and "乙一村" in page
    assert "按类别汇总" in page and "（不在任何名单）" in page
    assert "丙村" in page  # the listed village the tree does not have is named
    filtered = client.get("/villages/", {"klass": "中心村"}).content.decode()
    assert "甲二村" in filtered and ">甲一村<" not in filtered


def test_export_has_classes_with_sources_and_is_audited(client_for, users, county, plan) -> None:  # type: ignore[no-untyped-def]
    response = client_for(users["county_admin"]).get("/villages/export/", {"klass": "先行示范村"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("乡镇", "村（社区）", "代码")
    assert [r[1] for r in rows[1:]] == ["甲一村", "乙一村"]
    assert "第5行" in rows[1][7]
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=users["county_admin"]).exists()


def test_township_sees_only_its_villages_and_gets_404_elsewhere(client_for, users, county, plan) -> None:  # type: ignore[no-untyped-def]
    client = client_for(users["township_b"])
    page = client.get("/villages/").content.decode()
    assert "乙一村" in page and "甲一村" not in page
    assert client.get(f"/villages/{county.village_a1.code}/").status_code == 404
    assert client.get(f"/villages/{county.village_b1.code}/").status_code == 200
    merge = VillageMerge.objects.get()
    assert client.get(f"/villages/merges/{merge.pk}/").status_code == 404
    assert "甲一村" not in client.get("/villages/merges/").content.decode()
    assert "甲一村" not in client.get("/villages/layout/").content.decode()
    rows = load_workbook(io.BytesIO(client.get("/villages/layout/export/").content)).active.iter_rows(
        values_only=True
    )
    assert all("甲" not in str(r[2]) for r in rows)


def test_profile_shows_classes_with_plan_line_and_household_counts_only_for_leaders(
    client_for, users, county, plan
) -> None:  # type: ignore[no-untyped-def]
    Household.objects.create(
        code="H1", village=county.village_a1, head_name="张三", household_type="一般农户", housing_grade="A"
    )
    leader = client_for(users["leader"]).get(f"/villages/{county.village_a1.code}/").content.decode()
    assert "重点帮扶村" in leader and "第7行" in leader and f"/plans/{plan.plan_id}/v1/#L7" in leader
    assert "登记农户 1 户" in leader and "只能看到户数" in leader and "张三" not in leader
    assert "甲一村一组" in leader  # natural villages
    assert "台账" in leader  # the place the ledgers will fill
    village = client_for(users["village_a1"]).get(f"/villages/{county.village_a1.code}/").content.decode()
    assert "查看本村农户" in village


def test_merge_review_and_apply_by_county_admin_only(client_for, users, county, plan) -> None:  # type: ignore[no-untyped-def]
    merge = VillageMerge.objects.get()
    form = {
        "target": county.village_a2.pk,
        "sources": [county.village_a1.pk, county.village_a2.pk],
        "effective_on": "2021-06-01",
    }
    assert client_for(users["township_a"]).post(f"/villages/merges/{merge.pk}/", form).status_code == 403
    client = client_for(users["county_admin"])
    page = client.get(f"/villages/merges/{merge.pk}/").content.decode()
    assert "应用到区划" in page and "甲镇\t甲一村" in page  # the plan's line shown beside the form
    response = client.post(f"/villages/merges/{merge.pk}/", form)
    assert response.status_code == 302
    assert VillageMerge.objects.get().status == VillageMerge.Status.APPLIED
    profile = client.get(f"/villages/{county.village_a1.code}/").content.decode()
    assert "并入" in profile and "甲二村" in profile
    listed = client.get("/villages/").content.decode()
    assert f'href="/villages/{county.village_a1.code}/"' not in listed  # merged villages only on request
    assert (
        f'href="/villages/{county.village_a1.code}/"'
        in client.get("/villages/", {"merged": "1"}).content.decode()
    )
    again = client.post(f"/villages/merges/{merge.pk}/", form, follow=True)
    assert (
        "状态已是「已应用」，没有再次应用" in again.content.decode()
        and "应用到区划" not in again.content.decode()
    )


def test_merge_form_errors_are_in_chinese_and_change_nothing(client_for, users, county, plan) -> None:  # type: ignore[no-untyped-def]
    merge = VillageMerge.objects.get()
    client = client_for(users["county_admin"])
    response = client.post(
        f"/villages/merges/{merge.pk}/",
        {"target": county.village_a2.pk, "sources": [county.village_a2.pk], "effective_on": "不是日期"},
    )
    text = response.content.decode()
    assert response.status_code == 400 and "至少选择一个并入的村" in text and "有效的日期" in text
    assert VillageMerge.objects.get().status == VillageMerge.Status.PROPOSED


def test_layout_page_lists_reasons_and_exports(client_for, users, county, plan) -> None:  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    page = client.get("/villages/layout/").content.decode()
    assert "人口规模800人以上保留或扩大" in page and "不少于 800 人" in page
    assert "先行示范村" in page and "名单矛盾" not in page or "同时列入" in page
    exclusive = LayoutRule.objects.get(name="先行示范村与重点帮扶村不应重叠")
    assert "同时列入「先行示范村」" in page  # 甲一村 is in both
    book = load_workbook(
        io.BytesIO(client.get("/villages/layout/export/", {"rule": exclusive.pk}).content)
    ).active
    assert [r[2] for r in book.iter_rows(min_row=2, values_only=True)] == ["甲一村"]


@pytest.mark.parametrize("role", ["township_a", "leader"])
def test_only_county_admin_edits_rules(client_for, users, county, role) -> None:  # type: ignore[no-untyped-def]
    assert client_for(users[role]).get("/villages/layout/rules/new/").status_code == 403


def test_rule_form_checks_and_saves(client_for, users, county) -> None:  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    bad = client.post("/villages/layout/rules/new/", {"name": "x", "kind": "population"})
    assert "请填写人口规模下限" in bad.content.decode()
    ok = client.post(
        "/villages/layout/rules/new/",
        {"name": "人口1000人以上", "kind": "population", "enabled": "on", "threshold": 1000},
    )
    assert ok.status_code == 302
    assert LayoutRule.objects.filter(name="人口1000人以上", threshold=1000).exists()


def test_home_page_shows_classes_against_villages_in_no_list(client_for, users, county, plan) -> None:  # type: ignore[no-untyped-def]
    from xiangcun.households.models import Case

    h = Household.objects.create(
        code="H1", village=county.village_a1, head_name="张三", household_type="一般农户", housing_grade="A"
    )
    Case.objects.create(
        household=h, channel="农户自主申报", phase="帮扶", step_started="2025-01-01", opened_at="2025-01-01"
    )
    page = client_for(users["county_admin"]).get("/").content.decode()
    assert "村庄类别" in page
    assert "先行示范村 · 监测对象 1 户" in page and "重点帮扶村 · 监测对象 1 户" in page
    assert "中心村 · 监测对象 0 户" in page and "不在任何名单的村 · 监测对象 0 户" in page
    township_b = client_for(users["township_b"]).get("/").content.decode()
    assert (
        "先行示范村 · 监测对象 0 户" in township_b and "重点帮扶村" not in township_b
    )  # only its own villages
