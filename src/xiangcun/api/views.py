"""A small JSON API over the same services and scopes as the pages (documented in docs/api.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from auditlog.context import set_actor
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from xiangcun.accounts.scopes import scoped
from xiangcun.core.permissions import require
from xiangcun.indicators import collection
from xiangcun.indicators.models import Observation

from .common import ApiError
from .models import ApiToken, digest

MAX_BODY = 2 * 1024 * 1024


def _error(status: int, message: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status, json_dumps_params={"ensure_ascii": False})


def token_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Authenticate `Authorization: Token <key>`; the request then acts as the token's user."""

    @csrf_exempt
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Token "):
            return _error(401, "缺少接口密钥：请在请求头中加入 Authorization: Token <密钥>")
        token = ApiToken.objects.select_related("user").filter(key_hash=digest(header[6:].strip())).first()
        if token is None or token.revoked or not token.user.is_active:
            return _error(401, "接口密钥无效或已停用")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        request.user = token.user
        try:
            # The audit middleware ran before the key was read: name the key's user as the actor here.
            with set_actor(token.user, remote_addr=request.META.get("REMOTE_ADDR")):
                return view(request, *args, **kwargs)
        except ApiError as exc:
            return _error(exc.status, exc.message, **exc.extra)
        except Http404:  # out of scope and absent look the same, as on the pages
            return _error(404, "没有找到，或不在您的管辖范围内")

    return wrapped


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


@token_required
def indicators(request: HttpRequest) -> HttpResponse:
    rows = collection.assigned_indicators(request.user).order_by("code")
    return _json(
        [
            {"code": i.code, "name": i.name, "unit": i.unit, "kind": i.kind, "dimension": i.dimension}
            for i in rows
        ]
    )


# The type each field of a posted row may have (a list as a year or an object as an indicator is a 400).
ROW_TYPES = [
    ("indicator", (str,), "指标编码文字"),
    ("region", (str,), "区域代码文字"),
    ("year", (int, str), "年份数字"),
    ("quarter", (int, str), "季度数字"),
    ("value", (int, float, str), "数值"),
    ("note", (str,), "文字"),
]


def _is(value: Any, kinds: tuple[type, ...]) -> bool:
    return isinstance(value, kinds) and not isinstance(value, bool)


@token_required
def observations(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        rows = scoped(Observation.objects.select_related("indicator", "region"), request.user)
        if year := request.GET.get("year", ""):
            if not (year.isascii() and year.isdigit() and 2000 <= int(year[:5]) <= 2100):
                return _error(400, "year 应为 2000–2100 之间的年份数字")
            rows = rows.filter(year=int(year))
        if code := request.GET.get("indicator"):
            rows = rows.filter(indicator__code=code)
        return _json([
            {"indicator": o.indicator.code, "region": o.region.code, "year": o.year, "quarter": o.quarter,
             "value": o.value, "note": o.note, "status": o.status}
            for o in rows[:10000]
        ])  # fmt: skip
    if request.method != "POST":
        return _error(405, "只支持 GET 和 POST")
    if len(request.body) > MAX_BODY:
        return _error(413, "请求内容过大（上限 2 MB），请分批提交")
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # also a 5 000-digit number, deep nesting
        return _error(400, "请求内容不是有效的 UTF-8 JSON（或含有超长数字、过深的嵌套）")
    if not isinstance(body, dict) or not isinstance(body.get("rows"), list) or not body["rows"]:
        return _error(400, '请求应为 {"rows": [...], "submit": false}，rows 至少一行')
    if not isinstance(body.get("submit", False), bool):
        return _error(400, "submit 应为 true 或 false")
    raw_rows, type_errors = [], []
    for n, row in enumerate(body["rows"], start=1):
        if not isinstance(row, dict):
            return _error(400, f"第{n}行应为对象")
        type_errors += [
            {"row": n, "field": name, "message": f"{name} 应为{label}"}
            for name, kinds, label in ROW_TYPES
            if name in row and row[name] is not None and not _is(row[name], kinds)
        ]
        raw_rows.append({"指标编码": row.get("indicator"), "区域代码": row.get("region"), "年度": row.get("year"),
                         "季度": row.get("quarter", 0), "数值": row.get("value"), "说明": row.get("note", ""), "_row": n})  # fmt: skip
    if type_errors:
        return _error(400, f"有 {len(type_errors)} 处类型错误，没有保存任何数据", errors=type_errors)
    rows, errors = collection.validate_rows(raw_rows, request.user)
    if errors:
        return _error(
            400, f"有 {len(errors)} 处错误，没有保存任何数据",
            errors=[{"row": e.row, "field": e.column, "message": e.message} for e in errors],
        )  # fmt: skip
    saved = collection.save_rows(rows, request.user, submit=bool(body.get("submit")))
    return _json({"saved": saved, "status": "submitted" if body.get("submit") else "draft"}, status=201)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """Create and revoke one's own API keys; a new key is shown once. Leaders (read-only) have none."""
    require(request, "use_api")
    new_key = None
    if request.method == "POST":
        name = request.POST.get("name", "").strip()
        if not name:
            messages.error(request, "请写明密钥的用途")
        else:
            _, new_key = ApiToken.issue(request.user, name[:100])
    return render(request, "api/tokens.html", {"tokens": request.user.api_tokens.all(), "new_key": new_key})  # type: ignore[union-attr]


@require_POST
@login_required
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = request.user.api_tokens.filter(pk=pk, revoked=False).first()  # type: ignore[union-attr]
    if token is not None:
        token.revoked = True
        token.save(update_fields=["revoked"])  # save(), not QuerySet.update(): the audit log records it
    return redirect("api:tokens")
