from __future__ import annotations

import pytest
from django.urls import reverse

from xiangcun.indicators import dashboard
from xiangcun.indicators.models import Indicator, Observation, Target
from xiangcun.indicators.services import ensure_national

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_2024(monkeypatch):  # type: ignore[no-untyped-def]
    """The examples below are judged in 2024: their 2025 targets are still ahead (tests may move the clock)."""
    monkeypatch.setattr(dashboard, "current_year", lambda: 2024)


@pytest.fixture
def tracked(county):  # type: ignore[no-untyped-def]
    ensure_national()
    toilets = Indicator.objects.get(code="N09")
    engel = Indicator.objects.get(code="N19")
    t1 = Target.objects.create(indicator=toilets, region=county.county, year=2025, value=85, op=">=", attribute="约束性",
                               baseline_year=2020, baseline_value=65, department=county.agriculture)  # fmt: skip
    t2 = Target.objects.create(indicator=engel, region=county.county, year=2025, value=29.2, op="<=",
                               baseline_year=2020, baseline_value=37.5)  # fmt: skip
    t3 = Target.objects.create(indicator=toilets, region=county.town_b, year=2025, value=85, op=">=",
                               baseline_year=2020, baseline_value=60)  # fmt: skip
    for indicator, region, year, value, status in [
        (toilets, county.county, 2023, 68.0, "approved"),  # 3/12 → 严重滞后, binding → warning
        (toilets, county.county, 2024, 99.0, "submitted"),  # not approved: ignored
        (engel, county.county, 2024, 29.0, "approved"),  # met
        (toilets, county.town_b, 2023, 90.0, "approved"),
    ]:
        Observation.objects.create(indicator=indicator, region=region, year=year, value=value, status=status)
    return t1, t2, t3


def test_dashboard_shows_status_warning_and_explanation(client_for, users, tracked):  # type: ignore[no-untyped-def]
    page = client_for(users["county_admin"]).get(reverse("indicators:dashboard")).content.decode()
    assert "严重滞后" in page and "预警" in page
    assert "进度比 = 实际变化 3 ÷ 应有变化 12 = 0.25" in page
    assert "已达标" in page
    # Numbers as people read them: ≥ and the unit's decimals, never "85.0" or ">=".
    assert "2025年 ≥ 85.00%" in page and "2020年 65.00" in page and "68.00（2023）" in page
    assert "85.0%" not in page and "&gt;=" not in page
    filtered = (
        client_for(users["county_admin"])
        .get(reverse("indicators:dashboard"), {"attribute": "约束性"})
        .content.decode()
    )
    assert "农村居民恩格尔系数" not in filtered and "农村卫生厕所普及率" in filtered


def test_township_and_department_see_only_their_targets(client_for, users, tracked):  # type: ignore[no-untyped-def]
    township = client_for(users["township_a"]).get(reverse("indicators:dashboard")).content.decode()
    assert "乙乡" not in township and "没有目标" in township
    department = (
        client_for(users["department_reporter"]).get(reverse("indicators:dashboard")).content.decode()
    )
    assert "农村卫生厕所普及率" in department and "农村居民恩格尔系数" not in department


def test_indicator_page_draws_history_path_and_forecast(client_for, users, tracked):  # type: ignore[no-untyped-def]
    page = client_for(users["county_admin"]).get(reverse("indicators:detail", args=["N09"])).content.decode()
    assert "<svg" in page and "目标路径" in page and "<title>2023年 68.00%</title>" in page
    assert "2025 年目标 ≥ 85.00%" in page
    assert "2 个乡镇中只有 1 个有最新年度数据，不汇总" in page
    Observation.objects.create(indicator=tracked[0].indicator, region=tracked[2].region.parent.children.get(name="甲镇"),
                               year=2023, value=80.0, status="approved")  # fmt: skip
    page = client_for(users["county_admin"]).get(reverse("indicators:detail", args=["N09"])).content.decode()
    # (80 × 12000 + 90 × 9000) / 21000 = 84.29
    assert "按户籍人口加权平均" in page and "84.29" in page
    assert "严重滞后" in page
    township = (
        client_for(users["township_a"]).get(reverse("indicators:detail", args=["N09"])).content.decode()
    )
    assert "乙乡" not in township


