from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xiangcun.accounts.scopes import scoped
from xiangcun.domain.catalog import DIMENSIONS

from .models import Indicator
from .services import ensure_national


@login_required
def catalog(request: HttpRequest) -> HttpResponse:
    ensure_national()
    indicators = scoped(Indicator.objects.select_related("owner", "region"), request.user)
    dimension = request.GET.get("dimension", "")
    if dimension:
        indicators = indicators.filter(dimension=dimension)
    return render(
        request,
        "indicators/catalog.html",
        {"indicators": indicators, "dimensions": DIMENSIONS, "dimension": dimension},
    )
