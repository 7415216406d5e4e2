"""The public site's pages as (file name, template, context): served under /public/ and written by `publish`.

Every page is about a county and shows only what the plans require to be disclosed, as aggregates:
projects and 衔接资金 (the project library's `public_fund_summary`), project progress counts, asset
counts and values by village, income and its distribution by village, and the plan's target
progress. No person is named anywhere: no household member, no 户主, no 身份证号, no 户编号, no 管护责任人
— households appear only as counts. Links between pages are relative file names (index.html,
funds-2025.html …), so the same pages work on the live site and as static files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from xiangcun.assets.models import Asset, AssetIncome, Distribution
from xiangcun.domain.assets.distribution import USES
from xiangcun.domain.assets.ledger import CATEGORIES, DISPOSED
from xiangcun.domain.projects import STATUSES
from xiangcun.projects.models import Project
from xiangcun.projects.selectors import by_year, public_fund_summary
from xiangcun.regions.models import Region

PAGES = (
    ("index.html", "概况"),
    ("funds.html", "项目资金"),
    ("progress.html", "项目进度"),
    ("assets.html", "资产"),
    ("income.html", "收益分配"),
    ("targets.html", "规划目标进度"),
)


def counties() -> list[Region]:
    return list(Region.objects.filter(depth=3).order_by("code"))


def _base(county: Region, page: str) -> dict[str, Any]:
    return {"county": county, "pages": PAGES, "current": page, "generated": timezone.localdate()}


def _township_key(path: str, county: Region) -> tuple[str, str]:
    """(township path, village path) of a region path inside the county ('' where above that level)."""
    township = path[: len(county.path) + 12] if len(path) >= len(county.path) + 12 else ""
    village = path[: len(county.path) + 24] if len(path) >= len(county.path) + 24 else ""
    return township, village


def _names(paths: set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    items = [p for p in paths if p]
    for start in range(0, len(items), 5000):
        out.update(Region.objects.filter(path__in=items[start : start + 5000]).values_list("path", "name"))
    return out


def _paths(ids: set[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    items = list(ids)
    for start in range(0, len(items), 5000):
        out.update(Region.objects.filter(pk__in=items[start : start + 5000]).values_list("id", "path"))
    return out


def index_page(county: Region) -> dict[str, Any]:
    years = by_year(Project.objects.filter(county=county))
    assets = Asset.objects.filter(county=county, draft=False)
    asset_totals = assets.exclude(state=DISPOSED).aggregate(n=Count("id"), value=Sum("value"))
    incomes = AssetIncome.objects.filter(asset__county=county)
    income_years = list(incomes.values("year").annotate(total=Sum("amount")).order_by("-year")[:5])
    return {**_base(county, "index.html"), "by_year": years, "asset_totals": asset_totals,
            "income_years": income_years, "targets": target_rows(county)[1]}  # fmt: skip


def funds_page(county: Region, year: int | None = None) -> dict[str, Any]:
    summary = public_fund_summary(county, year)
    for group in summary["groups"]:
        group["rows_html"] = _project_rows_html(group["rows"])
    share = summary["summary"]["industry_share"]
    return {**_base(county, "funds.html"), "summary": summary, "industry_percent": f"{share * 100:.2f}"}


_ROW_TEXT = ("code", "name", "department", "township", "village", "status")
_ROW_AMOUNTS = ("link_fund", "central_fund", "provincial_fund", "local_fund")
_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _project_rows_html(rows: list[dict[str, Any]]) -> SafeString:
    """The 公告's project rows as HTML, every value escaped. Why not the template: a county lists
    thousands of projects a year, and Django's template engine spends about 0.1 ms per printed value
    (4 000 projects: 40 000 values, over 1 s of CPU); this joins the same markup in a few ms."""
    out = []
    for r in rows:
        text = "</td><td>".join(str(r[k]).translate(_HTML) for k in _ROW_TEXT)
        amounts = '</td><td class="num">'.join(r[k] for k in _ROW_AMOUNTS)  # digits and a point only
        out.append(f'<tr><td>{text}</td><td class="num">{amounts}</td></tr>')
    return mark_safe("".join(out))  # noqa: S308 — every text value above is escaped


def progress_page(county: Region) -> dict[str, Any]:
    """Projects per year and status (counts), and the share that reached 已完工 or later."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for year, status, n in (
        Project.objects.filter(county=county).values_list("year", "status").annotate(n=Count("id")).order_by()
    ):
        counts[year][status] = n
    done = ("completed", "accepted", "assets_formed")
    rows = []
    for year in sorted(counts, reverse=True):
        c = counts[year]
        total = sum(c.values())
        active = total - c.get("terminated", 0)
        finished = sum(c.get(s, 0) for s in done)
        rows.append({"year": year, "counts": [c.get(code, 0) for code in STATUSES], "total": total,
                     "finished_share": round(100 * finished / active, 1) if active else None})  # fmt: skip
    return {**_base(county, "progress.html"), "statuses": list(STATUSES.values()), "rows": rows}


