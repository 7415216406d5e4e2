"""Every response carries a Content-Security-Policy that forbids inline script and style, and no template needs
them;
a NUL character in any query or form value is refused with a Chinese 400 before a view sees it."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from django.urls import reverse

import xiangcun
from xiangcun.core.middleware import INLINE_STYLE_TEMPLATES

pytestmark = pytest.mark.django_db

TEMPLATE_TAGS = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<[a-z][^>]*\son[a-z]+\s*=|javascript:", re.I)
# a style="" attribute anywhere in a tag, or a <style> block
INLINE_STYLE = re.compile(r"<[a-z][^>]*\sstyle\s*=|<style[^>]*>", re.I)


def test_no_template_has_inline_script_or_event_handlers() -> None:
    """Inline script would be blocked by the policy: behaviour lives in static files (core/static/xiangcun)."""
    root = Path(xiangcun.__file__).parent
    found = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in sorted(root.rglob("templates/**/*.html"))
        for match in INLINE_SCRIPT.finditer(TEMPLATE_TAGS.sub("x", path.read_text(encoding="utf-8")))
    ]
    assert not found, found


def test_no_template_has_inline_style() -> None:
    """style-src is 'self' plus the hashes of the public pages' fixed <style> block: looks live in static CSS
    (site.css, plans/plans.css) as classes."""
    root = Path(xiangcun.__file__).parent
    allowed = {f"public/templates/{name}" for name in INLINE_STYLE_TEMPLATES}
    found = [
        f"{path.relative_to(root)}: {match.group(0)[:80]}"
        for path in sorted(root.rglob("templates/**/*.html"))
        for match in INLINE_STYLE.finditer(TEMPLATE_TAGS.sub("x", path.read_text(encoding="utf-8")))
        if not (str(path.relative_to(root)) in allowed and match.group(0) == "<style>")
    ]
    assert not found, found


def test_inline_style_is_refused_but_the_public_pages_block_is_allowed_by_hash(client, county) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("public:index"))
    policy = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
    assert "unsafe-inline" not in policy["style-src"]
    (block,) = re.findall(r"<style>(.*?)</style>", response.content.decode(), re.S)
    digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
    assert policy["style-src"] == f"'self' 'sha256-{digest}'"  # a changed or added block would be refused
    source = (Path(xiangcun.__file__).parent / "public/templates/public/base.html").read_text(
        encoding="utf-8"
    )
    assert block in source and not TEMPLATE_TAGS.search(block)  # fixed text: the hash holds for every page


def test_pages_and_errors_carry_the_policy(client, client_for, users) -> None:  # type: ignore[no-untyped-def]
    responses = [
        client.get(reverse("login")),
        client_for(users["county_admin"]).get(reverse("home")),
        client_for(users["county_admin"]).get("/no-such-page/"),
        client_for(users["county_admin"]).get(reverse("regions:export", args=["csv"])),
    ]
    for response in responses:
        policy = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'", policy
        assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in policy
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("where", ["query", "form", "key"])
def test_a_nul_character_is_refused_with_a_chinese_400(client_for, users, county, where) -> None:  # type: ignore[no-untyped-def]
    c = client_for(users["county_admin"])
    url = reverse("regions:edit", args=[county.village_a1.code])
    if where == "query":
        response = c.get(reverse("regions:tree"), {"q": "甲\x00"})
    elif where == "form":
        response = c.post(url, {"name": "甲一村\x00", "population": "1500", "version": ""})
    else:
        response = c.post(url, {"name\x00": "甲一村"})
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()
    county.village_a1.refresh_from_db()
    assert county.village_a1.name == "甲一村"


def test_a_nul_character_in_an_api_query_is_refused_as_json(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("api:observations"), {"indicator": "N01\x00"})
    assert response.status_code == 400 and "控制字符" in response.json()["error"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "9" * 20}, "年度应为"),
        ({"year": "２０２４"}, "年度应为"),
        ({"year": "0000"}, "年度应为"),
        ({"year": "2024]"}, "年度应为"),
        ({"page": "9" * 20}, "数字过长"),
        ({"case": "-" + "9" * 30}, "数字过长"),
    ],
)
def test_absurd_years_and_numbers_in_a_query_are_a_chinese_400(client_for, users, query, message) -> None:  # type: ignore[no-untyped-def]
    response = client_for(users["county_admin"]).get(reverse("indicators:index"), query)
    assert response.status_code == 400 and message in response.content.decode()


def test_ordinary_queries_pass(client_for, users) -> None:  # type: ignore[no-untyped-def]
    c = client_for(users["county_admin"])
    assert c.get(reverse("indicators:index"), {"year": "2024"}).status_code == 200
    assert c.get(reverse("indicators:index"), {"year": ""}).status_code == 200
    assert c.get(reverse("home"), {"q": "110101199003070000"}).status_code == 200  # an 18-digit ID


def test_a_form_number_of_thousands_of_digits_is_a_chinese_400(client_for, users, county) -> None:  # type: ignore[no-untyped-def]
    url = reverse("regions:edit", args=[county.village_a1.code])
    response = client_for(users["county_admin"]).post(url, {"name": "甲一村", "population": "9" * 5000})
    assert response.status_code == 400 and "数字过长" in response.content.decode()
