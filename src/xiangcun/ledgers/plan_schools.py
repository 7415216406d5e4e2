"""Schools from the plan's table: the confirmed school rows of the plans in force, offered to the schools
ledger as its starting rows. A county administrator reviews them beside the plan's lines and writes the
chosen ones (review-then-apply, never on confirmation by itself); yearly updates then go by import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from xiangcun.core.permissions import require_county

from . import services


@login_required
def from_plan(request: HttpRequest) -> HttpResponse:
    county = require_county(request, "只有县级管理员可以把规划中的学校写入学校台账")
    offers = services.plan_schools(county)
    this_year = timezone.localdate().year
    default_year = next(
        (o.version.plan.period_start - 1 for o in offers if o.version.plan.period_start), this_year
    )
    year_text = request.POST.get("year", str(default_year)).strip()
    report = None
    if request.method == "POST":
        chosen = set(request.POST.getlist("item"))
        picked = [o for o in offers if str(o.item.pk) in chosen]
        if not year_text.isdigit() or not 2000 <= int(year_text) <= this_year:
            messages.error(request, f"年度应为 2000—{this_year} 之间的年份")
        else:
            report = services.apply_plan_schools(county, picked, int(year_text), request.user)
            if report.ok:
                messages.success(request, "已写入学校台账：" + report.summary().removeprefix("导入成功："))
                return redirect("ledgers:schools")
    return render(
        request,
        "ledgers/plan_schools.html",
        {"offers": offers, "year": year_text, "report": report},
        status=400 if report and not report.ok else 200,
    )
