from __future__ import annotations

from xiangcun.domain.user_agents import describe

WIN_CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
IPHONE_WECHAT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 MicroMessenger/8.0.40"
)
WIN_EDGE = WIN_CHROME + " Edg/120.0"


def test_a_session_list_names_device_browser_and_system() -> None:
    assert describe(WIN_CHROME) == "电脑 · Chrome（Windows）"
    assert describe(WIN_EDGE) == "电脑 · Edge（Windows）"
    assert describe(IPHONE_WECHAT) == "手机 · 微信（iOS）"
    assert describe("") == "未知设备"
    assert describe("curl/8.0") == "电脑 · 其他浏览器"
