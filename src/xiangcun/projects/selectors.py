"""Read-only queries on the project library, for this app and for others (assets, the public site).

For other apps:
- `accepted_projects(user=None, county=None)`: projects at 已验收, which should produce draft assets.
- `public_fund_summary(county, year=None)`: the county's projects and 衔接资金 by year, type (with
  subtotals and a total) and township, plus progress counts; plain data, no personal data, safe for
  the public site.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import BigIntegerField, Count, F, QuerySet, Sum
from django.db.models.functions import Cast, Round

from xiangcun.accounts.scopes import scoped
from xiangcun.domain import projects as domain
from xiangcun.domain.projects.funds import Rules, summarise
from xiangcun.domain.projects.workbook import NOTICE_AMOUNTS
from xiangcun.regions.models import Region

from .models import FundRule, Project, ProjectStatus

AMOUNT_FIELDS = ("total_investment", "link_fund", "central_fund", "provincial_fund", "local_fund", "other_fund",
                 "labour_pay")  # fmt: skip
_UNITS = Decimal(10000)


def accepted_projects(user: Any = None, county: Region | None = None) -> QuerySet[Project]:
    """Projects at 已验收 (accepted, assets not yet registered): the ones that should produce draft assets.

    With `user`, only what the user's scope allows; with `county`, only that county's library.
    """
    queryset = Project.objects.filter(status=ProjectStatus.ACCEPTED).select_related("region", "department")
    if county is not None:
        queryset = queryset.filter(county=county)
    if user is not None:
        queryset = scoped(queryset, user)
    return queryset.order_by("year", "code")


def exact_sum(field: str) -> Sum:
    """SUM of a 万元 amount in whole 0.0001 units (integers), exact on SQLite and PostgreSQL alike."""
    return Sum(Cast(Round(F(field) * 10000), output_field=BigIntegerField()))


def from_units(units: int | None) -> Decimal:
    return (Decimal(units or 0) / _UNITS).quantize(domain.QUANTUM)


def counted(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Projects that count in the fund figures: all but 已终止."""
    return projects.exclude(status=ProjectStatus.TERMINATED)


def rules(county: Region | None, year: int) -> Rules:
    rule = FundRule.objects.filter(county=county, year=year).first() if county is not None else None
    return Rules(rule.industry_floor, rule.labour_floor) if rule else Rules()


def fund_summary(projects: QuerySet[Project], year: int, county: Region | None) -> dict[str, Any]:
    """The JSON of `xiangcun funds --year Y --json` over `projects` (already scoped by the caller)."""
    of_year = counted(projects.filter(year=year))
    by_type = {
        code: from_units(units)
        for code, units in of_year.values("project_type")
        .annotate(units=exact_sum("link_fund"))
        .values_list("project_type", "units")
    }
    labour = of_year.filter(work_relief=True).values("code", "work_relief", "labour_pay", "central_fund")
    return summarise(year, by_type, list(labour), rules(county, year))


def township_of(path: str, county: Region) -> str:
    """The township path a project's region path lies in ('' for a county-wide project)."""
    length = len(county.path) + 12
    return path[:length] if len(path) >= length else ""


def by_township(projects: QuerySet[Project], year: int, county: Region) -> list[dict[str, Any]]:
    """Per township: project count and 衔接资金 by type, total investment; ordered by code."""
    rows = (
        counted(projects.filter(year=year))
        .values("region__path", "project_type")
        .annotate(n=Count("id"), link=exact_sum("link_fund"), total=exact_sum("total_investment"))
    )
    acc: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"count": 0, "link": Decimal(0), "total": Decimal(0), "by_type": defaultdict(Decimal)}
    )
    for r in rows:
        entry = acc[township_of(r["region__path"], county)]
        entry["count"] += r["n"]
        entry["link"] += from_units(r["link"])
        entry["total"] += from_units(r["total"])
        entry["by_type"][r["project_type"]] += from_units(r["link"])
    names = dict(Region.objects.filter(path__in=[p for p in acc if p]).values_list("path", "name"))
    out = []
    for path in sorted(acc):
        entry = acc[path]
        out.append(
            {"path": path, "name": names.get(path, "全县") if path else "全县（跨乡镇）", "count": entry["count"],
             "link": entry["link"], "total": entry["total"],
             "by_type": [entry["by_type"].get(code, Decimal(0)) for code in domain.TYPES]}
        )  # fmt: skip
    return out


