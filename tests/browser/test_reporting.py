"""数据填报 in a real browser: a validation error keeps what was typed and shows where the problem is."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from xiangcun.indicators.models import Indicator, Observation
from xiangcun.indicators.services import ensure_national

from .conftest import login


def test_a_bad_value_keeps_every_other_typed_value_and_highlights_its_row(
    browser_page: Any, live_server: Any, users: Any, county: Any
) -> None:
    ensure_national()
    toilets, manure, grain = (Indicator.objects.get(code=c) for c in ("N09", "N06", "N01"))
    page = browser_page
    login(page, live_server, "agri", "pw-agri")
    page.goto(f"{live_server.url}/indicators/report/?year=2024")

    def value_input(indicator: Indicator, region: Any) -> Any:
        return page.get_by_label(f"{indicator.name} {region.name} 数值", exact=True)

    typed = {
        (toilets, county.county): "86.5",
        (grain, county.town_a): "3.25",
        (grain, county.town_b): "1,200",
        (manure, county.county): "120",  # a percentage over 100
    }
    for (indicator, region), value in typed.items():
        value_input(indicator, region).fill(value)
    page.get_by_label(f"{toilets.name} {county.county.name} 说明", exact=True).fill("全县改厕项目完工")
    page.get_by_role("button", name="提交审核").click()

    expect(page.get_by_role("alert")).to_contain_text("没有保存任何数据")
    for (indicator, region), value in typed.items():
        expect(value_input(indicator, region)).to_have_value(value)
    expect(page.get_by_label(f"{toilets.name} {county.county.name} 说明", exact=True)).to_have_value(
        "全县改厕项目完工"
    )
    bad_row = page.locator(f"#row-{manure.pk}-{county.county.pk}")
    expect(bad_row).to_have_class("row-error")
    expect(bad_row).to_contain_text("百分比应在 0–100 之间（填了 120）")
    expect(page.locator("tr.row-error")).to_have_count(1)
    expect(value_input(manure, county.county)).to_be_focused()
    expect(value_input(manure, county.county)).to_be_in_viewport()
    assert not Observation.objects.exists()

    value_input(manure, county.county).fill("62")
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("已提交审核。")).to_be_visible()
    assert Observation.objects.filter(status="submitted").count() == 4


def test_the_county_approves_several_rows_at_once(
    browser_page: Any, live_server: Any, users: Any, county: Any
) -> None:
    ensure_national()
    toilets, manure, grain = (Indicator.objects.get(code=c) for c in ("N09", "N06", "N01"))
    Observation.objects.create(
        indicator=toilets, region=county.county, year=2023, value=78.25, status="approved"
    )
    rows = [
        Observation.objects.create(indicator=i, region=county.county, year=2024, value=v, status="submitted")
        for i, v in ((toilets, 82), (manure, 61.5), (grain, 8))
    ]
    page = browser_page
    login(page, live_server, "county", "pw-county")
    page.goto(f"{live_server.url}/indicators/review/")
    toilets_row = page.get_by_role("row").filter(has_text=toilets.name)
    expect(toilets_row).to_contain_text("78.25")  # last year's value beside this year's
    page.get_by_label(f"选择 {toilets.name} 测试县").check()
    page.get_by_label(f"选择 {grain.name} 测试县").check()
    page.get_by_role("button", name="批量通过所选").click()
    expect(page.get_by_text("已通过 2 条数据。")).to_be_visible()
    statuses = {o.pk: o.status for o in Observation.objects.filter(year=2024)}
    assert statuses == {rows[0].pk: "approved", rows[1].pk: "submitted", rows[2].pk: "approved"}
    page.get_by_label("全选").check()
    page.get_by_role("button", name="批量通过所选").click()
    expect(page.get_by_text("已通过 1 条数据。")).to_be_visible()
    expect(page.get_by_text("没有待审核的数据。")).to_be_visible()
