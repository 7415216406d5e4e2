"""The 乡村振兴指数 page in a real browser: the county changes a dimension's weight and sees the townships'
index and ranking change, then downloads the ranking as it is shown and finds the same figures in the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from xiangcun.domain.catalog import NATIONAL
from xiangcun.domain.composite_index import DIMENSIONS
from xiangcun.indicators.models import Indicator, Observation, Target
from xiangcun.indicators.services import ensure_national

from .conftest import login


@pytest.fixture
def scores(county: Any) -> int:
    """One indicator per dimension, baseline 0 → target 100 (a value is its own score). 甲镇 is strong in
    产业兴旺 (80) and weak elsewhere (20); 乙乡 is 40 everywhere. Returns the year of the values."""
    year = timezone.localdate().year - 2  # the page's default year
    ensure_national()
    seen: set[str] = set()
    for item in NATIONAL:
        if item.dimension in seen or item.direction == "lower":
            continue
        seen.add(item.dimension)
        indicator = Indicator.objects.get(code=item.code)
        Target.objects.create(indicator=indicator, region=county.county, year=year + 3, value=100,
                              baseline_year=year - 4, baseline_value=0)  # fmt: skip
        town_a = 80.0 if item.dimension == "产业兴旺" else 20.0
        for region, value in ((county.town_a, town_a), (county.town_b, 40.0)):
            Observation.objects.create(
                indicator=indicator, region=region, year=year, value=value, status="approved"
            )
    assert seen == set(DIMENSIONS)
    return year


def test_changing_a_weight_changes_the_index_and_the_download_has_it(
    browser_page: Any, live_server: Any, users: Any, scores: int, tmp_path: Path
) -> None:
    page = browser_page
    login(page, live_server, "county", "pw-county")
    page.goto(f"{live_server.url}/indicators/index/")
    expect(page.get_by_role("heading", name=f"{scores} 年乡镇排名")).to_be_visible()
    ranking = page.locator("table").nth(1).locator("tbody tr")

    def row(n: int) -> list[str]:
        return [ranking.nth(n).locator("td").nth(k).inner_text() for k in range(3)]

    # Equal weights: 甲镇 (80 + 4 × 20) / 5 = 32 trails 乙乡's 40.
    expect(ranking.first).to_contain_text("乙乡")
    assert row(0) == ["1", "乙乡", "40.0"] and row(1) == ["2", "甲镇", "32.0"]

    # 产业兴旺 weighed six times the others: 甲镇 (6 × 80 + 4 × 20) / 10 = 56 now leads.
    expect(page.get_by_label("产业兴旺权重")).to_have_value("1")
    page.get_by_label("产业兴旺权重").fill("6")
    with page.expect_navigation():
        page.get_by_role("button", name="计算").click()
    expect(page.get_by_label("产业兴旺权重")).to_have_value("6")
    expect(ranking.first).to_contain_text("甲镇")
    assert row(0) == ["1", "甲镇", "56.0"] and row(1) == ["2", "乙乡", "40.0"]

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename == f"index-{scores}.xlsx"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved)["乡镇排名"]
    assert [c.value for c in sheet[1]][:3] == ["名次", "乡镇", "总指数"]
    assert [c.value for c in sheet[2]][:4] == [1, "甲镇", 56.0, 80.0]
    assert [c.value for c in sheet[3]][:3] == [2, "乙乡", 40.0]
