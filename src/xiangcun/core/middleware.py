"""Headers and input checks every response and request goes through."""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import get_template, render_to_string

# No inline script or style, no plugins, no framing, forms only to this site: a name or note that slipped past
# escaping still cannot run or restyle the page. The only inline <style> blocks allowed are those of
# INLINE_STYLE_TEMPLATES (the public pages, which `xiangcun publish` also writes as standalone files), by their
# SHA-256: fixed text without template tags, so the hash is known before any page is rendered.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' {STYLE_HASHES}",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
INLINE_STYLE_TEMPLATES = ("public/base.html",)
_STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.S)


@functools.cache
def content_security_policy() -> str:
    hashes = []
    for name in INLINE_STYLE_TEMPLATES:
        for block in _STYLE_BLOCK.findall(get_template(name).template.source):  # type: ignore[attr-defined]
            digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
            hashes.append(f"'sha256-{digest}'")
    return CONTENT_SECURITY_POLICY.replace("{STYLE_HASHES}", " ".join(hashes)).replace("'self' ;", "'self';")


NUL_MESSAGE = "提交的内容含有不可见的控制字符（NUL），请删除后重新填写。"
YEAR_MESSAGE = "年度应为 1900–2199 之间的四位数字年份（如 2025）。"
DIGITS_MESSAGE = "查询参数中的数字过长（超过 18 位），不是有效的编号、年份或数量。"
_YEAR = re.compile(r"(19|20|21)[0-9]{2}")
_LONG_NUMBER = re.compile(r"[+-]?[0-9０-９]{31,}")
LONG_NUMBER_MESSAGE = "提交的数字过长（超过 30 位），不是有效的编号、年份或金额，请检查后重新填写。"
_DIGITS = re.compile(r"[+-]?[0-9０-９]{19,}")


def _problem(request: HttpRequest) -> str | None:
    """Why the request's query or form values cannot be meant, or None.

    NUL anywhere (PostgreSQL cannot store it and no field has a use for it); a form value that is a number of
    more than 30 digits (no amount, code or bank card is; Python refuses to read one of 4 300); in the query
    string, a `year`
    that is not four digits, and any number longer than 18 digits (no code, ID number or count here is:
    such a value only overflows the database's integers)."""
    sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    for data in sources:
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return NUL_MESSAGE
            if data is request.POST and any(_LONG_NUMBER.fullmatch(v.strip()) for v in values):
                return LONG_NUMBER_MESSAGE
    if "\x00" in request.path:
        return NUL_MESSAGE
    for key, values in request.GET.lists():
        for value in values:
            if key == "year" and value.strip() and not _YEAR.fullmatch(value.strip()):
                return YEAR_MESSAGE
            if _DIGITS.fullmatch(value.strip()):
                return DIGITS_MESSAGE
    return None


class SecurityHeadersMiddleware:
    """Content-Security-Policy (a view may set a stricter one, as downloads of uploaded files do) and
    Referrer-Policy on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy()
        response.setdefault("Referrer-Policy", "same-origin")
        return response


class RejectNulMiddleware:
    """Refuses, with a Chinese 400 before any view sees them, values no field of this system can mean
    (see `_problem`): a NUL anywhere, an absurd year or number in the query string. Form fields are
    otherwise validated by their forms, each to its column's type and length."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        message = _problem(request)  # a body too large or malformed raises here and Django answers 400
        if message:
            if request.path.startswith("/api/"):
                return JsonResponse({"error": message}, status=400, json_dumps_params={"ensure_ascii": False})
            html = render_to_string("400.html", {"message": message}, request=request)
            return HttpResponse(html, status=400)
        return self.get_response(request)
