from __future__ import annotations

from datetime import datetime

from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xiangcun.accounts.scopes import scope_of
from xiangcun.audit.display import model_name, readable
from xiangcun.core.permissions import require


@login_required
def log(request: HttpRequest) -> HttpResponse:
    """Search the audit log by who, what and when. County admins see entries made by users in their scope."""
    require(request, "view_audit")
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")
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


def _date(text: str | None) -> datetime | None:
    try:
        return datetime.strptime(text or "", "%Y-%m-%d")
    except ValueError:
        return None
