from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xiangcun.accounts.scopes import scoped

from .models import Project


@login_required
def library(request: HttpRequest) -> HttpResponse:
    projects = scoped(Project.objects.select_related("region", "department"), request.user)[:200]
    return render(request, "projects/library.html", {"projects": projects})
