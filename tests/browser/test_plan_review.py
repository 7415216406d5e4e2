"""Plan review at 1440 px (issue 16, item 5): the 文中目标 table fits its box, so every row's 确认 and 剔除
are on screen without horizontal scrolling. The plan is the real 永和 plan from the shared seeds, read by
the real extractor (its prose targets have long subjects and quotes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from xiangcun.plans import services

from .conftest import login

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"真实规划样本目录不存在：{SEEDS}")
def test_prose_target_buttons_fit_the_box_at_1440(
    browser_page: Any, live_server: Any, users: Any, county: Any
) -> None:
    seed = next(SEEDS.glob("003_*.txt"))
    version = services.import_plan(seed.read_bytes(), "yonghe.txt", users["county_admin"], county.county)
    assert version.items.filter(kind="target").count() >= 10
    page = browser_page
    login(page, live_server, "county", "pw-county")
    page.goto(f"{live_server.url}/plans/{version.plan_id}/v{version.number}/?kind=target")

    box = page.locator("section.items")
    expect(box).to_be_visible()
    right_edge = box.bounding_box()["x"] + box.bounding_box()["width"]
    viewport = page.viewport_size["width"]
    wrap = page.locator("section.items .table-wrap")
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), "文中目标表格比它的框宽，需要横向滚动"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "整页出现横向滚动"

    for name in ("确认", "剔除"):
        buttons = box.get_by_role("button", name=name, exact=True)
        assert buttons.count() >= 10
        for i in range(buttons.count()):
            bounds = buttons.nth(i).bounding_box()
            assert bounds is not None
            assert bounds["x"] + bounds["width"] <= right_edge + 0.5, (
                f"第{i + 1}行的“{name}”超出了表格所在的框"
            )
            assert bounds["x"] + bounds["width"] <= viewport, f"第{i + 1}行的“{name}”在屏幕之外"

    # The disabled confirm button says why, in the page.
    expect(page.get_by_text("暂不能确认：还有")).to_be_visible()
