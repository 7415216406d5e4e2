"""The public site: readable without logging in, aggregates only (see pages.py)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from xiangcun.regions.models import Region

from . import pages


def _county(code: str) -> Region:
    county = Region.objects.filter(code=code, depth=3).first()
    if county is None:
        raise Http404("没有这个县")
    return county


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "public/index.html", {"counties": pages.counties()})


def county(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "public/county.html", pages.index_page(_county(code)))


def funds(request: HttpRequest, code: str, year: int | None = None) -> HttpResponse:
    context = pages.funds_page(_county(code), year)
    if year is not None and year not in context["summary"]["years"]:
        raise Http404("该年度没有项目")
    return render(request, "public/funds.html", context)


def progress(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "public/progress.html", pages.progress_page(_county(code)))


def assets(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "public/assets.html", pages.assets_page(_county(code)))


def income(request: HttpRequest, code: str, year: int | None = None) -> HttpResponse:
    context = pages.income_page(_county(code), year)
    if year is not None and year not in context["years"]:
        raise Http404("该年度没有收益记录")
    return render(request, "public/income.html", context)


def targets(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "public/targets.html", pages.targets_page(_county(code)))
