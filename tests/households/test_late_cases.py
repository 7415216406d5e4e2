"""Two kinds of late case, counted apart: an identification past the county's limit (15 days from discovery)
and a case whose pending step is past its deadline — on the statistics page, the monthly report and the
yearly report; and the settings page says when the step deadlines do not fit the limit."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.households.test_cases import login
from xiangcun.domain import report as domain_report
from xiangcun.households.models import Case, CaseSettings, Household
from xiangcun.reports.collect import household_figures

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture
def late_cases(registry):  # type: ignore[no-untyped-def]
    """A001: found 20 days ago, its 村内评议 due yesterday — past the 15 days, no step late.
    A002: found 5 days ago, 入户核实 for 5 days — within the 15 days, its step late (3 allowed).
    B001 (乙乡): an elimination whose 乡镇审核 waits for 30 days — a late step, no identification clock."""
    today = timezone.localdate()
    make = Case.objects.create
    make(household=Household.objects.get(code="A001"), channel="筛查规则", phase="识别", step=1,
         opened_at=today - 20 * DAY, step_started=today - DAY)  # fmt: skip
    make(household=Household.objects.get(code="A002"), channel="筛查规则", phase="识别", step=0,
         opened_at=today - 5 * DAY, step_started=today - 5 * DAY)  # fmt: skip
    make(household=Household.objects.get(code="B001"), channel="筛查规则", phase="消除", step=3,
         opened_at=today - 400 * DAY, step_started=today - 30 * DAY)  # fmt: skip


def test_statistics_page_counts_both_and_says_which_is_which(users, late_cases) -> None:  # type: ignore[no-untyped-def]
    page = login(users["county_admin"]).get(reverse("households:statistics")).content.decode()
    assert '<th class="num">识别超过15天的案件</th><th class="num">步骤超期的案件</th>' in page
    # 甲镇: 2 in identification, 1 past 15 days, 1 late step; 乙乡: 1 under elimination with a late step
    assert '<td>甲镇</td><td class="num">2</td><td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">1</td><td class="num">1</td>' in page  # fmt: skip
    assert '<td>乙乡</td><td class="num">0</td><td class="num">0</td><td class="num">1</td><td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">1</td>' in page  # fmt: skip
    assert '">1</div><div class="label">识别超过15天的案件</div>' in page
    assert '">2</div><div class="label">步骤超期的案件</div>' in page
    assert "超期未办步骤" not in page
    township_b = login(users["township_b"]).get(reverse("households:statistics")).content.decode()
    assert "甲镇" not in township_b and '">0</div><div class="label">识别超过15天的案件</div>' in township_b


def test_a_county_with_a_longer_limit_counts_against_its_own(users, county, late_cases) -> None:  # type: ignore[no-untyped-def]
    CaseSettings.objects.create(county=county.county, identification_days=30)
    page = login(users["county_admin"]).get(reverse("households:statistics")).content.decode()
    assert '">0</div><div class="label">识别超过30天的案件</div>' in page


def test_monthly_report_has_both_columns_and_totals(users, late_cases) -> None:  # type: ignore[no-untyped-def]
    response = login(users["county_admin"]).get(reverse("households:monthly_report"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["分乡镇统计"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "乡镇",
        "识别中",
        "帮扶中",
        "消除审核中",
        "已消除",
        "未纳入",
        "识别超过15天的案件",
        "步骤超期的案件",
    ]
    assert rows[1] == ["乙乡", 0, 0, 1, 0, 0, 0, 1] and rows[2] == ["甲镇", 2, 0, 0, 0, 0, 1, 1]
    assert rows[3] == ["合计", 2, 0, 1, 0, 0, 1, 2]


def test_yearly_report_states_both(county, late_cases) -> None:  # type: ignore[no-untyped-def]
    figures = household_figures(county.county, timezone.localdate().year)
    assert (figures["identification_overdue"], figures["overdue"]) == (1, 2)
    data = domain_report.ReportData(region="测试县", level="county", year=timezone.localdate().year,
                                    as_of=timezone.localdate().year, generated="", households=figures)  # fmt: skip
    section = domain_report.households(data)
    text = "\n".join(b.text for b in section.blocks if isinstance(b, domain_report.Paragraph))
    assert "识别超过15天的案件 1 件，办理步骤超过时限的案件 2 件" in text
    (table,) = [
        b for b in section.blocks if isinstance(b, domain_report.Table) and b.caption.startswith("分乡镇")
    ]
    assert table.columns[-2:] == ["识别超过15天的案件", "步骤超期的案件"] and table.rows[1][:1] + table.rows[
        1
    ][-2:] == ["甲镇", "1", "1"]
    advice = "\n".join(b.text for b in domain_report.suggestions(data).blocks if hasattr(b, "text"))
    assert "1 件案件自发现之日起超过识别时限" in advice and "2 件案件的办理步骤超过时限" in advice


def test_settings_page_shows_the_step_deadlines_and_warns_when_they_do_not_fit(
    users, county, settings
) -> None:  # type: ignore[no-untyped-def]
    client = login(users["county_admin"])
    page = client.get(reverse("households:settings")).content.decode()
    assert "入户核实 3、村内评议 2、村内公示 6、乡镇审核 2、县级审定 2，合计 15 天" in page
    assert "超过识别时限" not in page
    CaseSettings.objects.create(county=county.county, identification_days=12)
    page = client.get(reverse("households:settings")).content.decode()
    assert "各步骤办理时限合计 15 天" in page and "超过识别时限 12 天" in page
    settings.MONITORING = {**settings.MONITORING, "step_deadlines":
                           {"入户核实": 7, "村内评议": 7, "村内公示": 10, "乡镇审核": 10, "县级审定": 15}}  # fmt: skip
    CaseSettings.objects.filter(county=county.county).update(identification_days=15)
    page = client.get(reverse("households:settings")).content.decode()
    assert "各步骤办理时限合计 49 天" in page and "超过识别时限 15 天" in page
