"""The village cadre's phone: the menu behind a button, and a visit that survives a lost connection."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.households.conftest import registry  # noqa: F401 - the three-household registry

from .conftest import login


def test_menu_collapses_behind_a_button_on_the_phone(phone_page: Any, live_server: Any, users: Any) -> None:
    login(phone_page, live_server, "vil_a1", "pw-vil_a1")
    nav = phone_page.get_by_role("navigation", name="主导航")
    button = phone_page.get_by_role("button", name="菜单")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="防返贫监测")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390


def test_menu_is_open_on_the_desktop(browser_page: Any, live_server: Any, users: Any) -> None:
    login(browser_page, live_server, "county", "pw-county")
    expect(browser_page.get_by_role("button", name="菜单")).to_be_hidden()
    expect(browser_page.get_by_role("navigation", name="主导航")).to_be_visible()


def test_visit_survives_a_failed_submit(phone_page: Any, live_server: Any, users: Any, registry: Any) -> None:  # noqa: F811
    login(phone_page, live_server, "vil_a1", "pw-vil_a1")
    url = f"{live_server.url}/households/A001/visit/"
    phone_page.goto(url)
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("入户走访")
    camera = phone_page.locator("input[type=file]")
    expect(camera).to_have_attribute("capture", "environment")
    phone_page.get_by_label("核实情况（必填）").fill("大棚受灾，务工收入减少一半")
    phone_page.get_by_label("饮水安全有保障").check()
    phone_page.context.set_offline(True)
    try:
        phone_page.get_by_role("button", name="保存走访记录").click(no_wait_after=True)
        phone_page.wait_for_timeout(500)
    finally:
        phone_page.context.set_offline(False)
    phone_page.goto(url)
    expect(phone_page.get_by_text("已恢复上次未提交成功时填写的内容")).to_be_visible()
    expect(phone_page.get_by_label("核实情况（必填）")).to_have_value("大棚受灾，务工收入减少一半")
    expect(phone_page.get_by_label("饮水安全有保障")).to_be_checked()
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="保存走访记录").click()
    expect(phone_page.get_by_text("走访记录已保存")).to_be_visible()
    expect(phone_page.get_by_text("大棚受灾，务工收入减少一半")).to_be_visible()
    phone_page.goto(url)
    expect(phone_page.get_by_label("核实情况（必填）")).to_have_value("")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_visit_whose_response_was_lost_is_saved_once(
    phone_page: Any,
    live_server: Any,
    users: Any,
    registry: Any,  # noqa: F811
) -> None:
    """The server saves the visit but the answer never reaches the phone; the cadre reopens the page (the
    draft brings back what was typed and the form's token) and presses 保存 again: one visit, and the
    draft is cleared once the server has confirmed."""
    from xiangcun.households.models import Visit

    login(phone_page, live_server, "vil_a1", "pw-vil_a1")
    url = f"{live_server.url}/households/A001/visit/"
    lost: list[int] = []

    def lose_the_answer(route: Any) -> None:
        if route.request.method == "POST" and not lost:
            answer = route.fetch(max_redirects=0)  # the server handles the request...
            lost.append(answer.status)
            route.abort("connectionreset")  # ...and the phone never hears back
        else:
            route.continue_()

    phone_page.route("**/households/A001/visit/", lose_the_answer)
    phone_page.goto(url)
    phone_page.get_by_label("核实情况（必填）").fill("雨季房屋漏水，已联系住建部门")
    phone_page.get_by_label("住房安全有保障").check()
    with phone_page.expect_event("requestfailed"):
        phone_page.get_by_role("button", name="保存走访记录").click(no_wait_after=True)
    assert lost == [302] and Visit.objects.count() == 1  # saved on the server, unknown to the phone
    phone_page = phone_page.context.new_page()  # the cadre opens the visit page again (same browser storage)
    phone_page.goto(url)
    expect(phone_page.get_by_text("已恢复上次未提交成功时填写的内容")).to_be_visible()
    expect(phone_page.get_by_label("核实情况（必填）")).to_have_value("雨季房屋漏水，已联系住建部门")
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="保存走访记录").click()
    expect(phone_page.get_by_text("重复提交的内容没有再次保存")).to_be_visible()
    expect(phone_page.get_by_text("雨季房屋漏水，已联系住建部门")).to_be_visible()
    assert Visit.objects.count() == 1
    phone_page.goto(url)
    expect(phone_page.get_by_label("核实情况（必填）")).to_have_value("")
    expect(phone_page.get_by_text("已恢复上次未提交成功时填写的内容")).to_be_hidden()
