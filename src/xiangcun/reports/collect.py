"""What the yearly report says, gathered from live data into the domain's `ReportData` (aggregates only).

Each capability is asked through its own public functions: the plan dashboard's assessment
(`indicators.dashboard.rows`), the index (`indicators.index`), the monitoring statistics
(`households.services.case_statistics`), the project library (`projects.selectors`) and, when the app
is there, the tasks (`tasks.selectors`). Nothing here reads a person's name, 户编号 or 身份证号.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.db.models import Count
from django.utils import timezone

from xiangcun.domain import report as domain
from xiangcun.households.models import Case
from xiangcun.households.services import case_statistics
from xiangcun.indicators import dashboard, index
from xiangcun.indicators.models import Target
from xiangcun.regions.models import Region, subtree_q

TREND_YEARS = 5


def county_above(region: Region) -> Region:
    if region.depth == 3:
        return region
    codes = [region.path[i : i + 12] for i in range(0, len(region.path), 12)]
    county = Region.objects.filter(code__in=codes, depth=3).first()
    if county is None:
        raise ValueError(f"{region.name}不在任何县之下")
    return county


def as_of_for(year: int) -> int:
    """The year the targets are assessed in: the year after the report's (its own targets judged final),
    never later than this year — the numbers the dashboard shows when the report is written."""
    return min(year + 1, dashboard.current_year())


def target_lines(region: Region, year: int, as_of: int) -> list[domain.TargetLine]:
    targets = (
        Target.objects.current()
        .filter(region=region, year__gte=year)
        .order_by("indicator__dimension", "indicator__code", "year")
    )
    lines = []
    for r in dashboard.rows(targets, as_of=as_of):
        t = r["target"]
        lines.append(
            domain.TargetLine(
                indicator=t.indicator.name, dimension=t.indicator.dimension, unit=t.indicator.unit or "",
                year=t.year, op=t.op, value=t.value, text=t.text or "",
                binding=t.attribute == Target.Attribute.BINDING, expected=r["expected"], latest=r["latest"],
                latest_year=r["latest_year"], status=r["status"], warning=r["warning"],
                explanation=r["explanation"], department=t.department.name if t.department else "",
            )
        )  # fmt: skip
    return lines


def index_figures(region: Region, county: Region, year: int) -> dict[str, Any]:
    years = list(range(year - TREND_YEARS + 1, year + 1))
    out: dict[str, Any] = {"index_dimensions": [], "trend": [], "ranking": []}
    if region.depth == 3:
        trend = index.county_trend(county, years)
        out["trend"] = [(t["year"], t["overall"]) for t in trend]
        this = next((t for t in trend if t["year"] == year), None)
        if this is not None:
            out["index_overall"] = this["overall"]
            out["index_dimensions"] = this["dimensions"]
        ranked = index.township_index(county, year)["rows"]
        out["ranking"] = [(r["region"].name, r["overall"]) for r in ranked]
        return out
    for y in years:
        data = index.township_index(county, y)
        row = next((r for r in data["rows"] if r["region"].pk == region.pk), None)
        out["trend"].append((y, row["overall"] if row else None))
        if y == year and row is not None:
            out["index_overall"] = row["overall"]
            out["index_dimensions"] = row["dimensions"]
            out["index_rank"] = row["rank"]
            out["index_of"] = sum(1 for r in data["rows"] if r["rank"])
    return out


def household_figures(region: Region, year: int) -> dict[str, Any]:
    cases = Case.objects.filter(subtree_q(region.path, field="household__village__path"))
    stats = case_statistics(cases)
    stats["phases"] = dict(cases.values_list("phase").annotate(n=Count("id")).values_list("phase", "n"))
    stats["opened"] = cases.filter(opened_at__year=year).count()
    stats["admitted"] = cases.filter(admitted_at__year=year).count()
    stats["closed"] = cases.filter(cleared_at__year=year).count()
    return stats


def project_figures(region: Region, county: Region, year: int) -> tuple[domain.ProjectFigures | None, str]:
    try:
        selectors = importlib.import_module("xiangcun.projects.selectors")
        funds = importlib.import_module("xiangcun.domain.projects.funds")
        from xiangcun.projects.models import Project
    except ImportError:
        return None, "项目库功能尚未启用，本节暂无数据。"
    if region.depth == 3:
        public = selectors.public_fund_summary(county, year)
        summary, counts = public["summary"], public["status_counts"]
        townships = public["by_township"]
    else:
        projects = Project.objects.filter(county=county).filter(subtree_q(region.path, field="region__path"))
        summary = selectors.fund_summary(projects, year, county)
        counts = selectors.status_counts(projects.filter(year=year))
        townships = []
    if not sum(counts.values()):
        return None, f"{year}年项目库中没有{region.name}的项目。"
    return (
        domain.ProjectFigures(
            year=year,
            total=summary["total"],
            by_type=summary["by_type"],
            industry_share=float(summary["industry_share"] or 0),
            status_counts=counts,
            by_township=townships,
            warnings=[
                (f"项目 {w['project']}：" if w.get("project") else "") + funds.warning_text(w)
                for w in summary.get("warnings", [])
            ],
        ),  # fmt: skip
        "",
    )


def task_figures(region: Region, year: int) -> tuple[domain.TaskFigures | None, str]:
    """Tasks and scorecards through `tasks.selectors` when that app provides them."""
    try:
        selectors = importlib.import_module("xiangcun.tasks.selectors")
    except ImportError:
        return None, f"系统中尚未登记{year}年的任务分解和考核数据。"
    summary_of = getattr(selectors, "task_summary", None)
    if summary_of is None:
        return None, f"系统中尚未登记{year}年的任务分解和考核数据。"
    summary = summary_of(region, year) or {}
    by_status = dict(summary.get("by_status", {}))
    overdue = [
        {"task": str(o.get("content") or o.get("task", "")), "department": str(o.get("lead") or ""),
         "days": int(o.get("days") or 0)}
        for o in summary.get("overdue", [])
    ]  # fmt: skip
    cards: dict[str, list[dict[str, Any]]] = {}
    scorecards_of = getattr(selectors, "scorecards", None)
    if scorecards_of is not None:
        for kind, label in (("department", "部门"), ("township", "乡镇")):
            if kind == "department" and region.depth != 3:
                continue
            rows = scorecards_of(region, year, kind) or []
            if region.depth != 3:  # a township's report shows its own scorecard only
                rows = [r for r in rows if r.get("key") == region.pk]
            cards[label] = [{"name": str(r.get("unit", "")), "score": r.get("score"), "rank": r.get("rank")}
                            for r in rows]  # fmt: skip
    total = int(summary.get("total", sum(by_status.values())) or 0)
    return (
        domain.TaskFigures(
            total=total,
            by_status=by_status,
            overdue=overdue,
            scorecards=cards,
            on_time_rate=summary.get("on_time_rate"),
            missing_reports=len(summary.get("missing_reports", [])),
            by_department=list(summary.get("by_department", [])),
        ),  # fmt: skip
        "",
    )


def collect(region: Region, year: int) -> domain.ReportData:
    county = county_above(region)
    as_of = as_of_for(year)
    projects, projects_note = project_figures(region, county, year)
    tasks, tasks_note = task_figures(region, year)
    return domain.ReportData(
        region=region.name,
        level="county" if region.depth == 3 else "township",
        year=year,
        as_of=as_of,
        generated=f"{timezone.localdate():%Y年%m月%d日}",
        targets=target_lines(region, year, as_of),
        households=household_figures(region, year),
        projects=projects,
        projects_note=projects_note,
        tasks=tasks,
        tasks_note=tasks_note,
        **index_figures(region, county, year),
    )
