"""Password rules as county settings, and the change that must come before any other page."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xiangcun.accounts.models import SecurityPolicy, User

pytestmark = pytest.mark.django_db

STRONG = "Qingshan-2025!"
STRONGER = "Hongqi-Road-88"


def log_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, f"{username} could not log in"
    return client


def test_a_password_needs_three_kinds_of_characters_by_default(client_for, users):  # type: ignore[no-untyped-def]
    client = client_for(users["leader"])
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "大写字母、小写字母、数字、符号中的至少 3 类" in page
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "pw-leader", "new_password1": "qingshanlu-road", "new_password2": "qingshanlu-road"},
    )
    assert "密码须包含大写字母、小写字母、数字、符号中的至少 3 类（现在 2 类" in response.content.decode()
    assert User.objects.get(pk=users["leader"].pk).check_password("pw-leader")


def test_a_county_sets_stricter_rules_for_its_own_accounts_only(client_for, users, county, neighbour):  # type: ignore[no-untyped-def]
    admin = client_for(users["county_admin"])
    page = admin.get(reverse("accounts:policy")).content.decode()
    assert "账号安全设置（测试县）" in page
    response = admin.post(
        reverse("accounts:policy"),
        {"min_length": 12, "min_classes": 4, "expiry_days": 60, "idle_minutes": 15},
    )
    assert response.status_code == 302
    policy = SecurityPolicy.objects.get(region=county.county)
    assert (policy.min_length, policy.min_classes, policy.expiry_days, policy.idle_minutes) == (12, 4, 60, 15)
    assert LogEntry.objects.get_for_object(policy).filter(actor=users["county_admin"]).exists()  # audited
    # 14 characters, 3 classes: enough in the neighbouring county, too simple in this one.
    reset = {"new_password1": "Qingshan-Road!", "new_password2": "Qingshan-Road!"}
    response = admin.post(reverse("accounts:user_password", args=[users["township_a"].pk]), reset)
    assert "至少 4 类" in response.content.decode()
    other = Client()
    other.force_login(neighbour["admin"])
    assert (
        other.post(reverse("accounts:password_change"), {"old_password": "pw-neighbour", **reset}).status_code
        == 302
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("min_length", 4, "不能小于 8"), ("min_classes", 1, "不能小于 2"), ("idle_minutes", 100000, "不能大于 480"),
     ("expiry_days", 9999, "不能大于 365"), ("min_length", "9" * 30, "不能大于 64"), ("idle_minutes", "三十", "整数")],
)  # fmt: skip
def test_settings_stay_within_sane_bounds(client_for, users, county, field, value, message):  # type: ignore[no-untyped-def]
    data = {"min_length": 8, "min_classes": 3, "expiry_days": 90, "idle_minutes": 30, field: value}
    response = client_for(users["county_admin"]).post(reverse("accounts:policy"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not SecurityPolicy.objects.exists()


def test_only_administrators_change_security_settings(client_for, users):  # type: ignore[no-untyped-def]
    assert client_for(users["leader"]).get(reverse("accounts:policy")).status_code == 403
    assert client_for(users["township_a"]).get(reverse("accounts:policy")).status_code == 403


def test_an_account_made_by_an_administrator_changes_its_password_before_anything_else(
    client_for, users, county
):  # type: ignore[no-untyped-def]
    client_for(users["county_admin"]).post(
        reverse("accounts:user_new"),
        {"username": "li_hua", "first_name": "李华", "role": "township_admin", "region": county.town_a.pk,
         "department": "", "password1": STRONG, "password2": STRONG},
    )  # fmt: skip
    assert User.objects.get(username="li_hua").must_change_password
    client = log_in("li_hua", STRONG)
    for url in ("/", "/households/", reverse("accounts:users")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "初始密码或重置后的密码" in page and "修改密码后才能继续使用系统" in page
    same = client.post(
        reverse("accounts:password_change"),
        {"old_password": STRONG, "new_password1": STRONG, "new_password2": STRONG},
    )
    assert "新密码不能与当前密码相同" in same.content.decode()
    client.post(
        reverse("accounts:password_change"),
        {"old_password": STRONG, "new_password1": STRONGER, "new_password2": STRONGER},
    )
    assert not User.objects.get(username="li_hua").must_change_password
    assert client.get("/").status_code == 200


def test_a_reset_password_must_be_changed_at_the_next_login(client_for, users):  # type: ignore[no-untyped-def]
    client_for(users["county_admin"]).post(
        reverse("accounts:user_password", args=[users["township_a"].pk]),
        {"new_password1": STRONG, "new_password2": STRONG},
    )
    client = log_in("town_a", STRONG)
    assert client.get("/").headers["Location"] == reverse("accounts:password_change")


def test_an_expired_password_must_be_changed(users):  # type: ignore[no-untyped-def]
    User.objects.filter(pk=users["leader"].pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    client = log_in("leader", "pw-leader")
    response = client.get("/")
    assert response.headers["Location"] == reverse("accounts:password_change")
    assert "您的密码已到期" in client.get(reverse("accounts:password_change")).content.decode()
    client.post(
        reverse("accounts:password_change"),
        {"old_password": "pw-leader", "new_password1": STRONG, "new_password2": STRONG},
    )
    assert client.get("/").status_code == 200


def test_expiry_follows_the_county_setting_and_zero_turns_it_off(users, county):  # type: ignore[no-untyped-def]
    User.objects.filter(pk=users["leader"].pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=400)
    )
    SecurityPolicy.objects.create(region=county.county, expiry_days=0)
    assert log_in("leader", "pw-leader").get("/").status_code == 200


def test_accounts_marked_not_expiring_are_not_forced(users):  # type: ignore[no-untyped-def]
    """The demo accounts: their password is printed in the README, so a kept demo must still log in."""
    User.objects.filter(pk=users["leader"].pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=400), password_expires=False
    )
    assert log_in("leader", "pw-leader").get("/").status_code == 200


def test_the_demo_accounts_do_not_expire(db):  # type: ignore[no-untyped-def]
    import io

    from django.core.management import call_command

    call_command("demo", "--villages", "2", "--households", "5", "--quiet", stdout=io.StringIO())
    demo = User.objects.filter(username__in=["admin", "county", "village"])
    assert demo.count() == 3 and not demo.filter(password_expires=True).exists()
    assert not demo.filter(must_change_password=True).exists()
