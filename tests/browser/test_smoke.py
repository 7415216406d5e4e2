from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .conftest import login


def test_county_admin_logs_in_and_sees_the_home_page(browser_page: Any, live_server: Any, users: Any) -> None:
    login(browser_page, live_server, "county", "pw-county")
    expect(browser_page.get_by_role("heading", level=1)).to_have_text("测试县")
    expect(browser_page.get_by_role("navigation", name="主导航")).to_contain_text("防返贫监测")


def test_phone_width_login_works(phone_page: Any, live_server: Any, users: Any) -> None:
    login(phone_page, live_server, "town_a", "pw-town_a")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("甲镇")
