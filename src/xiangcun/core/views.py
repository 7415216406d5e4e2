from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xiangcun.accounts.scopes import scoped
from xiangcun.departments.models import Department
from xiangcun.regions.models import Region


@login_required
def home(request: HttpRequest) -> HttpResponse:
    regions = scoped(Region.objects.all(), request.user)
    figures = regions.aggregate(
        townships=Count("id", filter=Q(level__in=["township", "subdistrict"])),
        villages=Count("id", filter=Q(level="village")),
        communities=Count("id", filter=Q(level="community")),
        natural_villages=Count("id", filter=Q(level="natural_village")),
        population=Sum("population", filter=Q(depth=5)),
        households=Sum("households", filter=Q(depth=5)),
    )
    top = regions.order_by("depth", "path").first()
    context = {
        "figures": figures,
        "top": top,
        "departments": scoped(Department.objects.all(), request.user).count(),
    }
    return render(request, "core/home.html", context)