def by_year(projects: QuerySet[Project]) -> list[dict[str, Any]]:
    """Per 计划年度: project count, 衔接资金 by type and in total, and how many are in each status."""
    acc: dict[int, dict[str, Any]] = {}
    for r in (
        counted(projects).values("year", "project_type").annotate(n=Count("id"), link=exact_sum("link_fund"))
    ):
        entry = acc.setdefault(r["year"], {"count": 0, "link": Decimal(0), "by_type": {}})
        entry["count"] += r["n"]
        entry["link"] += from_units(r["link"])
        entry["by_type"][r["project_type"]] = from_units(r["link"])
    return [
        {"year": year, "count": e["count"], "link": e["link"],
         "by_type": [e["by_type"].get(code, Decimal(0)) for code in domain.TYPES]}
        for year, e in sorted(acc.items(), reverse=True)
    ]  # fmt: skip


def status_counts(projects: QuerySet[Project]) -> dict[str, int]:
    counts = dict(projects.values("status").annotate(n=Count("id")).values_list("status", "n"))
    return {label: counts.get(code, 0) for code, label in domain.STATUSES.items()}


def public_fund_summary(county: Region, year: int | None = None) -> dict[str, Any]:
    """Everything the public site shows about the county's projects and funds; no personal data.

    Returns {"county": name, "years": [...], "year": Y, "groups": [{"type", "rows", "subtotal"}],
    "total": {...}, "by_township": [...], "status_counts": {...}, "summary": <funds JSON>} where each
    row is {code, name, type, department, township, village, status, link_fund, central_fund,
    provincial_fund, local_fund} with amounts as '0.0000' strings in 万元. Without `year`, the latest
    year that has projects. Projects carry no personal data (only household counts), so nothing is
    masked; 已终止 projects are left out of the amounts but counted in status_counts.
    """
    projects = Project.objects.filter(county=county)
    years = list(projects.order_by("-year").values_list("year", flat=True).distinct())
    if year is None:
        year = years[0] if years else 0
    # Amounts come out of SQL as whole 0.0001 units (exact), so subtotals are integer sums and the
    # strings are made by arithmetic: Decimal conversion and quantize per cell cost 0.1 s at 4 000 rows.
    units = {f"u_{k}": Cast(Round(F(k) * 10000), output_field=BigIntegerField()) for k in NOTICE_AMOUNTS}
    fields = ("code", "name", "project_type", "status", "region__depth", "region__name", "region__parent__name",
              "department__name", *units)  # fmt: skip
    by_type: dict[str, list[dict[str, Any]]] = {code: [] for code in domain.TYPES}
    sums: dict[str, list[int]] = {code: [0] * len(NOTICE_AMOUNTS) for code in domain.TYPES}
    query = counted(projects.filter(year=year)).annotate(**units).order_by("code").values_list(*fields)
    for code, name, kind, status, depth, region, parent, department, *amounts in query:
        amounts = [a or 0 for a in amounts]
        subtotal = sums[kind]
        for i, a in enumerate(amounts):
            subtotal[i] += a
        by_type[kind].append(
            {"code": code, "name": name, "project_type": kind, "type": domain.TYPES[kind], "department": department or "",
             "township": parent if depth == 5 else (region if depth == 4 else ""),
             "village": region if depth == 5 else "", "status": domain.STATUSES[status],
             **{k: _money(a) for k, a in zip(NOTICE_AMOUNTS, amounts, strict=True)}}
        )  # fmt: skip
    groups = [
        {"type": domain.TYPES[kind], "rows": rows,
         "subtotal": {k: _money(a) for k, a in zip(NOTICE_AMOUNTS, sums[kind], strict=True)}}
        for kind, rows in by_type.items() if rows
    ]  # fmt: skip
    total = [sum(sums[kind][i] for kind in by_type if by_type[kind]) for i in range(len(NOTICE_AMOUNTS))]
    money = domain.format_amount
    return {
        "county": county.name,
        "years": years,
        "year": year,
        "groups": groups,
        "total": {k: _money(a) for k, a in zip(NOTICE_AMOUNTS, total, strict=True)},
        "by_township": [
            {"township": t["name"], "count": t["count"], "link_fund": money(t["link"])}
            for t in by_township(projects, year, county)
        ],
        "status_counts": status_counts(projects.filter(year=year)),
        "summary": fund_summary(projects, year, county),
    }


def _money(units: int) -> str:
    """Whole 0.0001 units as the 公告 prints 万元: 12345 → '1.2345' (what `format_amount` gives)."""
    whole, rest = divmod(abs(units), 10000)
    return f"{'-' if units < 0 else ''}{whole}.{rest:04d}"
