"""A browser's User-Agent header as a person reads it in a session list: 电脑 · Chrome（Windows）."""

from __future__ import annotations

# (marker in the header, name shown), checked in order: the first match wins (Edge and QQ also say Chrome).
BROWSERS = (
    ("MicroMessenger", "微信"),
    ("QQBrowser", "QQ浏览器"),
    ("360SE", "360浏览器"),
    ("QIHU", "360浏览器"),
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chrome"),
    ("Safari/", "Safari"),
)
SYSTEMS = (
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def describe(agent: str) -> str:
    """Device, browser and system in a few words; "未知设备" when the header says nothing usable."""
    if not agent.strip():
        return "未知设备"
    if "iPad" in agent or "Tablet" in agent:
        device = "平板"
    elif "Mobile" in agent or "Android" in agent or "iPhone" in agent:
        device = "手机"
    else:
        device = "电脑"
    browser = next((name for marker, name in BROWSERS if marker in agent), "其他浏览器")
    system = next((name for marker, name in SYSTEMS if marker in agent), "")
    return f"{device} · {browser}" + (f"（{system}）" if system else "")
