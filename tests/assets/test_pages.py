from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.assets.conftest import MEMBER_NAME
from xiangcun.assets.models import Asset, AssetIncome, Distribution, Publicity
from xiangcun.assets.services import make_drafts
from xiangcun.projects.models import Project

pytestmark = pytest.mark.django_db


def test_ledger_groups_and_scopes(client_for, users, assets):  # type: ignore[no-untyped-def]
    page = client_for(users["township_a"]).get(reverse("assets:ledger")).content.decode()
    assert "ZC-A1" in page and "ZC-A2" in page and "ZC-B1" not in page
    assert "按资产类别" in page and "按产权主体" in page and "按乡镇" in page and "按状态" in page
    county_page = (
        client_for(users["county_admin"]).get(reverse("assets:ledger"), {"state": "闲置"}).content.decode()
    )
    assert "ZC-B1" in county_page and "ZC-A1</a>" not in county_page
    by_town = client_for(users["county_admin"]).get(reverse("assets:ledger"), {"township": "140000002000"})
    assert "ZC-B1" in by_town.content.decode() and "ZC-A2</a>" not in by_town.content.decode()


def test_another_townships_asset_is_404_everywhere(client_for, users, assets):  # type: ignore[no-untyped-def]
    client = client_for(users["township_a"])
    b = assets["b"]
    assert client.get(reverse("assets:detail", args=[b.pk])).status_code == 404
    assert (
        client.post(
            reverse("assets:detail", args=[b.pk]), {"action": "income", "year": 2024, "amount": "1"}
        ).status_code
        == 404
    )
    assert "ZC-B1" not in client.get(reverse("assets:export")).content.decode(errors="ignore")
    assert "ZC-B1" not in client.get(reverse("assets:warnings")).content.decode()
    assert client.get(reverse("assets:detail", args=[assets["a"].pk])).status_code == 200
    b_income = AssetIncome.objects.create(asset=b, year=2024, amount=Decimal("100"))
    notice = Publicity.objects.create(kind="收益分配", title="乙一村收益分配", county=b.county, region=b.region, year=2024,
                                      income=b_income, start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 10),
                                      channel="村务公开栏")  # fmt: skip
    assert client.get(reverse("assets:notice", args=[notice.pk])).status_code == 404
    assert "乙一村收益分配" not in client.get(reverse("assets:notices")).content.decode()
    assert "乙一村" not in client.get(reverse("assets:incomes"), {"year": 2024}).content.decode()


def test_warning_list(client_for, users, assets):  # type: ignore[no-untyped-def]
    page = client_for(users["county_admin"]).get(reverse("assets:warnings")).content.decode()
    assert "ZC-B1" in page and "未明确经营方式" in page and "资产闲置" in page
    assert "ZC-A2" in page and "未落实管护责任人" in page
    assert "ZC-A1" not in page


def test_accepted_project_gives_a_draft_and_confirmation_forms_the_asset(client_for, users, project, county):  # type: ignore[no-untyped-def]
    client = client_for(users["township_a"])
    assert client.post(reverse("assets:drafts")).status_code == 302
    draft = Asset.objects.get(project=project)
    assert draft.draft and draft.category == "经营性" and draft.value == Decimal("120.5000")
    assert make_drafts(Project.objects.all()) == 0  # once per project
    page = client.get(reverse("assets:detail", args=[draft.pk]))
    form = {"action": "edit", "version": page.context["form"].initial["version"], "name": draft.name,
            "category": "经营性", "region": county.village_a1.pk, "value": "120.5", "year": 2024,
            "owner": "甲一村股份经济合作社", "custodian": "甲一村村委会", "custodian_person": "王五",
            "operating_mode": "租赁", "state": "正常运营"}  # fmt: skip
    assert client.post(reverse("assets:detail", args=[draft.pk]), form).status_code == 302
    draft.refresh_from_db()
    assert not draft.draft and draft.owner_type == "村集体经济组织"
    project.refresh_from_db()
    assert project.status == "assets_formed"


def test_stale_edit_is_refused(client_for, users, assets):  # type: ignore[no-untyped-def]
    a = assets["a"]
    form = {"action": "edit", "version": "2000-01-01T00:00:00+00:00", "name": "改名", "category": "经营性",
            "region": a.region_id, "value": "10", "year": 2023, "owner": "村集体经济组织", "state": "正常运营"}  # fmt: skip
    response = client_for(users["township_a"]).post(reverse("assets:detail", args=[a.pk]), form)
    assert response.status_code == 400 and "已被他人修改" in response.content.decode()


def test_disposal_needs_the_county_and_an_approval(client_for, users, assets):  # type: ignore[no-untyped-def]
    a = assets["a"]
    url = reverse("assets:detail", args=[a.pk])
    assert client_for(users["township_a"]).post(url, {"action": "dispose"}).status_code == 403
    county = client_for(users["county_admin"])
    response = county.post(url, {"action": "dispose", "disposal_approval": "", "disposal_date": "2025-01-02"})
    assert response.status_code == 400 and "须经审批" in response.content.decode()
    county.post(
        url, {"action": "dispose", "disposal_approval": "X政发〔2025〕3号", "disposal_date": "2025-01-02"}
    )
    a.refresh_from_db()
    assert a.state == "已处置" and a.disposal_approval


