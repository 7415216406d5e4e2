from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_shows_real_figures_for_the_users_scope(client_for, users, county):  # type: ignore[no-untyped-def]
    page = client_for(users["county_admin"]).get(reverse("home")).content.decode()
    assert "测试县" in page
    # 2 townships, 3 villages, 1 natural village; village populations 1500 + 1700 + 1300.
    assert '<div class="figure">2</div><div class="label">乡镇（街道）' in page
    assert '<div class="figure">3</div><div class="label">行政村' in page
    assert "4,500" in page
    township_page = client_for(users["township_b"]).get(reverse("home")).content.decode()
    assert "乙乡" in township_page
    assert '<div class="figure">1</div><div class="label">行政村' in township_page
    assert "1,300" in township_page


def test_navigation_is_chinese_and_marks_modules_not_yet_available(client_for, users):  # type: ignore[no-untyped-def]
    page = client_for(users["leader"]).get(reverse("home")).content.decode()
    for label in ("首页", "规划", "指标", "防返贫监测", "项目资产", "报告", "管理"):
        assert label in page
    assert "即将上线" in page


def test_home_requires_login(client):  # type: ignore[no-untyped-def]
    assert client.get(reverse("home")).status_code == 302


def test_static_files_are_served_by_the_app(client):  # type: ignore[no-untyped-def]
    response = client.get("/static/xiangcun/site.css")
    assert response.status_code == 200


def test_not_found_and_forbidden_pages_are_chinese(client_for, users, county, settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    client = client_for(users["township_a"])
    missing = client.get(reverse("regions:detail", args=[county.town_b.code]))
    assert missing.status_code == 404 and "不在您的管辖范围内" in missing.content.decode()
    forbidden = client.get(reverse("audit:log"))
    assert forbidden.status_code == 403 and "没有权限" in forbidden.content.decode()
