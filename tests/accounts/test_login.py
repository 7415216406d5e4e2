from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_and_logs_in(client, users):  # type: ignore[no-untyped-def]
    page = client.get(reverse("login")).content.decode()
    assert "登录" in page and "用户名" in page
    response = client.post(reverse("login"), {"username": "county", "password": "pw-county"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_repeated_failures_lock_the_account(client, users):  # type: ignore[no-untyped-def]
    for _ in range(5):
        client.post(reverse("login"), {"username": "county", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "county", "password": "pw-county"})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_session_cookie_is_http_only_and_same_site(client, users):  # type: ignore[no-untyped-def]
    client.post(reverse("login"), {"username": "county", "password": "pw-county"})
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_user_list_is_for_administrators_and_scoped(client_for, users):  # type: ignore[no-untyped-def]
    assert client_for(users["township_a"]).get(reverse("accounts:users")).status_code == 403
    page = client_for(users["county_admin"]).get(reverse("accounts:users")).content.decode()
    assert "town_a" in page and "town_b" in page and "sys" not in page.split("<tbody>")[1]
