from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xiangcun.accounts.scopes import scoped

from . import services
from .models import Department


@login_required
def department_list(request: HttpRequest) -> HttpResponse:
    departments = scoped(Department.objects.select_related("region"), request.user)
    query = request.GET.get("q", "").strip()
    resolved = services.resolve(query, departments) if query else None
    return render(
        request,
        "departments/list.html",
        {"departments": departments, "query": query, "resolved": resolved},
    )
