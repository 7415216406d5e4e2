"""The 风险筛查 list (issue 16 item 10): pages, 户主 and 村 columns, a rule filter, an audited Excel
export; the threshold it used (item 8); Chinese rule names and formatted numbers (item 6)."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse

from tests.domain.households.factory import finance, household, id_number, member, workbook
from tests.households.test_cases import login
from xiangcun.households.models import MonitoringThreshold
from xiangcun.households.services import import_households

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(county):  # type: ignore[no-untyped-def]
    """60 households in 甲一村 with unsafe housing, 20 of them also poor; 5 in 乙一村."""
    households = [household(f"A{i:03d}", 户主姓名=f"户主{i}", 住房安全等级="C") for i in range(60)]
    households += [household(f"B{i:03d}", village="140000002201", 住房安全等级="D") for i in range(5)]
    members = [member(h["户编号"], id_number("19800101", n)) for n, h in enumerate(households)]
    finances = [finance(h["户编号"], 2025, 工资性收入=3000 if n < 20 else 50000, 生产经营性收入=0, 生产经营性支出=0)
                for n, h in enumerate(households)]  # fmt: skip
    assert import_households(workbook(households, members, finances), "r.xlsx").ok


def test_the_list_is_paginated_with_head_and_village_and_a_rule_filter(users, many):  # type: ignore[no-untyped-def]
    client = login(users["township_a"])
    url = reverse("households:screening")
    page = client.get(url, {"year": 2025}).content.decode()
    assert "触发预警 <strong>60</strong> 户" in page and "第 1 / 2 页" in page
    assert page.count('href="/households/A0') == 50 and "B000" not in page  # scoped
    assert "<td>户主0</td><td>甲镇</td><td>甲一村</td>" in page
    text = re.sub(r"<[^>]+>", " ", page)  # what a person reads: no rule codes, no "4000.0"
    assert "4,000.00" in text and "4000.0" not in text and "INCOME_BELOW" not in text
    second = client.get(url, {"year": 2025, "page": 2}).content.decode()
    assert second.count('href="/households/A0') == 10 and "year=2025&page=1" in second
    poor = client.get(url, {"year": 2025, "rule": "INCOME_BELOW"}).content.decode()
    assert "触发预警 <strong>20</strong> 户（收入低于监测标准）" in poor and "第 1 / 2 页" not in poor
    assert "A019" in poor and "A020" not in poor
    assert "本县未录入 2025 年监测标准，按国家扶贫标准 4,000.00 元的 1.5 倍暂按 6,000.00 元/人·年筛查" in poor


def test_the_export_is_filtered_scoped_audited_and_only_for_roles_that_see_names(users, many):  # type: ignore[no-untyped-def]
    url = reverse("households:screening_export")
    assert login(users["leader"]).get(url, {"year": 2025}).status_code == 403
    response = login(users["township_a"]).get(url, {"year": 2025, "rule": "INCOME_BELOW"})
    assert response.status_code == 200 and "screening-2025.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "2025 年监测标准" in rows[0][0] and "收入低于监测标准" in rows[0][0]
    assert rows[1] == ("户编号", "户主", "乡镇", "村", "人均纯收入（元）", "触发规则")
    assert len(rows) == 22 and rows[2][:4] == ("A000", "户主0", "甲镇", "甲一村")
    assert all(not r[0].startswith("B") for r in rows[2:])  # another township's households are not exported
    assert LogEntry.objects.filter(actor=users["township_a"], action=LogEntry.Action.ACCESS).exists()


def test_screening_states_the_year_of_the_threshold_it_used(users, county, many):  # type: ignore[no-untyped-def]
    MonitoringThreshold.objects.create(region=county.county, year=2025, value=60000, basis="低保标准的 2 倍")
    page = login(users["county_admin"]).get(reverse("households:screening"), {"year": 2025}).content.decode()
    assert "采用本县 2025 年监测标准 60,000.00 元/人·年（依据：低保标准的 2 倍）" in page
    assert "触发预警 <strong>65</strong> 户" in page
    out, err = io.StringIO(), io.StringIO()
    call_command("screen", "--year", "2025", "--json", stdout=out, stderr=err)
    rows = json.loads(out.getvalue())  # the JSON contract is unchanged
    assert (
        set(rows[0]) == {"household", "rules", "per_capita_income"} and rows[0]["rules"][0] == "INCOME_BELOW"
    )
    assert "采用本县 2025 年监测标准 60,000.00 元" in err.getvalue()
    out = io.StringIO()
    call_command("screen", "--year", "2024", stdout=out)
    assert out.getvalue().startswith("2024年筛查：本县未录入 2024 年监测标准")
    call_command("screen", "--year", "2025", stdout=(out := io.StringIO()))
    assert "收入低于监测标准、住房不安全" in out.getvalue() and "人均纯收入 4,000.00 元" in out.getvalue()


def test_household_page_shows_rule_names_and_formatted_money(users, many):  # type: ignore[no-untyped-def]
    page = login(users["township_a"]).get(reverse("households:detail", args=["A001"])).content.decode()
    assert "<strong>收入低于监测标准</strong>" in page and "（INCOME_BELOW）" not in page
    assert "人均纯收入 4,000.00 元" in page and "4000.00<" not in page
