"""The ledger API: the county's ledgers, their rows scoped and masked like the pages, toilet progress by year;
out of scope is a JSON 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.api.test_observations import call
from tests.ledgers.conftest import households, toilet, toilet_book  # noqa: F401  (fixture)
from xiangcun.api.models import ApiToken
from xiangcun.ledgers import services
from xiangcun.ledgers.models import Ledger, LedgerRow, SchoolRecord, ToiletSettings
from xiangcun.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys(users):  # type: ignore[no-untyped-def]
    return {name: ApiToken.issue(user, "测试")[1] for name, user in users.items()}


@pytest.fixture
def ledgers(county, households):  # type: ignore[no-untyped-def]  # noqa: F811
    book = toilet_book([
        toilet(县验收日期=dt.date(2023, 6, 1), 县验收人="县验收组", 镇验收日期=dt.date(2023, 5, 20), 镇验收人="镇长"),
        toilet(户编号="B001", 改造年份=2024, 施工方验收日期=dt.date(2024, 5, 1), 村验收日期=dt.date(2024, 5, 6)),
    ])  # fmt: skip
    assert services.import_toilets(book, "t.xlsx", county.county).ok
    ToiletSettings.objects.create(county=county.county, yearly_plan={"2023": 1, "2024": 2})
    for township, name in ((county.town_a, "甲镇中心小学"), (county.town_b, "乙乡小学")):
        SchoolRecord.objects.create(county=county.county, township=township, name=name, level="小学", year=2024,
                                    students=190, teachers=10)  # fmt: skip
    water = Ledger.objects.create(county=county.county, name="农户改水台账", unit="household",
                                  columns=[{"label": "改水方式", "type": "text"}])  # fmt: skip
    LedgerRow.objects.create(ledger=water, region=county.village_a1, label="王大", key="A001",
                             values={"改水方式": "自来水入户"})  # fmt: skip
    other = Region(code="150000000000", name="外县", level="county", parent=None)
    other.save()
    foreign = Ledger.objects.create(county=other, name="外县台账", unit="village", columns=[])
    return {"water": water, "foreign": foreign}


def test_the_county_lists_its_ledgers_with_the_rows_each_account_sees(client, keys, ledgers) -> None:  # type: ignore[no-untyped-def]
    url = reverse("api:ledgers")
    found = call(client, "get", url, keys["county_admin"]).json()["results"]
    assert [(r["id"], r["rows"]) for r in found] == [("toilets", 2), ("schools", 2), (ledgers["water"].pk, 1)]
    assert found[2]["columns"][0]["label"] == "改水方式" and found[2]["unit"] == "household"
    township = call(client, "get", url, keys["township_b"]).json()["results"]
    assert [(r["id"], r["rows"]) for r in township] == [
        ("toilets", 1),
        ("schools", 1),
        (ledgers["water"].pk, 0),
    ]
    assert "外县台账" not in str(found)


def test_toilet_rows_are_scoped_and_masked_like_the_page(client, keys, ledgers) -> None:  # type: ignore[no-untyped-def]
    url = reverse("api:ledger_rows", args=["toilets"])
    rows = call(client, "get", url, keys["county_admin"]).json()["results"]
    first = rows[0]
    assert (first["name"], first["household"], first["village"], first["year"]) == (
        "王大",
        "A001",
        "140000001201",
        2023,
    )
    assert first["state"] == "已验收" and first["acceptance"]["county"] == {
        "date": "2023-06-01",
        "by": "县验收组",
    }
    assert first["cost"] == "3200.00"
    leader = call(client, "get", url, keys["leader"]).json()["results"]
    assert [(r["name"], r["household"], r["registered"]) for r in leader] == [
        ("王*", None, True),
        ("李*", None, True),
    ]
    township = call(client, "get", url, keys["township_b"]).json()
    assert [r["name"] for r in township["results"]] == ["李四"] and township["count"] == 1
    paged = call(client, "get", url + "?page_size=1&year=2023", keys["county_admin"]).json()
    assert paged["count"] == 1 and paged["next"] is None and paged["results"][0]["year"] == 2023


def test_school_and_county_ledger_rows(client, keys, ledgers) -> None:  # type: ignore[no-untyped-def]
    schools = call(client, "get", reverse("api:ledger_rows", args=["schools"]), keys["township_a"]).json()
    assert [(r["name"], r["students_per_teacher"]) for r in schools["results"]] == [("甲镇中心小学", 19.0)]
    water = reverse("api:ledger_rows", args=[ledgers["water"].pk])
    row = call(client, "get", water, keys["county_admin"]).json()["results"][0]
    assert (row["label"], row["values"]) == ("王大", {"改水方式": "自来水入户"})
    assert call(client, "get", water, keys["department_reporter"]).json()["results"][0]["label"] == "王*"


def test_out_of_scope_is_a_json_404(client, keys, ledgers, county) -> None:  # type: ignore[no-untyped-def]
    for url in (
        reverse("api:ledger_rows", args=[ledgers["foreign"].pk]),
        reverse("api:ledger_rows", args=["nothing"]),
        reverse("api:ledger_rows", args=["toilets"]) + f"?township={county.town_a.code}",
        reverse("api:toilet_progress") + f"?village={county.village_a1.code}",
    ):
        response = call(client, "get", url, keys["township_b"])
        assert response.status_code == 404 and "管辖范围" in response.json()["error"], url
    bad = call(
        client, "get", reverse("api:ledger_rows", args=["toilets"]) + "?year=abc", keys["county_admin"]
    )
    assert bad.status_code == 400 and "年度" in bad.json()["error"]
    assert call(client, "get", reverse("api:ledgers"), None).status_code == 401


def test_toilet_progress_by_year_against_the_plan(client, keys, ledgers) -> None:  # type: ignore[no-untyped-def]
    data = call(client, "get", reverse("api:toilet_progress"), keys["county_admin"]).json()
    assert data["source"] == "改厕设置中手工填写的年度计划" and data["planned_total"] == 3
    assert [(y["year"], y["planned"], y["converted"], y["accepted"], y["cumulative_converted"]) for y in data["years"]] == [
        (2023, 1, 1, 1, 1), (2024, 2, 1, 0, 2),
    ]  # fmt: skip
    township = call(client, "get", reverse("api:toilet_progress"), keys["township_b"]).json()
    assert [(y["year"], y["converted"]) for y in township["years"]] == [(2023, 0), (2024, 1)]
