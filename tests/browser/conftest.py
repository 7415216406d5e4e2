"""Browser tests: Playwright's sync API driving Debian's chromium against pytest-django's live server.

The whole folder is skipped, with the reason in the summary, when the `playwright` package or a chromium
binary is missing. `XIANGCUN_CHROMIUM` overrides the binary (default /usr/bin/chromium). A failing test
leaves a screenshot and the page's HTML under test-artifacts/ and names them in the failure report.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make there are
# still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BROWSER_DIR = Path(__file__).resolve().parent
ARTIFACTS = BROWSER_DIR.parents[1] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str | None:
    candidate = os.environ.get("XIANGCUN_CHROMIUM") or "/usr/bin/chromium"
    if Path(candidate).is_file() and os.access(candidate, os.X_OK):
        return candidate
    return shutil.which(candidate)


def _skip_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "浏览器测试已跳过：未安装 playwright（pip install -e '.[test]'）"
    if chromium_path() is None:
        wanted = os.environ.get("XIANGCUN_CHROMIUM") or "/usr/bin/chromium"
        return (
            f"浏览器测试已跳过：未找到 chromium（{wanted}；apt install chromium，或设置 XIANGCUN_CHROMIUM）"
        )
    return None


SKIP_REASON = _skip_reason()
# Without playwright the test modules cannot even be imported: leave them uncollected (the summary says why).
collect_ignore_glob = ["test_*.py"] if SKIP_REASON and "playwright" in SKIP_REASON else []


def _in_browser_dir(item: pytest.Item) -> bool:
    return BROWSER_DIR in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SKIP_REASON is None:
        return
    marker = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if _in_browser_dir(item):
            item.add_marker(marker)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SKIP_REASON is not None:
        terminalreporter.write_line(SKIP_REASON, yellow=True, bold=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.when == "call" and report.failed and _in_browser_dir(item):
        saved = _save_artifacts(item)
        if saved:
            report.sections.append(("浏览器测试失败现场", "\n".join(saved)))
            print("\n浏览器测试失败现场：" + "，".join(saved))
    return report


def _save_artifacts(item: pytest.Item) -> list[str]:
    from playwright.sync_api import Page

    funcargs: dict[str, Any] = getattr(item, "funcargs", {})
    pages = [value for value in funcargs.values() if isinstance(value, Page)]
    if not pages:
        return []
    ARTIFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", item.nodeid).strip("_")[-150:]
    saved: list[str] = []
    for number, page in enumerate(pages):
        base = ARTIFACTS / (stem if number == 0 else f"{stem}-{number}")
        try:
            page.screenshot(path=str(base.with_suffix(".png")), full_page=True)
            saved.append(str(base.with_suffix(".png")))
        except Exception as exc:  # noqa: BLE001 - a dead page must not hide the real failure
            saved.append(f"截图失败：{exc}")
        try:
            base.with_suffix(".html").write_text(page.content(), encoding="utf-8")
            saved.append(str(base.with_suffix(".html")))
        except Exception as exc:  # noqa: BLE001
            saved.append(f"保存页面失败：{exc}")
    return saved


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _page(browser: Any, viewport: dict[str, int]) -> Iterator[Any]:
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def browser_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser context and page at 1440 × 900 (the live server runs for the test)."""
    yield from _page(browser, DESKTOP)


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser context and page at phone width, 390 × 844."""
    yield from _page(browser, PHONE)


def login(page: Any, live_server: Any, username: str, password: str) -> None:
    """Log in through the real login form and wait for the page it leads to."""
    # The live server's first page (imports, templates) can take well over 10 s on a loaded CI machine.
    page.goto(f"{live_server.url}/login/", timeout=60_000)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    if "/login/" in page.url:
        raise AssertionError(f"以 {username} 登录失败，仍停留在登录页：{page.url}")


@pytest.fixture
def log_in(live_server: Any) -> Callable[[Any, str, str], None]:
    """`log_in(page, username, password)`: `login` with the live server filled in."""

    def go(page: Any, username: str, password: str) -> None:
        login(page, live_server, username, password)

    return go
