"""The API over tasks, progress reports, 督办 and scorecards: who sees which task (404 otherwise), a report
posted by another system with the page's checks, malformed bodies refused in Chinese with nothing saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.api.test_observations import call
from tests.tasks.conftest import tasks  # noqa: F401  (fixture)
from xiangcun.api.models import ApiToken
from xiangcun.tasks.models import ProgressReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys(users):  # type: ignore[no-untyped-def]
    return {name: ApiToken.issue(user, "测试")[1] for name, user in users.items()}


def codes(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [t["code"] for t in response.json()["results"]]


def test_each_account_lists_the_tasks_its_page_shows(client, keys, tasks):  # type: ignore[no-untyped-def]  # noqa: F811
    url = reverse("api:tasks") + "?year=2026"
    assert codes(call(client, "get", url, keys["county_admin"])) == ["T1", "T2"]
    assert codes(call(client, "get", url, keys["department_reporter"])) == ["T1"]  # 农业农村局 leads T1
    assert codes(call(client, "get", url, keys["township_a"])) == ["T1"]  # 甲镇 cooperates on T1
    assert codes(call(client, "get", url, keys["township_b"])) == []
    t1 = call(client, "get", url, keys["county_admin"]).json()["results"][0]
    assert [(u["role"], u["name"]) for u in t1["units"]] == [("cooperating", "甲镇"), ("lead", "农业农村局")]
    assert t1["goal"] == {"value": "500.0000", "unit": "座", "text": ""} and t1["deadline"] == "2026-06-30"


def test_a_task_out_of_scope_is_404(client, keys, tasks):  # type: ignore[no-untyped-def]  # noqa: F811
    schools = tasks["schools"].pk
    for who in ("township_a", "township_b", "department_reporter"):
        for name in ("api:task", "api:task_reports"):
            response = call(client, "get", reverse(name, args=[schools]), keys[who])
            assert response.status_code == 404 and "管辖范围" in response.json()["error"]
    assert call(client, "get", reverse("api:task", args=[schools]), keys["county_admin"]).status_code == 200


@pytest.mark.parametrize(
    "payload, message",
    [(b"\xff", "UTF-8 JSON"), (b"[1]", "JSON 对象"), ({"status": "推进中", "text": "x"}, "period"),
     ({"period": "2026-Q1", "status": 3, "text": "x"}, "status"), ({"period": "2026-Q1", "status": "推进中"}, "text"),
     ({"period": "2026-Q1", "status": "推进中", "text": "x", "figure": "很多"}, "figure"),
     ({"period": "2026-Q1", "status": "推进中", "text": "x", "figure": -1}, "figure"),
     ({"period": "2026-Q9", "status": "推进中", "text": "x"}, "不是报送期"),
     ({"period": "2026-Q1", "status": "差不多", "text": "x"}, "进展状态"),
     ({"period": "2026-Q1", "status": "推进中", "text": "  "}, "进展情况"),
     ({"unit": 999, "period": "2026-Q1", "status": "推进中", "text": "x"}, "unit")],
)  # fmt: skip
def test_malformed_reports_are_refused_in_chinese(client, keys, tasks, payload, message):  # type: ignore[no-untyped-def]  # noqa: F811
    url = reverse("api:task_reports", args=[tasks["toilets"].pk])
    response = call(client, "post", url, keys["department_reporter"], payload)
    assert response.status_code == 400 and message in response.json()["error"], response.json()
    assert not ProgressReport.objects.exists()


def test_a_unit_reports_over_the_api_and_the_county_sees_it(client, keys, tasks, county):  # type: ignore[no-untyped-def]  # noqa: F811
    toilets = tasks["toilets"]
    url = reverse("api:task_reports", args=[toilets.pk])
    body = {"period": "2026-Q1", "status": "推进中", "text": "完成 120 座", "figure": "120"}
    response = call(client, "post", url, keys["department_reporter"], body)
    assert response.status_code == 201
    saved = response.json()
    assert (saved["unit"], saved["role"], saved["figure"], saved["review"]) == (
        "农业农村局",
        "lead",
        "120.0000",
        "submitted",
    )
    # 甲镇 reports its part; 乙乡 and the leader cannot report at all.
    part = call(client, "post", url, keys["township_a"], {**body, "text": "甲镇完成 40 座", "figure": 40})
    assert part.status_code == 201 and part.json()["role"] == "cooperating"
    assert call(client, "post", url, keys["township_b"], body).status_code == 404
    assert call(client, "post", url, keys["leader"], body).status_code == 404
    listed = call(client, "get", reverse("api:task", args=[toilets.pk]), keys["county_admin"]).json()
    assert [(r["unit"], r["text"]) for r in listed["reports"]] == [
        ("农业农村局", "完成 120 座"),
        ("甲镇", "甲镇完成 40 座"),
    ]


def test_supervision_is_each_units_own_inbox(client, keys, tasks, county, monkeypatch):  # type: ignore[no-untyped-def]  # noqa: F811
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 8, 1))
    url = reverse("api:supervision") + "?year=2026"
    every = call(client, "get", url, keys["county_admin"]).json()
    overdue = [r for r in every["results"] if r["kind"] == "任务超期"]
    assert overdue == [{"kind": "任务超期", "task_id": tasks["toilets"].pk, "code": "T1",
                                   "content": "新改造农村户用卫生厕所", "unit": "农业农村局", "period": None,
                                   "deadline": "2026-06-30", "days_overdue": 32}]  # fmt: skip
    assert every["results"][0]["days_overdue"] == 113  # most days overdue first
    assert every["count"] == 7  # the overdue task and Q1, Q2 missing from 农业农村局, 甲镇 and 教育局
    mine = call(client, "get", url, keys["township_a"]).json()["results"]
    assert {(r["unit"], r["period"]) for r in mine} == {("甲镇", "2026年第1季度"), ("甲镇", "2026年第2季度")}
    assert call(client, "get", url, keys["township_b"]).json()["count"] == 0


def test_scorecards_only_for_the_units_one_may_read(client, keys, tasks, county):  # type: ignore[no-untyped-def]  # noqa: F811
    url = reverse("api:scorecards") + "?year=2026"
    every = call(client, "get", url + "&kind=department", keys["county_admin"]).json()
    assert {r["unit"] for r in every["results"]} == {"农业农村局", "教育局"} and every["kind"] == "department"
    assert all(line["explanation"] for r in every["results"] for line in r["lines"])
    own = call(client, "get", url + "&kind=department", keys["department_reporter"]).json()["results"]
    assert [r["unit"] for r in own] == ["农业农村局"]
    town = call(client, "get", url, keys["township_a"]).json()  # a township's default kind is its own
    assert town["kind"] == "township" and [r["unit"] for r in town["results"]] == ["甲镇"]
    assert call(client, "get", url + "&kind=department", keys["township_a"]).json()["results"] == []
    assert call(client, "get", url + "&kind=村", keys["county_admin"]).status_code == 400


def test_a_page_of_tasks_costs_a_fixed_number_of_queries(client, keys, county, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    from xiangcun.tasks.models import Task, TaskUnit

    for n in range(40):
        task = Task.objects.create(county=county.county, year=2026, code=f"K{n:02d}", content="任务",
                                   deadline=dt.date(2026, 12, 31))  # fmt: skip
        TaskUnit.objects.create(task=task, role="lead", department=county.agriculture)
        TaskUnit.objects.create(task=task, role="cooperating", township=county.town_a)
    with django_assert_max_num_queries(10):
        assert call(client, "get", reverse("api:tasks"), keys["county_admin"]).json()["count"] == 40
