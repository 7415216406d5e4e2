"""The API over projects, funds, assets and income: the pages' scopes (404 out of scope), pages of results,
exact amounts as strings, and a status step that goes through the same service as the page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from tests.api.test_observations import call
from tests.assets.conftest import assets, households, project  # noqa: F401  (fixtures)
from tests.projects.conftest import projects  # noqa: F401  (fixture)
from xiangcun.api.models import ApiToken
from xiangcun.assets.models import AssetIncome, Distribution
from xiangcun.households.models import Household
from xiangcun.projects.models import Project, ProjectStep

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys(users):  # type: ignore[no-untyped-def]
    return {name: ApiToken.issue(user, "测试")[1] for name, user in users.items()}


def get(client, keys, who: str, name: str, *args, query: str = ""):  # type: ignore[no-untyped-def]
    return call(client, "get", reverse(f"api:{name}", args=args) + query, keys[who])


def test_projects_are_listed_within_the_scope_with_exact_amounts(client, keys, projects):  # type: ignore[no-untyped-def]  # noqa: F811
    county = get(client, keys, "county_admin", "projects").json()
    assert county["count"] == 3 and [p["code"] for p in county["results"]] == ["A-1", "A-2", "B-1"]
    a1 = county["results"][0]
    assert a1["link_fund"] == "100.1234" and a1["central_fund"] == "60.1234" and a1["other_fund"] == "20.3766"
    assert a1["type"] == "industry" and a1["type_label"] == "产业发展" and a1["township"] == "甲镇"
    assert [p["code"] for p in get(client, keys, "township_a", "projects").json()["results"]] == [
        "A-1",
        "A-2",
    ]
    # A department sees what it implements.
    assert [p["code"] for p in get(client, keys, "department_reporter", "projects").json()["results"]] == [
        "A-1"
    ]
    filtered = get(
        client, keys, "county_admin", "projects", query="?status=in_progress&township=140000002000"
    )
    assert [p["code"] for p in filtered.json()["results"]] == ["B-1"]


def test_a_project_of_another_township_is_404(client, keys, projects):  # type: ignore[no-untyped-def]  # noqa: F811
    other = projects["B-1"].pk
    response = get(client, keys, "township_a", "project", other)
    assert response.status_code == 404 and response.json()["error"] == "没有找到，或不在您的管辖范围内"
    assert get(client, keys, "township_b", "project", other).json()["code"] == "B-1"
    mine = get(client, keys, "township_a", "project", projects["A-1"].pk).json()
    assert mine["steps"][0]["to"] == "admitted" and mine["next_statuses"] == ["in_progress", "terminated"]


def test_pages_of_results(client, keys, county):  # type: ignore[no-untyped-def]
    for n in range(7):
        Project.objects.create(county=county.county, code=f"P{n}", name=f"项目{n}", project_type="other",
                               region=county.village_a1, year=2025)  # fmt: skip
    first = get(client, keys, "county_admin", "projects", query="?page_size=3").json()
    assert (first["count"], first["pages"], first["previous"]) == (7, 3, None)
    assert first["next"].endswith("page_size=3&page=2")
    last = client.get(
        first["next"].replace("page=2", "page=3"), HTTP_AUTHORIZATION=f"Token {keys['county_admin']}"
    )
    assert [p["code"] for p in last.json()["results"]] == ["P6"] and last.json()["next"] is None
    assert get(client, keys, "county_admin", "projects", query="?page=9").status_code == 404


@pytest.mark.parametrize(
    "query, word",
    [("?year=二〇二五", "应为"), ("?page=0", "page"), ("?page_size=100000", "page_size"), ("?type=道路", "type"),
     ("?township=甲镇", "township")],
)  # fmt: skip
def test_bad_parameters_get_a_chinese_400(client, keys, projects, query, word):  # type: ignore[no-untyped-def]  # noqa: F811
    response = get(client, keys, "county_admin", "projects", query=query)
    assert (
        response.status_code == 400
        and word in response.json()["error"]
        and "应为" in response.json()["error"]
    )


def test_fund_summary_is_the_commands_json_within_the_scope(client, keys, projects):  # type: ignore[no-untyped-def]  # noqa: F811
    county = get(client, keys, "county_admin", "funds", query="?year=2025").json()
    assert county["year"] == 2025 and county["by_type"]["产业发展"] == "100.1234"
    assert county["total"] == "300.3702"  # three projects at 100.1234
    assert {t["township"]: t["link_fund"] for t in county["by_township"]} == {
        "甲镇": "200.2468",
        "乙乡": "100.1234",
    }
    town = get(client, keys, "township_b", "funds", query="?year=2025").json()
    assert town["total"] == "100.1234" and [t["township"] for t in town["by_township"]] == ["乙乡"]


def test_a_status_step_over_the_api(client, keys, projects):  # type: ignore[no-untyped-def]  # noqa: F811
    url = reverse("api:project_steps", args=[projects["A-1"].pk])
    key = keys["department_reporter"]
    for bad, message in [(b"{", "JSON"), (b"[]", "JSON 对象"), (b'{"to": "done"}', "to 应为"),
                         (b'{"to": "in_progress", "remarks": 5}', "remarks")]:  # fmt: skip
        response = call(client, "post", url, key, bad)
        assert response.status_code == 400 and message in response.json()["error"]
    stale = call(client, "post", url, key, {"to": "in_progress", "expected": "reserve"})
    assert stale.status_code == 409 and "他人" in stale.json()["error"]
    done = call(client, "post", url, key, {"to": "in_progress", "remarks": "已开工", "expected": "admitted"})
    assert done.status_code == 201 and done.json()["status"] == "in_progress"
    step = ProjectStep.objects.get(project=projects["A-1"], to_status="in_progress", remarks="已开工")
    logged = LogEntry.objects.get_for_object(step).get()
    assert logged.actor.username == "agri"  # the key's user is named in the audit log
    # Not allowed by the chain: the service's own Chinese reason, nothing written.
    jump = call(client, "post", url, key, {"to": "assets_formed"})
    assert jump.status_code == 400 and "不能改为" in jump.json()["error"]
    # Another township's project is absent; a leader has no key page, but a stray key still may not step.
    other = reverse("api:project_steps", args=[projects["B-1"].pk])
    assert call(client, "post", other, keys["township_a"], {"to": "completed"}).status_code == 404
    assert call(client, "post", url, keys["leader"], {"to": "completed"}).status_code == 403
    assert call(client, "get", url, key).status_code == 405


def test_assets_and_their_income_within_the_scope(client, keys, assets, households, users):  # type: ignore[no-untyped-def]  # noqa: F811
    income = AssetIncome.objects.create(asset=assets["a"], year=2025, amount=Decimal("5000.00"))
    Distribution.objects.create(income=income, use="管护运行", amount=Decimal("1000.00"))
    Distribution.objects.create(income=income, use="巩固帮扶", amount=Decimal("800.50"), basis="公益性岗位",
                                work="村道保洁", household=Household.objects.get(code="A001"))  # fmt: skip
    listed = get(client, keys, "township_a", "assets").json()
    assert [a["code"] for a in listed["results"]] == ["ZC-A1", "ZC-A2"] and listed["total_value"] == "20.0000"
    assert [
        a["code"] for a in get(client, keys, "county_admin", "assets", query="?state=闲置").json()["results"]
    ] == ["ZC-B1"]
    assert get(client, keys, "township_a", "asset", assets["b"].pk).status_code == 404
    one = get(client, keys, "township_a", "asset", assets["a"].pk).json()
    assert one["project"] == "XM2024-001" and one["incomes"][0]["amount"] == "5000.00"
    assert [d["household"] for d in one["incomes"][0]["distributions"]] == [None, "A001"]
    year = get(client, keys, "county_admin", "incomes", query="?year=2025").json()
    assert year["total"] == "5000.00" and year["by_use"]["巩固帮扶"] == "800.50"
    assert year["results"][0]["distributed"] == "1800.50"
    assert get(client, keys, "township_b", "incomes", query="?year=2025").json()["count"] == 0
    assert get(client, keys, "county_admin", "incomes").status_code == 400  # the year is required


def test_a_page_costs_the_same_queries_for_5_or_50_rows(client, keys, county, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    for n in range(50):
        Project.objects.create(county=county.county, code=f"Q{n:02d}", name=f"项目{n}", project_type="other",
                               region=county.village_a1 if n % 2 else county.town_b, year=2025,
                               department=county.education)  # fmt: skip
    with django_assert_max_num_queries(8):  # key, last-used, scope, count, the page
        assert get(client, keys, "county_admin", "projects").json()["count"] == 50


def test_notices_within_the_scope(client, keys, county, projects, monkeypatch):  # type: ignore[no-untyped-def]  # noqa: F811
    import datetime as dt

    from django.utils import timezone

    from xiangcun.assets.models import Publicity

    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2025, 5, 5))
    common = {"county": county.county, "year": 2025, "start": dt.date(2025, 5, 1), "end": dt.date(2025, 5, 10),
              "channel": "村务公开栏"}  # fmt: skip
    Publicity.objects.create(kind="项目计划", title="甲一村项目公示", region=county.village_a1,
                             project=projects["A-1"], **common)  # fmt: skip
    Publicity.objects.create(kind="资金分配", title="乙乡资金公示", region=county.town_b, **common)
    mine = get(client, keys, "township_a", "notices").json()["results"]
    assert [(n["title"], n["project"], n["state"], n["days_left"]) for n in mine] == [
        ("甲一村项目公示", "A-1", "公示中", 6)
    ]
    assert get(client, keys, "county_admin", "notices", query="?kind=资金分配").json()["count"] == 1
    assert get(client, keys, "county_admin", "notices", query="?kind=通知").status_code == 400
