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


def test_navigation_is_chinese_and_every_module_is_live(client_for, users):  # type: ignore[no-untyped-def]
    page = client_for(users["leader"]).get(reverse("home")).content.decode()
    for label in ("首页", "规划", "指标", "防返贫监测", "项目资产", "任务考核", "报告", "管理"):
        assert label in page
    assert "即将上线" not in page


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


def test_home_counts_targets_behind_and_monitored_households(client_for, users, county, monkeypatch):  # type: ignore[no-untyped-def]
    import datetime as dt

    from xiangcun.indicators import dashboard

    monkeypatch.setattr(dashboard, "current_year", lambda: 2024)  # the 2025 target is still ahead

    from xiangcun.households.models import Case, Household
    from xiangcun.indicators.models import Indicator, Observation, Target
    from xiangcun.indicators.services import ensure_national

    ensure_national()
    toilets = Indicator.objects.get(code="N09")
    Target.objects.create(indicator=toilets, region=county.county, year=2025, value=85, attribute="约束性",
                          baseline_year=2020, baseline_value=65)  # fmt: skip
    Observation.objects.create(
        indicator=toilets, region=county.county, year=2023, value=60, status="approved"
    )
    household = Household.objects.create(code="A1", village=county.village_a1, head_name="张三", household_type="一般农户",
                                         housing_grade="A")  # fmt: skip
    Case.objects.create(household=household, channel="筛查规则", phase="帮扶", step_started=dt.date(2026, 1, 1),
                        opened_at=dt.date(2026, 1, 1))  # fmt: skip
    page = client_for(users["county_admin"]).get(reverse("home")).content.decode()
    assert (
        'class="card tone-bad" href="/indicators/dashboard/?warning=1"><div class="figure">1</div>'
        '<div class="label">约束性目标预警'
    ) in page
    assert '<div class="figure">1</div><div class="label">监测对象（帮扶中和消除审核中）' in page
    other = client_for(users["township_b"]).get(reverse("home")).content.decode()
    assert '<div class="figure">0</div><div class="label">登记农户' in other
