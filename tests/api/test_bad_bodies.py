"""Malformed API input answers 400 with a Chinese message and saves nothing, on SQLite and PostgreSQL:
numbers of thousands of digits, lists and objects where text or a year belongs, NUL characters, absurd
years in the body or the query string, and notes longer than their column."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.test_observations import call, keys  # noqa: F401 — the fixture
from xiangcun.indicators.models import Observation

pytestmark = pytest.mark.django_db

GOOD = {"indicator": "N09", "region": "140000000000", "year": 2024, "value": 80}


def _post(client: Client, key: str, body: object):  # type: ignore[no-untyped-def]
    return call(client, "post", reverse("api:observations"), key, body)


@pytest.mark.parametrize(
    "body",
    [
        b'{"rows": [{"indicator": "N09", "region": "140000000000", "year": 2024, "value": '
        + b"9" * 5000
        + b"}]}",
        b'{"rows": [{"indicator": "N09", "region": "140000000000", "year": ' + b"9" * 20 + b', "value": 1}]}',
        b"[" * 100_000 + b"]" * 100_000,
        {"rows": [{**GOOD, "year": [2024]}]},
        {"rows": [{**GOOD, "year": {"y": 2024}}]},
        {"rows": [{**GOOD, "indicator": {"code": "N09"}}]},
        {"rows": [{**GOOD, "region": ["140000000000"]}]},
        {"rows": [{**GOOD, "value": [80]}]},
        {"rows": [{**GOOD, "value": True}]},
        {"rows": [{**GOOD, "value": "1e309"}]},
        {"rows": [{**GOOD, "value": "NaN"}]},
        {"rows": [{**GOOD, "year": 2024.5}]},
        {"rows": [{**GOOD, "year": "２０２４年"}]},
        {"rows": [{**GOOD, "year": 99999999999999999999}]},
        {"rows": [{**GOOD, "quarter": 10**18}]},
        {"rows": [{**GOOD, "note": "说" * 10_000}]},
        {"rows": [{**GOOD, "note": ["a"]}]},
        {"rows": [{**GOOD, "note": "a\x00b"}]},
        {"rows": [GOOD], "submit": "yes"},
        {"rows": [GOOD, "not an object"]},
        {"rows": {"0": GOOD}},
    ],
)
def test_malformed_bodies_are_a_chinese_400_and_save_nothing(client, keys, body) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    response = _post(client, keys["department_reporter"], body)
    assert response.status_code == 400, response.content[:300]
    message = response.json()["error"] + json.dumps(response.json().get("errors", []), ensure_ascii=False)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)
    assert not Observation.objects.exists()


def test_the_good_row_itself_is_saved(client, keys) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    response = _post(client, keys["department_reporter"], {"rows": [{**GOOD, "note": "说" * 500}]})
    assert response.status_code == 201
    assert Observation.objects.get().note == "说" * 500


@pytest.mark.parametrize("year", ["9" * 20, "２０２４", "-1", "1999", "2024.0", "[]"])
def test_absurd_years_in_the_query_string_are_a_400(client, keys, year) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    response = call(client, "get", reverse("api:observations") + f"?year={year}", keys["township_a"])
    assert response.status_code == 400 and "年份" in response.json()["error"]


def test_the_read_only_leader_cannot_create_api_keys(client_for, users) -> None:  # type: ignore[no-untyped-def]
    from xiangcun.api.models import ApiToken

    leader = client_for(users["leader"])
    assert leader.get(reverse("api:tokens")).status_code == 403
    assert leader.post(reverse("api:tokens"), {"name": "导出"}).status_code == 403
    assert not ApiToken.objects.filter(user=users["leader"]).exists()
