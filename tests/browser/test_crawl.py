"""Every role, every page: log in as each demo role at phone width and follow the links the pages offer.

Fails on a server error, a link the page offered that leads to 404, English words or template leftovers in
the visible text, and a page wider than the 390 px viewport. Bounded: at most PAGES_PER_ROLE pages per role
and PER_PATTERN pages per URL pattern (/households/A001/ and /households/A002/ are one pattern). Downloads
(exports, .xlsx/.docx, photos) are fetched, not rendered. Prints the pages and links checked per role.
"""

from __future__ import annotations

import io
import os
import re
import time
from collections import Counter
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

from .conftest import PHONE, login

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = ("admin", "county", "nongye", "township", "village", "leader")
PASSWORD = "xiangcun-demo"
PAGES_PER_ROLE = int(os.environ.get("XIANGCUN_CRAWL_PAGES", "120"))
PER_PATTERN = 1
SKIP = re.compile(r"^/(logout|admin|static|api/(?!tokens))|/logout/")
DOWNLOAD = re.compile(
    r"(export|download|\.xlsx|\.docx|\.csv|\.pdf|\.zip|/photos?/|/evidence/|/file/|format=(xlsx|docx|csv|pdf))",
    re.I,
)
LEFTOVERS = (
    "{{",
    "}}",
    "{%",
    "%}",
    "None",
    "True",
    "False",
    "---------",
    "nan",
    "NaN",
    "undefined",
    "[object",
)
# ASCII words a Chinese user may see: product and file names, units, demo account names (data, not labels).
ALLOWED = {
    "API", "Excel", "PDF", "xiangcun", "Token", "CSV", "XLSX", "DOCX", "JSON", "WebP", "HTTP", "HTTPS",
    "admin", "county", "nongye", "township", "village", "leader", "Word", "WPS", "Bearer", "REST",
    "Authorization", "GDP", "docx", "xlsx", "jpeg",
    # Browsers and systems in the session list (电脑 · Chrome（Windows）).
    "Chrome", "Firefox", "Safari", "Edge", "Windows", "Android", "macOS", "Linux",
}  # fmt: skip
WORD = re.compile(r"(?<![A-Za-z0-9_./:-])[A-Za-z]{4,}(?![A-Za-z0-9_])")


PROGRESS = open(os.environ["XIANGCUN_CRAWL_LOG"], "a") if os.environ.get("XIANGCUN_CRAWL_LOG") else None  # noqa: SIM115


def pattern(path: str, query: str) -> str:
    """/households/A001/visit/?case=3 → /households/*/visit/?case"""
    parts = [re.sub(r"^[A-Za-z]*\d[\w-]*$", "*", p) for p in path.split("/")]
    keys = sorted({kv.split("=")[0] for kv in query.split("&") if kv})
    return "/".join(parts) + ("?" + "&".join(keys) if keys else "")


def visible_problems(text: str) -> list[str]:
    found = [
        f"模板残留「{x}」" for x in LEFTOVERS if re.search(rf"(?<![A-Za-z]){re.escape(x)}(?![A-Za-z])", text)
    ]
    words = sorted({w for w in WORD.findall(text) if w not in ALLOWED})
    if words:
        found.append("英文：" + "、".join(words[:8]))
    return found


@pytest.fixture
def demo(transactional_db: Any, live_server: Any) -> None:
    call_command("demo", "--villages", "12", "--households", "150", "--quiet", stdout=io.StringIO())


def crawl(page: Any, base: str, role: str) -> tuple[int, int, list[str]]:
    login(page, _Server(base), role, PASSWORD)
    seen_patterns: Counter[str] = Counter()
    queue: list[tuple[str, str]] = [("/", "首页")]
    visited: set[str] = set()
    problems: list[str] = []
    links = pages = 0
    while queue and pages < PAGES_PER_ROLE:
        url, source = queue.pop(0)
        if url in visited:
            continue
        visited.add(url)
        if DOWNLOAD.search(url):
            problems += _fetch(page, base, url, source, role)
            continue
        try:
            response = page.goto(base + url, wait_until="domcontentloaded")
        except Exception as exc:
            if "Download is starting" not in str(exc):
                raise
            problems += _fetch(page, base, url, source, role)
            continue
        pages += 1
        status = response.status if response else 0
        if status >= 500 or status == 404:
            problems.append(f"{role} {url}（来自 {source}）返回 {status}")
            continue
        if status >= 400:  # 403: a link the role may see but not use is a smaller problem; note it
            problems.append(f"{role} {url}（来自 {source}）返回 {status}")
            continue
        # Command names in <code> (`xiangcun funds`) are meant to be typed as they are: not checked.
        text = page.evaluate(
            "(() => { const hidden = [...document.querySelectorAll('code, kbd, samp, pre')];"
            " hidden.forEach(e => e.style.display = 'none'); const t = document.body.innerText;"
            " hidden.forEach(e => e.style.display = ''); return t; })()"
        )
        if PROGRESS:
            print(f"{role} {status} {url}", file=PROGRESS, flush=True)
        for problem in visible_problems(text):
            problems.append(f"{role} {url}：{problem}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{role} {url}：页面宽 {width} px，超出手机屏幕 {PHONE['width']} px")
        hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
        for href in hrefs:
            target = _same_origin(href, base, url)
            if target is None:
                continue
            links += 1
            if target in visited or SKIP.search(urlsplit(target).path):
                continue
            key = pattern(*urlsplit(target)[2:4])
            if seen_patterns[key] >= PER_PATTERN:
                continue
            seen_patterns[key] += 1
            queue.append((target, url))
    if PROGRESS:
        print("\n".join(problems), file=PROGRESS, flush=True)
    return pages, links, problems


def _fetch(page: Any, base: str, url: str, source: str, role: str) -> list[str]:
    """A download: fetched with the role's session, not rendered."""
    response = page.request.get(base + url, max_redirects=0)
    if response.status >= 400 and response.status != 403:
        return [f"{role} {url}（来自 {source}）下载返回 {response.status}"]
    return []


class _Server:
    def __init__(self, url: str) -> None:
        self.url = url


def _same_origin(href: str, base: str, current: str) -> str | None:
    href, _ = urldefrag(href.strip())
    if not href or href.startswith(("mailto:", "tel:", "javascript:", "data:")):
        return None
    if href.startswith(base):
        href = href[len(base) :] or "/"
    if href.startswith("//") or re.match(r"^[a-z]+:", href):
        return None
    if href.startswith("?"):
        return urlsplit(current).path + href
    if not href.startswith("/"):
        path = urlsplit(current).path
        return path[: path.rfind("/") + 1] + href
    return href


def test_every_role_every_page(browser: Any, live_server: Any, demo: None) -> None:
    problems: list[str] = []
    summary = []
    for role in ROLES:
        context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(20_000)
        page = context.new_page()
        started = time.monotonic()
        try:
            pages, links, found = crawl(page, live_server.url, role)
        finally:
            context.close()
        summary.append(f"{role}：{pages} 个页面，{links} 个链接，{time.monotonic() - started:.0f} 秒")
        problems += found
    print("\n巡检：" + "；".join(summary))
    assert not problems, f"{len(problems)} 个问题：\n" + "\n".join(problems[:80])