def assets_page(county: Region) -> dict[str, Any]:
    """Confirmed assets by township and village: counts per category, 原值, idle/damaged and disposed counts."""
    rows: dict[str, dict[str, Any]] = {}
    grouped = list(
        Asset.objects.filter(county=county, draft=False)
        .values_list("region_id", "category", "state")
        .annotate(n=Count("id"), value=Sum("value"))
        .order_by()
    )
    paths = _paths({g[0] for g in grouped})
    for region_id, category, state, n, value in grouped:
        path = paths[region_id]
        township, village = _township_key(path, county)
        row = rows.setdefault(village or township, {"township": township, "village": village,
                                                    "by_category": dict.fromkeys(CATEGORIES, 0), "value": Decimal(0),
                                                    "problem": 0, "disposed": 0})  # fmt: skip
        if state == DISPOSED:
            row["disposed"] += n
            continue
        row["by_category"][category] = row["by_category"].get(category, 0) + n
        row["value"] += value or 0
        if state in ("闲置", "损毁"):
            row["problem"] += n
    names = _names({r["township"] for r in rows.values()} | {r["village"] for r in rows.values()})
    townships: dict[str, dict[str, Any]] = {}
    for key in sorted(rows):
        row = rows[key]
        group = townships.setdefault(row["township"], {"name": names.get(row["township"], "县本级"), "rows": [],
                                                       "by_category": dict.fromkeys(CATEGORIES, 0), "value": Decimal(0),
                                                       "problem": 0, "disposed": 0})  # fmt: skip
        row["name"] = names.get(row["village"], "乡镇本级") if row["village"] else "乡镇本级"
        row["categories"] = [row["by_category"][c] for c in CATEGORIES]
        group["rows"].append(row)
        for c in CATEGORIES:
            group["by_category"][c] += row["by_category"][c]
        for k in ("value", "problem", "disposed"):
            group[k] += row[k]
    groups = list(townships.values())
    for g in groups:
        g["categories"] = [g["by_category"][c] for c in CATEGORIES]
    total = {"categories": [sum(g["by_category"][c] for g in groups) for c in CATEGORIES],
             "value": sum((g["value"] for g in groups), Decimal(0)), "problem": sum(g["problem"] for g in groups),
             "disposed": sum(g["disposed"] for g in groups)}  # fmt: skip
    return {**_base(county, "assets.html"), "categories": CATEGORIES, "groups": groups, "total": total}


