"""安全日志: logins, failures, lockouts, account changes, reveals and exports, for administrators and the assessor."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from xiangcun.accounts.models import Role, User
from xiangcun.audit.services import record_access

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbour(county):  # type: ignore[no-untyped-def]
    from xiangcun.regions.models import Region

    region = Region(code="150000000000", name="邻县", level="county", population=20000)
    region.save()
    admin = User(username="neighbour_admin", role=Role.COUNTY_ADMIN, region=region)
    admin.set_password("pw-neighbour")
    admin.save()
    return admin


def attempt(username: str, password: str) -> int:
    return Client().post(reverse("login"), {"username": username, "password": password}).status_code


def page_for(client: Client, **params: str) -> str:
    return client.get(reverse("audit:security"), params).content.decode()


def test_logins_failures_and_lockouts_are_in_the_security_log(client_for, users):  # type: ignore[no-untyped-def]
    attempt("town_a", "pw-town_a")
    for _ in range(5):
        attempt("town_a", "wrong")
    attempt("nobody", "guess")
    page = page_for(client_for(users["county_admin"]))
    assert "<td>登录成功</td>" in page and "<td>登录失败</td>" in page and "<td>账号锁定</td>" in page
    assert "密码错误，IP 127.0.0.1" in page and "连续登录失败，暂时锁定" in page
    failures = page_for(client_for(users["county_admin"]), kind="login_failed")
    assert failures.count("<td>登录失败</td>") == 5 and "<td>登录成功</td>" not in failures
    assert "nobody" not in page  # a name matching no account belongs to no county …
    assert "用户名不存在" in page_for(client_for(users["system_admin"]), kind="login_failed")  # … but is kept


def test_permission_changes_reveals_and_exports_are_there_too(client_for, users, county):  # type: ignore[no-untyped-def]
    admin = client_for(users["county_admin"])
    admin.post(
        reverse("accounts:user", args=[users["township_a"].pk]),
        {"username": "town_a", "first_name": "", "role": "village_reporter", "region": county.village_a1.pk,
         "department": ""},
    )  # fmt: skip
    record_access(users["township_b"], users["township_b"], "查看完整证件号", "town_b")
    admin.get(reverse("audit:security_export"))
    page = page_for(admin)
    assert "<td>账号与权限变更</td>" in page and "乡镇管理员 → 村级信息员" in page
    assert "<td>查看个人信息</td>" in page and "查看完整证件号：town_b" in page
    assert "<td>导出/下载</td>" in page and "导出：安全日志" in page
    only = page_for(admin, kind="account")
    assert "村级信息员" in only and "查看完整证件号" not in only


def test_the_log_keeps_entries_older_than_180_days(client_for, users):  # type: ignore[no-untyped-def]
    attempt("leader", "wrong")
    old = timezone.now() - dt.timedelta(days=200)
    LogEntry.objects.filter(additional_data__security="login_failed").update(timestamp=old)
    admin = client_for(users["county_admin"])
    since = (old - dt.timedelta(days=1)).date().isoformat()
    until = (old + dt.timedelta(days=1)).date().isoformat()
    page = page_for(admin, since=since, until=until)
    assert "<td>登录失败</td>" in page and "<td>leader</td>" in page
    assert "至少保留 180 天" in page


def test_the_assessor_gets_an_xlsx_export_that_is_itself_logged(client_for, users):  # type: ignore[no-untyped-def]
    attempt("town_a", "wrong")
    attempt('=HYPERLINK("http://x","y")', "wrong")  # a hostile login name never becomes a formula
    response = client_for(users["system_admin"]).get(
        reverse("audit:security_export"), {"kind": "login_failed"}
    )
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[1] == ["时间", "类别", "账号或对象", "操作人", "IP 地址", "详情"]
    body = rows[2:]
    assert {r[1] for r in body} == {"登录失败"} and {r[2] for r in body} == {
        "town_a",
        '=HYPERLINK("http://x","y")',
    }
    assert all(cell.data_type == "s" for row in sheet.iter_rows(min_row=3) for cell in row)
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, actor=users["system_admin"], changes__has_key="export"
    ).exists()


def test_another_countys_administrator_sees_none_of_it(client_for, users, neighbour):  # type: ignore[no-untyped-def]
    attempt("town_a", "pw-town_a")
    attempt("town_a", "wrong")
    other = Client()
    other.force_login(neighbour)
    page = page_for(other)
    assert "town_a" not in page
    sheet = load_workbook(io.BytesIO(other.get(reverse("audit:security_export")).content)).active
    assert all("town_a" not in str(row) for row in sheet.iter_rows(values_only=True))


def test_only_administrators_read_the_security_log(client_for, users):  # type: ignore[no-untyped-def]
    for role in ("leader", "township_a", "department_reporter"):
        client = client_for(users[role])
        assert client.get(reverse("audit:security")).status_code == 403
        assert client.get(reverse("audit:security_export")).status_code == 403


def test_logins_stay_out_of_the_change_log(client_for, users):  # type: ignore[no-untyped-def]
    attempt("leader", "pw-leader")
    page = client_for(users["county_admin"]).get(reverse("audit:log")).content.decode()
    assert LogEntry.objects.filter(additional_data__security="login", object_repr="leader").exists()
    assert "<h1>审计日志</h1>" in page and "登录成功" not in page
