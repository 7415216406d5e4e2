"""The medical calculator (医疗保障三重制度) in a real browser: a township cadre fills in a hospital stay and
reads what each layer pays; the figures are the hand-computed ones of tests/domain/medical."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import login

# The same county-hospital stay for a 低保 member and for someone in no assisted category (no medical
# assistance, more to pay), each with what each layer pays and how the first layer was worked out.
STAYS = [
    pytest.param(
        "低保", "30000", "20000",
        {"基本医保": "14,775.00", "大病保险": "146.25", "医疗救助": "3,555.13", "医院承担": "5,500.00",
         "个人自付": "6,023.63"},
        "基本医保 = max(0, 20,000.00元 − 起付线 300.00元) × 75% = 14,775.00元",
        id="低保",
    ),
    pytest.param(
        "其他", "120000", "100000",
        {"基本医保": "74,775.00", "大病保险": "9,135.00", "医疗救助": "0.00", "医院承担": "0.00",
         "个人自付": "36,090.00"},
        "基本医保 = max(0, 100,000.00元 − 起付线 300.00元) × 75% = 74,775.00元",
        id="未纳入救助",
    ),
]  # fmt: skip


def figure(page: Any, label: str) -> Any:
    return (
        page.get_by_role("region", name="计算结果").locator(".card").filter(has_text=label).locator(".figure")
    )


def _open_calculator(page: Any, live_server: Any) -> None:
    login(page, live_server, "town_a", "pw-town_a")
    page.goto(f"{live_server.url}/households/")
    page.get_by_role("navigation", name="防返贫监测").get_by_role("link", name="医疗救助计算").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("医疗保障三重制度计算")
    expect(page.get_by_text("适用 测试县")).to_be_visible()


def _fill_stay(page: Any, category: str, total: str, in_list: str) -> None:
    page.get_by_label("人员类别").select_option(category)
    page.get_by_label("费用类型").select_option("住院")
    page.get_by_label("医院级别（住院）").select_option("县级")
    expect(page.get_by_label("省内就医")).to_be_checked()
    page.get_by_label("总费用（元）").fill(total)
    page.get_by_label("目录内费用（元）").fill(in_list)
    with page.expect_navigation():
        page.get_by_role("button", name="计算").click()


@pytest.mark.parametrize(("category", "total", "in_list", "pays", "first_step"), STAYS)
def test_fill_in_a_hospital_stay_and_read_what_each_layer_pays(
    browser_page: Any,
    live_server: Any,
    users: Any,
    category: str,
    total: str,
    in_list: str,
    pays: dict[str, str],
    first_step: str,
) -> None:
    page = browser_page
    _open_calculator(page, live_server)
    _fill_stay(page, category, total, in_list)
    for layer, amount in pays.items():
        expect(figure(page, f"{layer}（元）")).to_have_text(amount)
    expect(page.locator("ol.steps")).to_contain_text(first_step)
    expect(page.get_by_label("人员类别")).to_have_value(category)  # the form keeps what was typed
    expect(page.get_by_label("目录内费用（元）")).to_have_value(in_list)


def test_more_in_the_list_than_the_whole_bill_is_refused(
    browser_page: Any, live_server: Any, users: Any
) -> None:
    page = browser_page
    _open_calculator(page, live_server)
    _fill_stay(page, "其他", "120000", "130000")  # a slip of the pen
    expect(page.get_by_role("alert")).to_have_text("目录内费用不能大于总费用")
    expect(page.locator(".card")).to_have_count(0)
