"""Account management by county administrators, one's own password, and what a leader does not see."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from xiangcun.accounts.models import Role, User

pytestmark = pytest.mark.django_db

PASSWORD = "Qingshan-2025!"


def logs_in(username: str, password: str) -> bool:
    """Log in through the real login form (throttling included) with a fresh client."""
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def changes(user: User) -> list[dict[str, list[str]]]:
    """The field changes logged for `user` after it was created."""
    entries = LogEntry.objects.get_for_object(user).filter(action=LogEntry.Action.UPDATE).order_by("pk")
    return [e.changes_dict for e in entries]


@pytest.fixture
def other_county(county):  # type: ignore[no-untyped-def]
    from xiangcun.regions.models import Region

    region = Region(code="150000000000", name="邻县", level="county", population=20000)
    region.save()
    town = Region(code="150000001000", name="邻镇", level="township", parent=region, population=5000)
    town.save()
    admin = User(username="other_county", role=Role.COUNTY_ADMIN, region=region)
    admin.set_password("pw-other")
    admin.save()
    stranger = User(username="stranger", role=Role.TOWNSHIP_ADMIN, region=town)
    stranger.set_password("pw-stranger")
    stranger.save()
    return {"county": region, "town": town, "admin": admin, "stranger": stranger}


def new_account(**overrides: object) -> dict[str, object]:
    return {
        "username": "li_hua",
        "first_name": "李华",
        "role": Role.TOWNSHIP_ADMIN,
        "region": "",
        "department": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }


def test_a_county_admin_adds_an_account_that_can_log_in(client_for, users, county):  # type: ignore[no-untyped-def]
    admin = client_for(users["county_admin"])
    page = admin.get(reverse("accounts:user_new")).content.decode()
    assert "新建账号" in page and "初始密码" in page
    assert "系统管理员" not in page  # a county admin cannot make system administrators
    response = admin.post(reverse("accounts:user_new"), new_account(region=county.town_a.pk))
    created = User.objects.get(username="li_hua")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:user", args=[created.pk])
    assert (created.role, created.region, created.first_name, created.is_active) == (
        Role.TOWNSHIP_ADMIN, county.town_a, "李华", True
    )  # fmt: skip
    assert logs_in("li_hua", PASSWORD)
    entry = LogEntry.objects.get_for_object(created).get(action=LogEntry.Action.CREATE)
    assert entry.actor == users["county_admin"]
    assert "password" not in entry.changes_dict  # the hash never lands in the log


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"region": "county"}, "region", "乡镇管理员的管辖区域应为乡镇或街道"),
        (
            {"role": Role.VILLAGE_REPORTER, "region": "town_a"},
            "region",
            "村级信息员的管辖区域应为行政村或社区",
        ),
        ({"role": Role.DEPARTMENT_REPORTER, "region": "county"}, "department", "部门填报员必须选择所属部门"),
        ({"role": Role.SYSTEM_ADMIN, "region": "county"}, "role", "选择一个有效的选项"),
        ({"region": "town_a", "password2": "something-else"}, "password2", "两次输入的密码不一致"),
        ({"region": "town_a", "password1": "12345678", "password2": "12345678"}, "password1", "这个密码"),
        ({"region": "town_a", "username": "town_b"}, "username", "已存在"),
    ],
)
def test_new_account_rules(client_for, users, county, overrides, field, message):  # type: ignore[no-untyped-def]
    data = new_account(**overrides)
    if data["region"] in ("county", "town_a"):
        data["region"] = getattr(county, data["region"]).pk  # type: ignore[arg-type]
    response = client_for(users["county_admin"]).post(reverse("accounts:user_new"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert User.objects.filter(username="li_hua").count() == 0


def test_regions_and_departments_are_limited_to_the_admins_scope(client_for, users, county, other_county):  # type: ignore[no-untyped-def]
    admin = client_for(users["county_admin"])
    page = admin.get(reverse("accounts:user_new")).content.decode()
    assert "甲镇" in page and "邻镇" not in page
    response = admin.post(reverse("accounts:user_new"), new_account(region=other_county["town"].pk))
    assert "region" in response.context["form"].errors
    assert not User.objects.filter(username="li_hua").exists()


def test_edit_role_region_and_department_is_audited(client_for, users, county):  # type: ignore[no-untyped-def]
    target = users["village_a1"]
    admin = client_for(users["county_admin"])
    page = admin.get(reverse("accounts:user", args=[target.pk])).content.decode()
    assert "角色与管辖范围" in page and "重置密码" in page and "停用账号" in page
    response = admin.post(
        reverse("accounts:user", args=[target.pk]),
        {"username": "vil_a1", "first_name": "王芳", "role": Role.DEPARTMENT_REPORTER,
         "region": county.county.pk, "department": county.education.pk},
    )  # fmt: skip
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.role, target.region, target.department, target.first_name) == (
        Role.DEPARTMENT_REPORTER, county.county, county.education, "王芳"
    )  # fmt: skip
    entry = LogEntry.objects.get_for_object(target).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == users["county_admin"]
    assert entry.changes_dict["role"] == ["village_reporter", "department_reporter"]
    assert "department" in entry.changes_dict and "region" in entry.changes_dict


def test_an_admin_cannot_change_their_own_role_or_disable_themselves(client_for, users, county):  # type: ignore[no-untyped-def]
    me = users["county_admin"]
    admin = client_for(me)
    admin.post(
        reverse("accounts:user", args=[me.pk]),
        {"username": "county", "first_name": "县管理员", "role": Role.LEADER, "region": county.town_a.pk},
    )
    me.refresh_from_db()
    assert (me.role, me.region, me.first_name) == (Role.COUNTY_ADMIN, county.county, "县管理员")
    admin.post(reverse("accounts:user_active", args=[me.pk]), {"active": "0"})
    me.refresh_from_db()
    assert me.is_active


def test_disable_and_re_enable(client_for, users):  # type: ignore[no-untyped-def]
    target = users["township_b"]
    signed_in = Client()
    signed_in.force_login(target, backend="django.contrib.auth.backends.ModelBackend")
    assert signed_in.get(reverse("home")).status_code == 200
    admin = client_for(users["county_admin"])
    admin.post(reverse("accounts:user_active", args=[target.pk]), {"active": "0"})
    target.refresh_from_db()
    assert not target.is_active
    assert not logs_in("town_b", "pw-town_b")
    assert signed_in.get(reverse("home")).status_code == 302  # the open session ended
    page = admin.get(reverse("accounts:users")).content.decode()
    assert "停用" in page and 'class="inactive"' in page
    admin.post(reverse("accounts:user_active", args=[target.pk]), {"active": "1"})
    target.refresh_from_db()
    assert target.is_active and logs_in("town_b", "pw-town_b")
    assert [c["is_active"] for c in changes(target) if "is_active" in c] == [
        ["True", "False"],
        ["False", "True"],
    ]


def test_reset_password_is_audited_without_the_password(client_for, users):  # type: ignore[no-untyped-def]
    target = users["department_reporter"]
    admin = client_for(users["county_admin"])
    short = admin.post(
        reverse("accounts:user_password", args=[target.pk]), {"new_password1": "abc", "new_password2": "abc"}
    )
    assert "密码太短" in short.content.decode()
    response = admin.post(
        reverse("accounts:user_password", args=[target.pk]),
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 302
    assert logs_in("agri", PASSWORD) and not logs_in("agri", "pw-agri")
    entry = LogEntry.objects.get_for_object(target).get(changes__has_key="password")
    assert entry.actor == users["county_admin"] and entry.changes_dict["password"] == [
        "******",
        "已由管理员重置",
    ]
    assert PASSWORD not in str(LogEntry.objects.values_list("changes", flat=True)[::1])


def test_a_password_reset_lifts_a_lockout(client_for, users):  # type: ignore[no-untyped-def]
    for _ in range(5):
        logs_in("town_a", "wrong")
    assert not logs_in("town_a", "pw-town_a")  # locked
    client_for(users["county_admin"]).post(
        reverse("accounts:user_password", args=[users["township_a"].pk]),
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert logs_in("town_a", PASSWORD)


def test_everyone_changes_their_own_password(client_for, users):  # type: ignore[no-untyped-def]
    leader = users["leader"]
    client = client_for(leader)
    assert "修改密码" in client.get(reverse("home")).content.decode()
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "当前密码" in page and "新密码" in page
    wrong = client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert "旧密码不正确" in wrong.content.decode() or "原密码" in wrong.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "pw-leader", "new_password1": PASSWORD, "new_password2": PASSWORD},
        follow=True,
    )
    assert "密码已修改" in response.content.decode()
    assert response.wsgi_request.user.is_authenticated  # still signed in after the change
    assert logs_in("leader", PASSWORD)
    assert {"password": ["******", "本人已修改"]} in changes(leader)


def test_password_change_requires_login(client):  # type: ignore[no-untyped-def]
    assert client.get(reverse("accounts:password_change")).status_code == 302


URLS = ["accounts:user", "accounts:user_active", "accounts:user_password"]


@pytest.mark.parametrize("name", URLS)
def test_an_admin_of_another_county_gets_404(client_for, users, other_county, name):  # type: ignore[no-untyped-def]
    client = client_for(other_county["admin"])
    target = users["township_a"]
    assert client.get(reverse(name, args=[target.pk])).status_code in (404, 405)
    assert client.post(reverse(name, args=[target.pk]), {"active": "0", "role": "leader"}).status_code == 404
    target.refresh_from_db()
    assert target.is_active and target.role == Role.TOWNSHIP_ADMIN
    # … while their own county's accounts are theirs to manage.
    own = reverse(name, args=[other_county["stranger"].pk])
    assert client.get(own).status_code == (405 if name == "accounts:user_active" else 200)


@pytest.mark.parametrize("name", URLS)
def test_a_township_admin_gets_404_outside_and_403_inside_their_township(client_for, users, name):  # type: ignore[no-untyped-def]
    client = client_for(users["township_a"])
    outside, inside = users["township_b"], users["village_a1"]
    assert client.post(reverse(name, args=[outside.pk]), {"active": "0"}).status_code == 404
    assert client.post(reverse(name, args=[inside.pk]), {"active": "0"}).status_code == 403
    assert client.post(reverse(name, args=[users["system_admin"].pk]), {"active": "0"}).status_code == 404


def test_a_county_admin_cannot_touch_a_system_administrator(client_for, users):  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    assert client.get(reverse("accounts:user", args=[users["system_admin"].pk])).status_code == 404


def test_new_account_page_is_for_administrators(client_for, users):  # type: ignore[no-untyped-def]
    assert client_for(users["township_a"]).get(reverse("accounts:user_new")).status_code == 403
    assert client_for(users["leader"]).post(reverse("accounts:user_new"), new_account()).status_code == 403


def test_a_leader_sees_no_forms_or_menus_it_cannot_use(client_for, users, county):  # type: ignore[no-untyped-def]
    leader = client_for(users["leader"])
    home = leader.get(reverse("home")).content.decode()
    assert "接口密钥" not in home
    dashboard = leader.get(reverse("indicators:dashboard")).content.decode()
    assert "数据填报" not in dashboard and "数据审核" not in dashboard and "手工添加目标" not in dashboard
    assert leader.get(reverse("api:tokens")).status_code == 403
    reporter = client_for(users["department_reporter"]).get(reverse("indicators:dashboard")).content.decode()
    assert "数据填报" in reporter and "接口密钥" in reporter