def test_dashboard_exports_to_excel(client_for, users, tracked):  # type: ignore[no-untyped-def]
    import io

    import openpyxl

    response = client_for(users["county_admin"]).get(reverse("indicators:dashboard_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["目标进度"]
    statuses = {row[12].value for row in sheet.iter_rows(min_row=2)}
    assert "严重滞后" in statuses and "已达标" in statuses
    assert {row[5].value for row in sheet.iter_rows(min_row=2)} == {"≥ 85.00", "≤ 29.20"}
    department = client_for(users["department_reporter"]).get(reverse("indicators:dashboard_export"))
    rows = list(openpyxl.load_workbook(io.BytesIO(department.content))["目标进度"].iter_rows(min_row=2))
    assert [r[1].value for r in rows] == ["农村卫生厕所普及率"]


def test_targets_are_added_and_adjusted_by_hand_with_an_audit_trail(client_for, users, county, tracked):  # type: ignore[no-untyped-def]
    from auditlog.models import LogEntry

    t1 = tracked[0]
    client = client_for(users["county_admin"])
    url = reverse("indicators:target_edit", args=[t1.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(indicator=t1.indicator_id, region=t1.region_id, department=t1.department_id, value=90)
    assert client.post(url, data).status_code == 302
    t1.refresh_from_db()
    assert t1.value == 90
    assert LogEntry.objects.get_for_object(t1).latest("id").changes_dict["value"] == ["85.0", "90.0"]
    bad = dict(data, baseline_year=2026, version=client.get(url).context["form"].initial["version"])
    assert "基期年应早于目标年" in client.post(url, bad).content.decode()
    assert client_for(users["township_a"]).get(url).status_code == 403
    assert (
        client_for(users["county_admin"])
        .get(reverse("indicators:target_edit", args=[tracked[2].pk]))
        .status_code
        == 200
    )
    users["county_admin"].region = county.town_a
    users["county_admin"].save()
    assert (
        client_for(users["county_admin"])
        .get(reverse("indicators:target_edit", args=[tracked[2].pk]))
        .status_code
        == 404
    )


def test_indicator_page_exports(client_for, users, tracked):  # type: ignore[no-untyped-def]
    import io

    import openpyxl

    response = client_for(users["county_admin"]).get(
        reverse("indicators:detail", args=["N09"]), {"format": "xlsx"}
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["历年数据"][2]] == [2023, 68.0, 77.0]


@pytest.fixture
def greening(county):  # type: ignore[no-untyped-def]
    """A plan's intermediate targets: 2020 (no data), 2022 (missed) and 2025, baseline 2017 as in the Chengkou plan."""
    ensure_national()
    indicator = Indicator.objects.get(code="N07")
    targets = {
        year: Target.objects.create(indicator=indicator, region=county.county, year=year, value=value, op="=",
                                    attribute="约束性", baseline_year=2017, baseline_value=40)
        for year, value in ((2020, 43.0), (2022, 45.0), (2025, 50.0))
    }  # fmt: skip
    for year, value in ((2021, 41.0), (2022, 44.0), (2023, 47.0), (2024, 48.0)):
        Observation.objects.create(
            indicator=indicator, region=county.county, year=year, value=value, status="approved"
        )
    return targets


def test_rows_judge_past_targets_on_their_own_year_in_the_current_year(monkeypatch, greening):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(dashboard, "current_year", lambda: 2025)
    by_year = {r["target"].year: r for r in dashboard.rows(Target.objects.all())}
    assert by_year[2020]["status"] == "数据不足" and "尚无2020年的已审核数据" in by_year[2020]["explanation"]
    missed = by_year[2022]
    assert (missed["status"], missed["css"], missed["warning"]) == ("未达标", "bad", True)
    assert (missed["latest"], missed["latest_year"], missed["forecast"]) == (44.0, 2022, None)
    assert "2022年预计" not in missed["explanation"]
    assert by_year[2025]["status"] == "进度偏慢" and by_year[2025]["forecast"] is not None
    # Passing the year explicitly gives the same; a year earlier, the 2022 target was still on its path.
    assert [r["status"] for r in dashboard.rows(Target.objects.all(), as_of=2025)] == [
        r["status"] for r in by_year.values()
    ]
    assert dashboard.rows(Target.objects.filter(year=2022), as_of=2022)[0]["status"] != "未达标"


def test_dashboard_and_home_show_missed_targets_in_red(monkeypatch, client_for, users, greening):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(dashboard, "current_year", lambda: 2025)
    client = client_for(users["county_admin"])
    page = client.get(reverse("indicators:dashboard")).content.decode()
    assert '<span class="light bad">未达标</span>' in page and "?status=未达标" in page
    assert "2022年实际值为 44，未满足2022年目标 ≥ 45（低出 1），判定为未达标" in page
    assert '<div class="figure">1</div><div class="label">未达标</div>' in page
    home = client.get(reverse("home")).content.decode()
    assert "严重滞后、倒退或未达标" in home
    detail = client.get(reverse("indicators:detail", args=["N07"])).content.decode()
    assert "趋势预计" in detail  # the indicator page shows the latest (2025) target, still ahead
    greening[2025].delete()
    detail = client.get(reverse("indicators:detail", args=["N07"])).content.decode()
    assert '<span class="light bad">未达标</span>' in detail and "趋势预计" not in detail


def _listed(page: str) -> int:
    return page.count('<tr class="extra">')


def test_home_cards_lead_to_the_targets_they_count(monkeypatch, client_for, users, greening):  # type: ignore[no-untyped-def]
    """Clicking a home card lists as many targets as the card says; the dashboard's cards agree with it.

    Before, 严重滞后、倒退或未达标 opened ?status=严重滞后 (no row for a 未达标 target) and the dashboard's 预警
    card counted only the rows left after the status filter (0 where the home page said 1).
    """
    monkeypatch.setattr(dashboard, "current_year", lambda: 2025)
    client = client_for(users["county_admin"])
    home = client.get(reverse("home")).content.decode()
    import re

    cards = dict(
        (label, (int(figure), href.replace("&amp;", "&")))
        for href, figure, label in re.findall(
            r'<a class="card[^"]*" href="([^"]+)"><div class="figure">(\d+)</div><div class="label">([^<]+)</div>',
            home,
        )
    )
    behind, behind_link = cards["严重滞后、倒退或未达标"]
    warned, warned_link = cards["约束性目标预警"]
    assert (behind, warned) == (1, 2)  # 2022 missed; 2025 binding and 进度偏慢
    for count, link in ((behind, behind_link), (warned, warned_link)):
        page = client.get(link).content.decode()
        assert _listed(page) == count
        # the dashboard's own 预警 card still counts the whole selection, whatever the status filter
        assert '<div class="figure">2</div><div class="label">约束性目标预警</div>' in page
    filtered = client.get(reverse("indicators:dashboard") + "?status=严重滞后").content.decode()
    assert "没有符合筛选条件的目标（当前选择共 3 个目标）" in filtered


def test_export_holds_the_rows_the_filtered_page_shows(monkeypatch, client_for, users, greening):  # type: ignore[no-untyped-def]
    import io

    import openpyxl

    monkeypatch.setattr(dashboard, "current_year", lambda: 2025)
    client = client_for(users["county_admin"])
    response = client.get(reverse("indicators:dashboard_export") + "?status=未达标")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[4], r[12]) for r in rows] == [(2022, "未达标")]


# -- Targets by plan (issue 16, item 2) ------------------------------------------------------------------


@pytest.fixture
def two_plans(county, users):  # type: ignore[no-untyped-def]
    """Two confirmed plans of the county both setting 粮食综合生产能力 for 2025 (8 and 5.1 万吨)."""
    from xiangcun.plans.models import Plan, PlanVersion

    ensure_national()
    grain = Indicator.objects.get(code="N01")
    made = []
    for title, value in (("测试县乡村振兴规划", 8.0), ("测试县有效衔接规划", 5.1)):
        plan = Plan.objects.create(region=county.county, title=title)
        version = PlanVersion.objects.create(plan=plan, number=1, filename="p.docx", sha256=title, size=1,
                                             status="confirmed")  # fmt: skip
        target = Target.objects.create(indicator=grain, region=county.county, year=2025, value=value, op=">=",
                                       baseline_year=2020, baseline_value=7.5, plan_version=version,
                                       source=str(version))  # fmt: skip
        made.append((version, target))
    return made


def _grain_rows(page: str) -> int:
    return page.count('href="/indicators/N01/">粮食综合生产能力</a>')


def test_dashboard_counts_the_chosen_plan_and_lists_the_other_as_set_aside(client_for, users, two_plans):  # type: ignore[no-untyped-def]
    import re

    from xiangcun.plans import services

    (first, eight), (second, five) = two_plans
    services.resolve(eight, five)
    client = client_for(users["county_admin"])
    page = client.get(reverse("indicators:dashboard")).content.decode()
    assert _grain_rows(page) == 1  # one verdict for the indicator and year
    assert "测试县乡村振兴规划（第1版）" in page  # where the counted target comes from
    assert "重复时未计入的目标（1）" in page and "测试县有效衔接规划（第1版）" in page
    only_second = client.get(reverse("indicators:dashboard"), {"plan": second.pk}).content.decode()
    assert _grain_rows(only_second) == 1 and re.search(r"≥ 5\.1\s*万吨", only_second)
    everything = client.get(reverse("indicators:dashboard"), {"plan": "all"}).content.decode()
    assert _grain_rows(everything) == 2 and "统计数字包含重复" in everything


def test_dashboard_says_so_when_two_plans_count_for_the_same_year(client_for, users, two_plans):  # type: ignore[no-untyped-def]
    page = client_for(users["county_admin"]).get(reverse("indicators:dashboard")).content.decode()
    assert "有 1 组目标重复" in page and "选择以哪个为准" in page
    assert page.count(">重复</span>") == 2  # both rows are marked
    (first, _), _ = two_plans
    assert reverse("plans:conflicts", args=[first.plan_id, 1]) in page


def test_archived_plans_and_old_versions_leave_the_default_dashboard(client_for, users, county, two_plans):  # type: ignore[no-untyped-def]
    import re

    from django.utils import timezone

    from xiangcun.plans.models import PlanVersion

    (first, _), (second, _) = two_plans
    second.plan.archived_at = timezone.now()
    second.plan.save()
    client = client_for(users["county_admin"])
    page = client.get(reverse("indicators:dashboard")).content.decode()
    assert _grain_rows(page) == 1 and re.search(r"≥ 8(\.0)?\s*万吨", page) and "重复" not in page
    PlanVersion.objects.create(
        plan=first.plan, number=2, filename="p2.docx", sha256="v2", size=1, status="confirmed"
    )
    page = client.get(reverse("indicators:dashboard")).content.decode()
    assert _grain_rows(page) == 0  # version 2 sets no grain target; version 1 is no longer current
    old = client.get(reverse("indicators:dashboard"), {"plan": first.pk}).content.decode()
    assert _grain_rows(old) == 1 and "旧版本" in old


def test_hand_targets_show_as_such_and_filter_on_their_own(client_for, users, tracked, two_plans):  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    manual = client.get(reverse("indicators:dashboard"), {"plan": "manual"}).content.decode()
    assert "手工添加" in manual and _grain_rows(manual) == 0 and "农村卫生厕所普及率" in manual


def test_dashboard_plan_filter_is_scoped(client_for, users, two_plans):  # type: ignore[no-untyped-def]
    (first, _), _ = two_plans
    from xiangcun.regions.models import Region

    other = Region(code="150000000000", name="别县", level="county")
    other.save()
    first.plan.region = other
    first.plan.save()
    assert (
        client_for(users["county_admin"]).get(reverse("indicators:dashboard"), {"plan": first.pk}).status_code
        == 404
    )
    assert (
        client_for(users["township_a"]).get(reverse("indicators:dashboard"), {"plan": "x"}).status_code == 200
    )


def test_a_department_opens_and_exports_only_its_own_indicators(client_for, users, tracked):  # type: ignore[no-untyped-def]
    """农业农村局 reports the toilets (N09), not the Engel coefficient (N19): the county's N19 figures are
    not its to read, on the page or in the export; the catalog links only what it may open."""
    department = client_for(users["department_reporter"])
    own = department.get(reverse("indicators:detail", args=["N09"]))
    assert own.status_code == 200 and "68.00" in own.content.decode()
    assert department.get(reverse("indicators:detail", args=["N19"])).status_code == 404
    assert department.get(reverse("indicators:detail", args=["N19"]), {"format": "xlsx"}).status_code == 404
    catalog = department.get(reverse("indicators:catalog")).content.decode()
    assert reverse("indicators:detail", args=["N09"]) in catalog
    assert reverse("indicators:detail", args=["N19"]) not in catalog
    # The county and the leader still open every indicator.
    assert client_for(users["leader"]).get(reverse("indicators:detail", args=["N19"])).status_code == 200
