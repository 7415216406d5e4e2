from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xiangcun.accounts.scopes import scoped
from xiangcun.departments.models import Department
from xiangcun.households.models import Case, Household
from xiangcun.households.services import case_figures
from xiangcun.indicators import dashboard
from xiangcun.indicators.models import Target
from xiangcun.plans.models import Plan
from xiangcun.regions.models import Region
from xiangcun.villages.services import class_cards


@login_required
def home(request: HttpRequest) -> HttpResponse:
    regions = scoped(Region.objects.all(), request.user)
    figures = regions.filter(retired_on__isnull=True).aggregate(  # villages merged away no longer count
        townships=Count("id", filter=Q(level__in=["township", "subdistrict"])),
        villages=Count("id", filter=Q(level="village")),
        communities=Count("id", filter=Q(level="community")),
        natural_villages=Count("id", filter=Q(level="natural_village")),
        population=Sum("population", filter=Q(depth=5)),
        households=Sum("households", filter=Q(depth=5)),
    )
    top = regions.order_by("depth", "path").first()
    progress = dashboard.rows(scoped(Target.objects.current(), request.user))
    context = {
        "figures": figures,
        "top": top,
        "departments": scoped(Department.objects.all(), request.user).count(),
        "targets": len(progress),
        "behind": sum(1 for r in progress if r["status"] in dashboard.BEHIND_STATUSES),
        "warnings": sum(1 for r in progress if r["warning"]),
        "households": scoped(Household.objects.all(), request.user).count(),
        # the same cards, counts and labels as the 监测对象 inbox (households.services.case_figures)
        "case_cards": [c for c in case_figures(scoped(Case.objects.all(), request.user)) if c["group"]],
        "plans": scoped(Plan.objects.all(), request.user).count(),
        # 示范村 vs others: the plan's village classes with their monitored households
        "village_classes": class_cards(regions.filter(depth=5)),
    }
    return render(request, "overview/home.html", context)
