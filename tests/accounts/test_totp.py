"""The optional second factor: enrol with a computed code, log in with one, an administrator's reset."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from xiangcun.accounts.models import SecurityPolicy, TotpDevice

pytestmark = pytest.mark.django_db


def enrol(client: Client) -> str:
    """Bind an authenticator the way a user does: read the secret off the page, type the current code."""
    page = client.get(reverse("accounts:totp")).content.decode()
    assert "<svg" in page  # the QR code, inline
    secret = re.search(r"密钥：<code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")  # type: ignore[union-attr]
    wrong = client.post(
        reverse("accounts:totp"), {"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"}
    )
    assert "动态验证码不正确" in wrong.content.decode()
    response = client.post(reverse("accounts:totp"), {"code": pyotp.TOTP(secret).now()}, follow=True)
    assert "已启用二次验证" in response.content.decode()
    return secret


def code_at(secret: str, steps_ahead: int) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def password_step(username: str, password: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:totp_verify")
    return client


def test_a_county_admin_enrols_and_then_needs_the_code_to_log_in(client_for, users):  # type: ignore[no-untyped-def]
    secret = enrol(client_for(users["county_admin"]))
    assert TotpDevice.objects.filter(user=users["county_admin"]).exists()
    client = password_step("county", "pw-county")
    assert client.get("/").status_code == 302  # the password alone is not a login
    page = client.get(reverse("accounts:totp_verify")).content.decode()
    assert "动态验证码" in page
    response = client.post(reverse("accounts:totp_verify"), {"code": code_at(secret, 1)})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get("/").status_code == 200
    kinds = set(
        LogEntry.objects.filter(object_repr="county").values_list("additional_data__security", flat=True)
    )
    assert {"totp_enabled", "login"} <= kinds


def test_a_wrong_or_used_code_is_refused_and_counts_as_a_failed_login(client_for, users):  # type: ignore[no-untyped-def]
    secret = enrol(client_for(users["county_admin"]))
    used = pyotp.TOTP(secret).now()  # used for enrolment a moment ago
    client = password_step("county", "pw-county")
    response = client.post(reverse("accounts:totp_verify"), {"code": used})
    assert "不正确或已使用过" in response.content.decode()
    assert client.get("/").status_code == 302
    failures = LogEntry.objects.filter(additional_data__security="login_failed", object_repr="county")
    assert failures.count() == 1 and "动态验证码错误" in str(failures[0].changes)
    for _ in range(4):
        response = client.post(reverse("accounts:totp_verify"), {"code": "12345x"})
    assert response.status_code == 429 and "锁定" in response.content.decode()  # the fifth wrong code locks
    assert client.get("/").status_code == 302
    # Five failures lock the account like five wrong passwords.
    again = Client().post(reverse("login"), {"username": "county", "password": "pw-county"})
    assert again.status_code == 429


def test_the_second_step_expires_and_cannot_be_reached_without_the_password(users):  # type: ignore[no-untyped-def]
    response = Client().get(reverse("accounts:totp_verify"))
    assert response.status_code == 302 and response["Location"] == reverse("login")


def test_garbage_codes_get_a_chinese_message(client_for, users):  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    assert client.post(reverse("accounts:totp"), {"code": "9" * 5000}).status_code in (
        200,
        400,
    )  # never a 500
    for code in ("9" * 30, "一二三四五六", ""):
        response = client.post(reverse("accounts:totp"), {"code": code})
        assert response.status_code == 200
        page = response.content.decode()
        assert "动态验证码不正确" in page or "不超过 12" in page or "这个字段是必填项" in page
    assert not TotpDevice.objects.exists()


def test_turning_it_off_needs_a_current_code(client_for, users):  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    secret = enrol(client)
    assert "仍在使用中" in client.post(reverse("accounts:totp"), {"code": "000000"}).content.decode()
    client.post(reverse("accounts:totp"), {"code": code_at(secret, 1)})
    assert not TotpDevice.objects.exists()


def test_an_administrator_removes_a_lost_authenticator_in_scope_only(client_for, users, neighbour):  # type: ignore[no-untyped-def]
    enrol(client_for(users["township_a"]))
    target = users["township_a"]
    reset = reverse("accounts:user_totp_reset", args=[target.pk])
    other = Client()
    other.force_login(neighbour["admin"])
    assert other.post(reset).status_code == 404
    assert TotpDevice.objects.filter(user=target).exists()
    admin = client_for(users["county_admin"])
    assert "解除二次验证" in admin.get(reverse("accounts:user", args=[target.pk])).content.decode()
    admin.post(reset)
    assert not TotpDevice.objects.filter(user=target).exists()
    entry = LogEntry.objects.get(additional_data__security="totp_reset")
    assert entry.actor == users["county_admin"] and entry.object_repr == "town_a"
    # With the authenticator removed, the password is enough again.
    assert Client().post(reverse("login"), {"username": "town_a", "password": "pw-town_a"})["Location"] == "/"


def test_a_county_can_require_a_second_factor_for_administrators(users, county):  # type: ignore[no-untyped-def]
    SecurityPolicy.objects.create(region=county.county, require_totp_for_admins=True)
    admin = Client()
    admin.post(reverse("login"), {"username": "county", "password": "pw-county"})
    response = admin.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:totp")
    assert "本县要求管理员启用二次验证" in admin.get(reverse("accounts:totp")).content.decode()
    enrol(admin)
    assert admin.get("/").status_code == 200
    leader = Client()
    leader.post(reverse("login"), {"username": "leader", "password": "pw-leader"})
    assert leader.get("/").status_code == 200  # not an administrator: still optional
