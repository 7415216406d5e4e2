"""Sessions: logged out after inactivity; listed for their owner and administrator, who can end them."""

from __future__ import annotations

import time

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from xiangcun.accounts import sessions
from xiangcun.accounts.models import SecurityPolicy, UserSession

pytestmark = pytest.mark.django_db


PC = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0"
PHONE = "Mozilla/5.0 (Linux; Android 13; M2102K1C) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Mobile Safari/537.36"


def log_in(username: str, password: str, agent: str = PC) -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    assert client.post(reverse("login"), {"username": username, "password": password}).status_code == 302
    return client


def logged_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def idle_for(client: Client, minutes: float) -> None:
    session = client.session
    session[sessions.LAST_SEEN] = time.time() - minutes * 60
    session.save()


def security_events(kind: str) -> list[LogEntry]:
    return list(LogEntry.objects.filter(additional_data__security=kind))


def test_an_idle_session_ends_after_the_county_limit(users, county):  # type: ignore[no-untyped-def]
    SecurityPolicy.objects.create(region=county.county, idle_minutes=15)
    client = log_in("town_a", "pw-town_a")
    idle_for(client, 14)
    assert logged_in(client)  # 14 minutes is within the limit (and the request counts as activity)
    idle_for(client, 16)
    response = client.get("/households/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "next=/households/" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "您已超过 15 分钟未操作，为保护数据已自动退出" in page
    assert not logged_in(client)
    assert [e.object_repr for e in security_events("session_timeout")] == ["town_a"]
    assert not UserSession.objects.filter(user=users["township_a"]).exists()


def test_a_user_lists_their_sessions_and_ends_another_one(users):  # type: ignore[no-untyped-def]
    office = log_in("town_a", "pw-town_a", agent=PC)
    phone = log_in("town_a", "pw-town_a", agent=PHONE)
    page = office.get(reverse("accounts:sessions")).content.decode()
    assert "电脑 · Firefox（Windows）" in page and "手机 · Chrome（Android）" in page and "当前会话" in page
    assert "127.0.0.1" in page
    other = UserSession.objects.get(user=users["township_a"], user_agent=PHONE)
    response = office.post(reverse("accounts:session_end", args=[other.pk]), follow=True)
    assert "已结束该会话" in response.content.decode()
    assert not logged_in(phone) and logged_in(office)
    ended = security_events("session_ended")
    assert len(ended) == 1 and ended[0].object_repr == "town_a"


def test_nobody_ends_another_users_session_through_their_own_list(users):  # type: ignore[no-untyped-def]
    victim = log_in("town_b", "pw-town_b")
    row = UserSession.objects.get(user=users["township_b"])
    attacker = log_in("town_a", "pw-town_a")
    assert attacker.post(reverse("accounts:session_end", args=[row.pk])).status_code == 404
    assert logged_in(victim)


def test_an_administrator_ends_a_session_of_an_account_in_scope(client_for, users):  # type: ignore[no-untyped-def]
    user = log_in("town_a", "pw-town_a", agent=PHONE)
    row = UserSession.objects.get(user=users["township_a"])
    admin = client_for(users["county_admin"])
    page = admin.get(reverse("accounts:user", args=[users["township_a"].pk])).content.decode()
    assert "登录会话" in page and "结束会话" in page and "手机 · Chrome（Android）" in page
    admin.post(reverse("accounts:user_session_end", args=[users["township_a"].pk, row.pk]))
    assert not logged_in(user)
    entry = security_events("session_ended")[0]
    assert entry.actor == users["county_admin"] and entry.object_repr == "town_a"


def test_an_administrator_of_another_county_cannot_see_or_end_sessions(users, neighbour):  # type: ignore[no-untyped-def]
    user = log_in("town_a", "pw-town_a")
    row = UserSession.objects.get(user=users["township_a"])
    other = Client()
    other.force_login(neighbour["admin"])
    assert other.get(reverse("accounts:user", args=[users["township_a"].pk])).status_code == 404
    end = reverse("accounts:user_session_end", args=[users["township_a"].pk, row.pk])
    assert other.post(end).status_code == 404
    town_b = Client()
    town_b.force_login(users["township_b"])
    assert town_b.post(end).status_code == 404
    assert logged_in(user)


def test_changing_ones_password_ends_ones_other_sessions(users):  # type: ignore[no-untyped-def]
    office = log_in("leader", "pw-leader")
    phone = log_in("leader", "pw-leader")
    response = office.post(
        reverse("accounts:password_change"),
        {"old_password": "pw-leader", "new_password1": "Qingshan-2025!", "new_password2": "Qingshan-2025!"},
        follow=True,
    )
    assert "其他 1 处登录已退出" in response.content.decode()
    assert logged_in(office) and not logged_in(phone)
    # The session list follows the new session key Django gives after a password change.
    assert list(UserSession.objects.filter(user=users["leader"]).values_list("session_key", flat=True)) == [
        office.session.session_key
    ]


def test_logging_out_removes_the_session_from_the_list(users):  # type: ignore[no-untyped-def]
    client = log_in("leader", "pw-leader")
    assert UserSession.objects.filter(user=users["leader"]).count() == 1
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(user=users["leader"]).exists()
    assert [e.object_repr for e in security_events("logout")] == ["leader"]
