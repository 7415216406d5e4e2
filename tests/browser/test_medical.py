"""The medical calculator (医疗保障三重制度) in a real browser: a township cadre fills in a hospital stay and
reads what each layer pays; the figures are the hand-computed ones of tests/domain/medical."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .conftest import login


def figure(page: Any, label: str) -> Any:
    return (
        page.get_by_role("region", name="计算结果").locator(".card").filter(has_text=label).locator(".figure")
    )


def test_fill_in_a_hospital_stay_and_read_what_each_layer_pays(
    browser_page: Any, live_server: Any, users: Any
) -> None:
    page = browser_page
    login(page, live_server, "town_a", "pw-town_a")
    page.goto(f"{live_server.url}/households/")
    page.get_by_role("navigation", name="防返贫监测").get_by_role("link", name="医疗救助计算").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("医疗保障三重制度计算")
    expect(page.get_by_text("适用 测试县")).to_be_visible()

    # A 低保 member, 30 000 元 in a county hospital, 20 000 of it in the insurance list.
    page.get_by_label("人员类别").select_option("低保")
    page.get_by_label("费用类型").select_option("住院")
    page.get_by_label("医院级别（住院）").select_option("县级")
    expect(page.get_by_label("省内就医")).to_be_checked()
    page.get_by_label("总费用（元）").fill("30000")
    page.get_by_label("目录内费用（元）").fill("20000")
    with page.expect_navigation():
        page.get_by_role("button", name="计算").click()
    expect(figure(page, "基本医保（元）")).to_have_text("14,775.00")
    expect(figure(page, "大病保险（元）")).to_have_text("146.25")
    expect(figure(page, "医疗救助（元）")).to_have_text("3,555.13")
    expect(figure(page, "医院承担（元）")).to_have_text("5,500.00")
    expect(figure(page, "个人自付（元）")).to_have_text("6,023.63")
    expect(page.locator("ol.steps")).to_contain_text(
        "基本医保 = max(0, 20,000.00元 − 起付线 300.00元) × 75% = 14,775.00元"
    )
    expect(page.get_by_label("人员类别")).to_have_value("低保")  # the form keeps what was typed

    # The same stay for someone in no assisted category: no medical assistance, more to pay.
    page.get_by_label("人员类别").select_option("其他")
    page.get_by_label("总费用（元）").fill("120000")
    page.get_by_label("目录内费用（元）").fill("100000")
    with page.expect_navigation():
        page.get_by_role("button", name="计算").click()
    expect(figure(page, "基本医保（元）")).to_have_text("74,775.00")
    expect(figure(page, "大病保险（元）")).to_have_text("9,135.00")
    expect(figure(page, "医疗救助（元）")).to_have_text("0.00")
    expect(figure(page, "个人自付（元）")).to_have_text("36,090.00")

    # A slip of the pen: more in the list than the whole bill.
    page.get_by_label("目录内费用（元）").fill("130000")
    with page.expect_navigation():
        page.get_by_role("button", name="计算").click()
    expect(page.get_by_role("alert")).to_have_text("目录内费用不能大于总费用")
    expect(page.locator(".card")).to_have_count(0)
