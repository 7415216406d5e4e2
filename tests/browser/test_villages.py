"""A village cadre opens the village's profile (一村一档) on the phone: readable without sideways scrolling."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.villages.conftest import plan  # noqa: F401 - a confirmed plan with lists and a merge

from .conftest import login


def test_village_profile_fits_a_phone(
    phone_page: Any,
    live_server: Any,
    users: Any,
    county: Any,
    plan: Any,  # noqa: F811
) -> None:
    login(phone_page, live_server, "vil_a1", "pw-vil_a1")
    phone_page.goto(f"{live_server.url}/villages/{county.village_a1.code}/")
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("甲一村")
    expect(phone_page.get_by_role("heading", name="规划中的类别")).to_be_visible()
    expect(phone_page.get_by_role("link", name="测试县乡村振兴规划（第1版） 第7行")).to_be_visible()
    expect(phone_page.get_by_role("heading", name="台账")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
