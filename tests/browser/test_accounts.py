"""Accounts in a real browser: a county administrator adds and disables an account; a leader's menus."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from xiangcun.accounts.models import User

from .conftest import login


def test_a_county_admin_adds_an_account_and_disables_it(
    browser_page: Any, live_server: Any, users: Any
) -> None:
    page = browser_page
    login(page, live_server, "county", "pw-county")
    page.goto(f"{live_server.url}/accounts/users/")
    page.get_by_role("link", name="新建账号").click()
    page.get_by_label("用户名", exact=True).fill("zhang_san")
    page.get_by_label("姓名", exact=True).fill("张三")
    page.get_by_label("角色", exact=True).select_option(label="村级信息员")
    page.get_by_label("管辖区域", exact=True).select_option(label="甲镇（乡镇）")
    page.get_by_label("初始密码", exact=True).fill("Qingshan-2025!")
    page.get_by_label("再输一次", exact=True).fill("Qingshan-2025!")
    page.get_by_role("button", name="新建").click()
    # The region does not fit the role: the page says so and keeps what was typed.
    expect(page.get_by_text("村级信息员的管辖区域应为行政村或社区")).to_be_visible()
    expect(page.get_by_label("用户名", exact=True)).to_have_value("zhang_san")
    page.get_by_label("管辖区域", exact=True).select_option(label="　　甲一村（行政村）")
    page.get_by_label("初始密码", exact=True).fill("Qingshan-2025!")
    page.get_by_label("再输一次", exact=True).fill("Qingshan-2025!")
    page.get_by_role("button", name="新建").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("账号 zhang_san（张三）")
    page.get_by_role("button", name="停用账号").click()
    expect(page.get_by_text("已停用账号 zhang_san。")).to_be_visible()
    assert not User.objects.get(username="zhang_san").is_active


def test_a_leader_on_a_phone_sees_no_data_entry_or_api_keys(
    phone_page: Any, live_server: Any, users: Any
) -> None:
    page = phone_page
    login(page, live_server, "leader", "pw-leader")
    page.get_by_role("button", name="菜单").click()  # on a phone the menu folds behind its button
    expect(page.get_by_role("link", name="修改密码")).to_be_visible()
    expect(page.get_by_role("link", name="接口密钥")).to_have_count(0)
    page.goto(f"{live_server.url}/indicators/dashboard/")
    expect(page.get_by_role("link", name="目标进度")).to_be_visible()
    expect(page.get_by_role("link", name="数据填报")).to_have_count(0)


def test_a_reset_password_is_replaced_at_the_next_login_and_a_second_factor_added(
    browser_page: Any, live_server: Any, users: Any
) -> None:
    import re

    import pyotp

    from xiangcun.accounts.forms import ResetPasswordForm

    form = ResetPasswordForm(
        users["township_a"], {"new_password1": "Chushi-2025!", "new_password2": "Chushi-2025!"}
    )
    assert form.is_valid()
    form.save()
    page = browser_page
    login(page, live_server, "town_a", "Chushi-2025!")
    expect(page.get_by_role("heading", level=1)).to_have_text("修改密码")
    expect(page.get_by_text("请先修改为只有您自己知道的密码")).to_be_visible()
    page.goto(f"{live_server.url}/households/")  # any other page leads back here
    expect(page.get_by_role("heading", level=1)).to_have_text("修改密码")
    page.get_by_label("当前密码").fill("Chushi-2025!")
    page.get_by_label("新密码").fill("Ziji-de-Mima-7")
    page.get_by_label("再输一次").fill("Ziji-de-Mima-7")
    page.get_by_role("button", name="修改密码").click()
    expect(page.get_by_text("密码已修改。")).to_be_visible()
    # Second factor: read the secret off the page as a user would type it into the app.
    page.goto(f"{live_server.url}/accounts/totp/")
    expect(page.locator("figure.qr svg")).to_be_visible()
    secret = re.sub(r"\s", "", page.locator("figure.qr code").inner_text())
    page.get_by_label("动态验证码").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="启用二次验证").click()
    expect(page.get_by_text("已启用二次验证")).to_be_visible()
    page.get_by_role("button", name="退出").click()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("town_a")
    page.get_by_label("密码").fill("Ziji-de-Mima-7")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("二次验证")
    page.get_by_label("动态验证码").fill(pyotp.TOTP(secret).at(__import__("time").time() + 30))
    page.get_by_role("button", name="验证并登录").click()
    expect(page.get_by_role("link", name="修改密码")).to_be_visible()
    assert "/login/" not in page.url and "/totp/" not in page.url
