"""The JSON API: token authentication, the same checks and scopes as the pages, all-or-nothing writes."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from xiangcun.api.models import ApiToken
from xiangcun.indicators.models import Observation
from xiangcun.indicators.services import ensure_national

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys(users, county):  # type: ignore[no-untyped-def]
    ensure_national()
    return {name: ApiToken.issue(users[name], "测试")[1] for name in ("department_reporter", "township_a")}


def call(client, method: str, url: str, key: str | None, body: object = None):  # type: ignore[no-untyped-def]
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"} if key else {}
    if method == "get":
        return client.get(url, **headers)
    return client.post(
        url,
        data=json.dumps(body) if not isinstance(body, bytes) else body,
        content_type="application/json",
        **headers,
    )


def test_keys_are_required_and_revocable(client, keys):  # type: ignore[no-untyped-def]
    url = reverse("api:indicators")
    assert call(client, "get", url, None).status_code == 401
    assert call(client, "get", url, "wrong").status_code == 401
    assert call(client, "get", url, keys["department_reporter"]).status_code == 200
    ApiToken.objects.update(revoked=True)
    response = call(client, "get", url, keys["department_reporter"])
    assert response.status_code == 401 and "已停用" in response.json()["error"]


def test_a_department_posts_its_values_all_or_nothing(client, keys, county):  # type: ignore[no-untyped-def]
    url = reverse("api:observations")
    key = keys["department_reporter"]
    codes = {i["code"] for i in call(client, "get", reverse("api:indicators"), key).json()}
    assert "N09" in codes and "N20" not in codes
    bad = {"rows": [{"indicator": "N09", "region": county.county.code, "year": 2024, "value": 82},
                    {"indicator": "N06", "region": county.county.code, "year": 2024, "value": 130}]}  # fmt: skip
    response = call(client, "post", url, key, bad)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 2, "field": "数值", "message": "百分比应在 0–100 之间（填了 130）"}
    ]
    assert not Observation.objects.exists()
    good = {"rows": bad["rows"][:1], "submit": True}
    assert call(client, "post", url, key, good).json() == {"saved": 1, "status": "submitted"}
    listed = call(client, "get", url + "?year=2024", key).json()
    assert listed == [{"indicator": "N09", "region": county.county.code, "year": 2024, "quarter": 0, "value": 82.0,
                       "note": "", "status": "submitted"}]  # fmt: skip


def test_scope_applies_to_the_api(client, keys, county):  # type: ignore[no-untyped-def]
    url = reverse("api:observations")
    key = keys["township_a"]
    response = call(
        client,
        "post",
        url,
        key,
        {"rows": [{"indicator": "N09", "region": county.town_b.code, "year": 2024, "value": 50}]},
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "区域代码"
    from xiangcun.indicators.models import Indicator

    toilets = Indicator.objects.get(code="N09")
    Observation.objects.create(indicator=toilets, region=county.town_b, year=2024, value=50)
    Observation.objects.create(indicator=toilets, region=county.town_a, year=2024, value=60)
    assert [o["region"] for o in call(client, "get", url, key).json()] == [county.town_a.code]


@pytest.mark.parametrize(
    "body", [b"not json", b"\xff\xfe", json.dumps({"rows": []}).encode(), json.dumps([1]).encode()]
)
def test_bad_bodies_get_a_chinese_error(client, keys, body) -> None:  # type: ignore[no-untyped-def]
    response = call(client, "post", reverse("api:observations"), keys["department_reporter"], body)
    assert response.status_code == 400 and response.json()["error"]


def test_users_manage_their_own_keys(client_for, users):  # type: ignore[no-untyped-def]
    client = client_for(users["village_a1"])
    page = client.post(reverse("api:tokens"), {"name": "大屏"}).content.decode()
    token = ApiToken.objects.get(user=users["village_a1"])
    assert token.prefix in page
    other = ApiToken.issue(users["township_a"], "别人的")[0]
    client.post(reverse("api:revoke", args=[other.pk]))
    other.refresh_from_db()
    assert not other.revoked  # cannot revoke someone else's key
