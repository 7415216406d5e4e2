"""What every API endpoint shares: Chinese JSON errors, query parameters checked before use, pages of results
and JSON bodies read safely. An `ApiError` raised anywhere in an endpoint becomes its JSON answer."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, JsonResponse

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_BODY = 2 * 1024 * 1024


class ApiError(Exception):
    """An answer other than 200: the status and a Chinese message (plus optional extra keys)."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


def error(status: int, message: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status, json_dumps_params={"ensure_ascii": False})


def answer(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def methods(request: HttpRequest, *allowed: str) -> None:
    if request.method not in allowed:
        raise ApiError(405, f"只支持 {' 和 '.join(allowed)}")


def int_param(request: HttpRequest, name: str, low: int = 0, high: int = 10**9) -> int | None:
    """An optional whole-number query parameter; anything else is a 400, not a silent default."""
    text = request.GET.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        raise ApiError(400, f"参数 {name} 应为 {low}–{high} 之间的整数（收到「{text[:20]}」）")
    return int(text)


def choice_param(request: HttpRequest, name: str, choices: Iterable[str]) -> str | None:
    text = request.GET.get(name, "").strip()
    if not text:
        return None
    allowed = list(choices)
    if text not in allowed:
        raise ApiError(400, f"参数 {name} 应为 {'、'.join(allowed)} 之一（收到「{text[:20]}」）")
    return text


def page(
    request: HttpRequest, rows: Any, serialize: Callable[[Any], dict[str, Any]], **extra: Any
) -> JsonResponse:
    """One page of `rows` (a queryset or a list): ?page= (from 1) and ?page_size= (up to 500).

    {"count", "page", "pages", "page_size", "next", "previous", "results", **extra}; next and previous are
    the URLs of the neighbouring pages with the same filters, or null.
    """
    size = int_param(request, "page_size", 1, MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE
    number = int_param(request, "page", 1) or 1
    count = rows.count() if hasattr(rows, "query") else len(rows)
    pages = max(1, -(-count // size))
    if number > pages:
        raise ApiError(404, f"没有第 {number} 页（共 {pages} 页）")
    chunk = rows[(number - 1) * size : number * size]

    def link(n: int) -> str | None:
        if not 1 <= n <= pages or n == number:
            return None
        query = {k: v for k, v in request.GET.items() if k != "page"}
        return request.build_absolute_uri(request.path + "?" + urlencode({**query, "page": n}))

    return answer(
        {"count": count, "page": number, "pages": pages, "page_size": size, "next": link(number + 1),
         "previous": link(number - 1), **extra, "results": [serialize(r) for r in chunk]}
    )  # fmt: skip


def body(request: HttpRequest) -> dict[str, Any]:
    """The request's JSON object; 413 when too big, 400 (Chinese) when not UTF-8 JSON or not an object."""
    if len(request.body) > MAX_BODY:
        raise ApiError(413, "请求内容过大（上限 2 MB）")
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ApiError(400, "请求内容不是有效的 UTF-8 JSON") from None
    if not isinstance(data, dict):
        raise ApiError(400, "请求内容应为一个 JSON 对象（{...}）")
    return data


def amount(value: Decimal | None, places: int = 4) -> str | None:
    """Money as a string with fixed decimals (万元 with 4, 元 with 2), exact: never a float."""
    if value is None:
        return None
    return f"{value:.{places}f}"


def day(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