def income_page(county: Region, year: int | None = None) -> dict[str, Any]:
    """Income of 经营性 assets and its distribution by use, per village, for one year (the latest by default).

    Households reached are counted (distinct), never listed.
    """
    incomes = AssetIncome.objects.filter(asset__county=county)
    years = sorted(incomes.values_list("year", flat=True).distinct().order_by(), reverse=True)
    if year is None:
        year = years[0] if years else timezone.localdate().year - 1
    rows: dict[str, dict[str, Any]] = {}

    def row_for(path: str) -> dict[str, Any]:
        township, village = _township_key(path, county)
        return rows.setdefault(village or township, {"township": township, "village": village, "income": Decimal(0),
                                                     "uses": dict.fromkeys(USES, Decimal(0)), "households": 0,
                                                     "assets": 0})  # fmt: skip

    income_rows = list(
        incomes.filter(year=year)
        .values_list("asset__region_id")
        .annotate(n=Count("id"), s=Sum("amount"))
        .order_by()
    )
    # One pass over the distributions: sums by (village, use, household); rows without a household
    # collapse to one per (village, use), and the (village, household) pairs give both the per-village
    # counts and the county's distinct total (separate COUNT DISTINCT queries each cost the whole join).
    shares = Distribution.objects.filter(income__asset__county=county, income__year=year)
    share_rows = list(
        shares.values_list("income__asset__region_id", "use", "household_id")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    pairs = {(region_id, household) for region_id, _use, household, _s in share_rows if household is not None}
    reached: dict[int, int] = defaultdict(int)
    for region_id, _household in pairs:
        reached[region_id] += 1
    paths = _paths({r[0] for r in income_rows} | {r[0] for r in share_rows} | set(reached))
    for region_id, n, total in income_rows:
        row = row_for(paths[region_id])
        row["income"] += total or 0
        row["assets"] += n
    for region_id, use, _household, total in share_rows:
        row_for(paths[region_id])["uses"][use] += total or 0
    for region_id, n in reached.items():
        row_for(paths[region_id])["households"] += n
    names = _names({r["township"] for r in rows.values()} | {r["village"] for r in rows.values()})
    lines = []
    for key in sorted(rows):
        r = rows[key]
        r["township_name"] = names.get(r["township"], "县本级")
        r["name"] = names.get(r["village"], "乡镇本级") if r["village"] else "乡镇本级"
        r["use_list"] = [r["uses"][u] for u in USES]
        lines.append(r)
    total = {"income": sum((r["income"] for r in lines), Decimal(0)),
             "uses": [sum((r["uses"][u] for r in lines), Decimal(0)) for u in USES],
             "households": len({household for _region, household in pairs}),
             "assets": sum(r["assets"] for r in lines)}  # fmt: skip
    return {**_base(county, "income.html"), "year": year, "years": years, "uses": USES, "lines": lines,
            "total": total}  # fmt: skip


def target_rows(county: Region) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The county's targets in force with their assessment (indicators.dashboard.rows), as plain numbers."""
    from xiangcun.indicators import dashboard
    from xiangcun.indicators.models import Target

    targets = (
        Target.objects.current()
        .filter(region=county)
        .order_by("indicator__dimension", "indicator__code", "year")
    )
    rows = []
    counts: dict[str, int] = defaultdict(int)
    for r in dashboard.rows(targets):
        t = r["target"]
        counts[r["status"]] += 1
        rows.append({"indicator": t.indicator.name, "dimension": t.indicator.dimension, "unit": t.indicator.unit,
                     "year": t.year, "op": t.op, "value": t.value, "text": t.text, "attribute": t.attribute,
                     "baseline_year": t.baseline_year, "baseline": t.baseline_value, "latest": r["latest"],
                     "latest_year": r["latest_year"], "status": r["status"], "css": r["css"]})  # fmt: skip
    return rows, dict(counts)


def targets_page(county: Region) -> dict[str, Any]:
    rows, counts = target_rows(county)
    return {**_base(county, "targets.html"), "rows": rows, "counts": counts}


def all_pages(county: Region) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(file name, template, context) of every page of a county's public site."""
    yield "index.html", "public/county.html", index_page(county)
    funds = funds_page(county)
    yield "funds.html", "public/funds.html", funds
    for year in funds["summary"]["years"]:
        yield f"funds-{year}.html", "public/funds.html", funds_page(county, year)
    yield "progress.html", "public/progress.html", progress_page(county)
    yield "assets.html", "public/assets.html", assets_page(county)
    income = income_page(county)
    yield "income.html", "public/income.html", income
    for year in income["years"]:
        yield f"income-{year}.html", "public/income.html", income_page(county, year)
    yield "targets.html", "public/targets.html", targets_page(county)
