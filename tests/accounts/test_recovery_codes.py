"""Recovery codes for the second factor, and the authenticator secret sealed at rest."""

from __future__ import annotations

import re

import pyotp
import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse

from tests.accounts.test_totp import code_at, enrol, password_step
from xiangcun.accounts.models import RecoveryCode, TotpDevice

pytestmark = pytest.mark.django_db

CODE = re.compile(r"<code>([2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4})</code>")


def _enrol_with_codes(client) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    page = client.get(reverse("accounts:totp")).content.decode()
    secret = re.search(r"密钥：<code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")  # type: ignore[union-attr]
    response = client.post(reverse("accounts:totp"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    return secret, CODE.findall(response.content.decode())


def _security(username: str) -> list[str]:
    return list(
        LogEntry.objects.filter(object_repr=username)
        .order_by("pk")
        .values_list("additional_data__security", flat=True)
    )


def test_ten_codes_are_shown_once_and_the_database_holds_neither_them_nor_the_secret(client_for, users):  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    secret, codes = _enrol_with_codes(client)
    assert len(codes) == len(set(codes)) == 10
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_totpdevice")
        (stored,) = cursor.fetchone()
        cursor.execute("SELECT code_hash FROM accounts_recoverycode")
        hashes = [h for (h,) in cursor.fetchall()]
    assert stored.startswith("enc1:") and secret not in stored
    assert TotpDevice.objects.get().secret == secret  # Python still reads it
    assert len(hashes) == 10 and not {c.replace("-", "") for c in codes} & set(hashes)
    page = client.get(reverse("accounts:totp")).content.decode()
    assert not set(CODE.findall(page)) and "<strong>10</strong>" in page  # never shown again, only counted
    assert "recovery_codes_created" in _security("county")


def test_a_code_logs_in_once(client_for, users):  # type: ignore[no-untyped-def]
    _, codes = _enrol_with_codes(client_for(users["county_admin"]))
    client = password_step("county", "pw-county")
    response = client.post(reverse("accounts:totp_verify"), {"code": codes[3].upper().replace("-", " ")})
    assert response.status_code == 302 and client.get("/").status_code == 200
    assert RecoveryCode.objects.filter(used_at__isnull=False).count() == 1
    used = LogEntry.objects.get(object_repr="county", additional_data__security="recovery_code_used")
    assert "剩余 9 个" in str(used.changes)
    again = password_step("county", "pw-county")
    page = again.post(reverse("accounts:totp_verify"), {"code": codes[3]}).content.decode()
    assert "动态验证码不正确或已使用过" in page and again.get("/").status_code == 302


def test_new_codes_need_the_app_and_void_the_old_ones(client_for, users):  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    secret, old = _enrol_with_codes(client)
    refused = client.post(reverse("accounts:totp"), {"action": "recovery", "code": "12345"})
    assert "恢复码没有更换" in refused.content.decode()
    response = client.post(reverse("accounts:totp"), {"action": "recovery", "code": code_at(secret, 1)})
    new = CODE.findall(response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    login = password_step("county", "pw-county")
    assert "不正确" in login.post(reverse("accounts:totp_verify"), {"code": old[0]}).content.decode()
    assert login.post(reverse("accounts:totp_verify"), {"code": new[0]}).status_code == 302


def test_turning_off_or_an_administrator_reset_drops_the_codes(client_for, users):  # type: ignore[no-untyped-def]
    user = users["township_a"]
    secret, _ = _enrol_with_codes(client_for(user))
    admin = client_for(users["county_admin"])
    admin.post(reverse("accounts:user_totp_reset", args=[user.pk]))
    assert (
        not RecoveryCode.objects.filter(user=user).exists()
        and not TotpDevice.objects.filter(user=user).exists()
    )
    client = client_for(user)
    secret = enrol(client)
    client.post(reverse("accounts:totp"), {"action": "disable", "code": code_at(secret, 1)})
    assert (
        not RecoveryCode.objects.filter(user=user).exists()
        and not TotpDevice.objects.filter(user=user).exists()
    )
