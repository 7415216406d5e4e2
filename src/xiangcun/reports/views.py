"""The 报告 page: build the yearly evaluation report, and download the ones built before (scoped, audited).

County accounts (and the leader) get the county's report and may build a township's; a township gets its
own township's report only. Department and village accounts have no report here (404): the report is
about a whole county or township.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiangcun.accounts.scopes import get_scoped_or_404, scoped
from xiangcun.core.downloads import export_response
from xiangcun.indicators.dashboard import current_year
from xiangcun.regions.models import Region

from .models import Report
from .services import build_and_keep

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def report_regions(user: Any) -> list[Region]:
    """The counties and townships `user` may build a report for (404 when none)."""
    if not (user.is_superuser or user.can("read_reports")):
        raise Http404("没有可生成报告的区域")
    regions = scoped(Region.objects.filter(depth__in=(3, 4)), user).order_by("path")
    if not user.is_superuser and user.role == "township_admin":
        regions = regions.filter(pk=user.region_id)
    found = list(regions)
    if not found:
        raise Http404("没有可生成报告的区域")
    return found


def year_choices() -> list[int]:
    this = current_year()
    return list(range(this, this - 6, -1))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    regions = report_regions(request.user)
    reports = scoped(Report.objects.select_related("region", "created_by"), request.user).filter(
        region__in=regions
    )
    return render(request, "reports/index.html", {"regions": regions, "years": year_choices(),
                                                  "default_year": current_year() - 1, "reports": reports[:200]})  # fmt: skip


@login_required
@require_POST
def build(request: HttpRequest) -> HttpResponse:
    regions = {r.code: r for r in report_regions(request.user)}
    region = regions.get(request.POST.get("region", ""))
    if region is None:
        raise Http404("没有找到该区域，或不在您的管辖范围内")
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = 0
    if year not in year_choices():
        messages.error(request, "请选择报告年度")
        return redirect("reports:index")
    report = build_and_keep(region, year, request.user)
    messages.success(request, f"已生成{report}（用时 {report.seconds:.1f} 秒），可在下方下载。")
    return redirect("reports:index")


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    regions = report_regions(request.user)
    report = get_scoped_or_404(
        Report.objects.filter(region__in=regions).select_related("region"), request.user, pk=pk
    )
    with report.file.open("rb") as handle:
        data = handle.read()
    return export_response(request, data, report.filename, f"评估报告 {report}", content_type=DOCX)
