from __future__ import annotations

from datetime import datetime
from typing import Any

from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xiangcun.accounts.scopes import scope_of
from xiangcun.audit import security
from xiangcun.audit.display import model_name, readable
from xiangcun.audit.services import SECURITY_KEY
from xiangcun.core.downloads import export_response
from xiangcun.core.permissions import require


@login_required
def log(request: HttpRequest) -> HttpResponse:
    """Search the audit log by who, what and when. County admins see entries made by users in their scope."""
    require(request, "view_audit")
    entries = (
        LogEntry.objects.select_related("actor", "content_type")
        .exclude(additional_data__has_key=SECURITY_KEY)  # logins and sessions: the security log
        .order_by("-timestamp", "-id")
    )
    scope = scope_of(request.user)
    if not scope.everything:
        entries = entries.filter(Q(actor__region__path__startswith=scope.region_path) | Q(actor=request.user))
    q = request.GET.get("q", "").strip()
    actor = request.GET.get("actor", "").strip()
    model = request.GET.get("model", "").strip()
    since = _date(request.GET.get("since"))
    until = _date(request.GET.get("until"))
    if q:
        entries = entries.filter(Q(object_repr__icontains=q) | Q(changes_text__icontains=q) | Q(object_pk=q))
    if actor:
        entries = entries.filter(actor__username=actor)
    if model:
        entries = entries.filter(content_type__model=model)
    if since:
        entries = entries.filter(timestamp__date__gte=since)
    if until:
        entries = entries.filter(timestamp__date__lte=until)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    models = sorted(
        (
            (ct.model, model_name(ct.model_class(), ct.model))
            for ct in ContentType.objects.filter(pk__in=LogEntry.objects.values("content_type").distinct())
        ),
        key=lambda pair: pair[1],
    )
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "rows": readable(page),
            "q": q,
            "actor": actor,
            "model": model,
            "models": models,
            "since": request.GET.get("since", ""),
            "until": request.GET.get("until", ""),
        },
    )


def _security_entries(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    require(request, "view_audit")
    entries = security.scoped_entries(security.entries(), request.user)
    filters = {k: request.GET.get(k, "").strip() for k in ("kind", "account", "since", "until")}
    if filters["kind"] in security.KINDS:
        entries = entries.filter(security.kind_q(filters["kind"]))
    if filters["account"]:
        entries = entries.filter(Q(object_repr=filters["account"]) | Q(actor__username=filters["account"]))
    if since := _date(filters["since"]):
        entries = entries.filter(timestamp__date__gte=since)
    if until := _date(filters["until"]):
        entries = entries.filter(timestamp__date__lte=until)
    return entries, filters


@login_required
def security_log(request: HttpRequest) -> HttpResponse:
    """安全日志: logins, failures, lockouts, sessions, second factor, account changes, reveals and exports."""
    entries, filters = _security_entries(request)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/security.html",
        {
            "page": page,
            "rows": security.rows(page),
            "kinds": sorted(security.KINDS.items(), key=lambda kv: kv[1]),
            "retention": security.RETENTION_DAYS,
            **filters,
        },
    )


@login_required
def security_export(request: HttpRequest) -> HttpResponse:
    """The security log as .xlsx for the assessor, with the same filters as the page (the export is logged)."""
    entries, filters = _security_entries(request)
    span = f"{filters['since'] or '最早'} 至 {filters['until'] or '今天'}"
    data = security.workbook(entries, f"安全日志（{span}），导出人 {request.user.get_username()}")
    return export_response(request, data, "security-log.xlsx", f"安全日志 {span}")


def _date(text: str | None) -> datetime | None:
    try:
        return datetime.strptime(text or "", "%Y-%m-%d")
    except ValueError:
        return None