def test_income_and_distribution_refuse_plain_handouts(client_for, users, assets, households):  # type: ignore[no-untyped-def]
    a = assets["a"]
    url = reverse("assets:detail", args=[a.pk])
    client = client_for(users["township_a"])
    client.post(url, {"action": "income", "year": 2024, "amount": "10000"})
    income = AssetIncome.objects.get(asset=a, year=2024)
    handout = client.post(url, {"action": "distribute", "income": income.pk, "use": "巩固帮扶", "amount": "500",
                                "household": "A001", "basis": ""})  # fmt: skip
    assert handout.status_code == 400 and "严禁简单发钱发物" in handout.content.decode()
    no_work = client.post(url, {"action": "distribute", "income": income.pk, "use": "巩固帮扶", "amount": "500",
                                "household": "A001", "basis": "公益性岗位"})  # fmt: skip
    assert "严禁简单发钱发物" in no_work.content.decode()
    other_town = client.post(url, {"action": "distribute", "income": income.pk, "use": "巩固帮扶", "amount": "500",
                                   "household": "B001", "basis": "劳务", "work": "修路"})  # fmt: skip
    assert other_town.status_code == 400 and "不在您的管辖范围" in other_town.content.decode()
    too_much = client.post(
        url, {"action": "distribute", "income": income.pk, "use": "管护运行", "amount": "10000.01"}
    )
    assert "超过当年收益" in too_much.content.decode()
    assert not Distribution.objects.exists()
    client.post(url, {"action": "distribute", "income": income.pk, "use": "巩固帮扶", "amount": "600",
                      "household": "A001", "basis": "公益性岗位", "work": "光伏电站保洁员"})  # fmt: skip
    client.post(url, {"action": "distribute", "income": income.pk, "use": "管护运行", "amount": "2000"})
    assert Distribution.objects.count() == 2
    household_page = client.get(reverse("households:detail", args=["A001"])).content.decode()
    assert "资产收益到户" in household_page and "光伏电站保洁员" in household_page
    incomes = client.get(reverse("assets:incomes"), {"year": 2024}).content.decode()
    assert "10,000.00" in incomes and "2,600.00" in incomes
    assert MEMBER_NAME not in incomes


def test_income_only_for_income_generating_assets(client_for, users, assets):  # type: ignore[no-untyped-def]
    response = client_for(users["township_a"]).post(
        reverse("assets:detail", args=[assets["c"].pk]), {"action": "income", "year": 2024, "amount": "1"}
    )
    assert response.status_code == 400 and "只有经营性资产登记收益" in response.content.decode()


def test_publicity_minimum_days_and_objections(client_for, users, assets, county):  # type: ignore[no-untyped-def]
    client = client_for(users["township_a"])
    url = reverse("assets:notices")
    data = {"kind": "项目计划", "title": "2024年光伏项目计划公示", "region": county.village_a1.pk, "year": 2024,
            "project": "XM2024-001", "start": "2025-03-01", "end": "2025-03-09", "channel": "村务公开栏"}  # fmt: skip
    short = client.post(url, data)
    assert short.status_code == 400 and "不少于 10 天" in short.content.decode()
    assert client.post(url, {**data, "end": "2025-03-10"}).status_code == 302
    notice = Publicity.objects.get()
    assert notice.project.code == "XM2024-001"
    response = client.post(
        reverse("assets:notice", args=[notice.pk]), {"objection_count": 1, "objections": "选址有异议"}
    )
    assert response.status_code == 400 and "处理结果" in response.content.decode()
    client.post(
        reverse("assets:notice", args=[notice.pk]),
        {"objection_count": 1, "objections": "选址有异议", "handling": "已复核"},
    )
    notice.refresh_from_db()
    assert notice.objection_count == 1 and notice.handling == "已复核"
    admin = client_for(users["county_admin"])
    assert admin.post(reverse("assets:settings"), {"min_days": 15}).status_code == 302
    again = admin.post(url, {**data, "end": "2025-03-10"})
    assert "不少于 15 天" in again.content.decode()
    assert client_for(users["township_a"]).get(reverse("assets:settings")).status_code == 403


def test_drafts_only_for_projects_in_scope(client_for, users, project):  # type: ignore[no-untyped-def]
    assert client_for(users["township_b"]).post(reverse("assets:drafts")).status_code == 302
    assert not Asset.objects.exists()
    assert client_for(users["leader"]).post(reverse("assets:drafts")).status_code == 403
    page = client_for(users["township_b"]).get(reverse("assets:ledger")).content.decode()
    assert "甲一村" not in page
