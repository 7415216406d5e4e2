"""The township cadre's phone: open the toilet ledger, filter to the rows waiting for the township, and
record the township's acceptance of one household."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.ledgers.conftest import households, toilet, toilet_book  # noqa: F401 - two registered households
from xiangcun.ledgers import services
from xiangcun.ledgers.models import ToiletRecord

from .conftest import login


def test_filter_the_toilet_ledger_and_record_an_acceptance_on_the_phone(
    phone_page: Any,
    live_server: Any,
    county: Any,
    users: Any,
    households: Any,  # noqa: F811
) -> None:
    rows = [toilet(), toilet(户编号="", 户主姓名="赵六", 所在村="甲二村", 施工方验收日期="", 施工方验收人="",
                             村验收日期="", 村验收人="")]  # fmt: skip
    assert services.import_toilets(toilet_book(rows), "t.xlsx", county.county).ok
    page = phone_page
    login(page, live_server, "town_a", "pw-town_a")
    page.goto(f"{live_server.url}/ledgers/toilets/")
    expect(page.get_by_role("heading", level=1)).to_have_text("户厕台账")
    table = page.locator("table").first
    expect(table.get_by_role("link", name="王大")).to_be_visible()
    expect(table.get_by_role("link", name="赵六")).to_be_visible()
    page.get_by_label("验收状态").select_option("待镇验收")
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()
    expect(table.get_by_role("link", name="赵六")).to_have_count(0)
    with page.expect_navigation():
        table.get_by_role("link", name="王大").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("户厕：王大")
    expect(page.get_by_text("验收状态：待镇验收")).to_be_visible()
    page.get_by_label("镇验收日期").fill("2023-05-20")
    page.get_by_label("镇验收人").fill("镇干部张三")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存（记入审计日志）")).to_be_visible()
    expect(page.get_by_text("验收状态：待县验收")).to_be_visible()
    record = ToiletRecord.objects.get(name="王大")
    assert str(record.township_date) == "2023-05-20" and record.township_by == "镇干部张三"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
