"""API over the delivery chain (docs/api.md): the project library and its steps, the fund summary, the asset
ledger, yearly income and its distribution. Same selectors, services and scopes as the pages; amounts are
strings with fixed decimals (万元 with 4, 元 with 2), never floats."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from xiangcun.accounts.scopes import county_of, get_scoped_or_404, scoped
from xiangcun.assets.models import Asset, AssetIncome, Distribution, Publicity
from xiangcun.domain import projects as project_domain
from xiangcun.domain.assets import disclosure
from xiangcun.domain.assets.distribution import totals_by_use
from xiangcun.domain.assets.ledger import CATEGORIES, OTHER_OWNER, OWNER_TYPES, STATES
from xiangcun.households.models import Household
from xiangcun.projects import selectors, services
from xiangcun.projects.models import Project
from xiangcun.projects.permissions import can_step
from xiangcun.regions.models import Region

from .common import ApiError, amount, answer, body, choice_param, day, int_param, methods, page
from .views import token_required

AMOUNTS = ("total_investment", "link_fund", "central_fund", "provincial_fund", "local_fund", "other_fund",
           "labour_pay")  # fmt: skip


def _township(request: HttpRequest, field: str) -> Q:
    """?township=<12-digit code> within the user's scope (unknown or out of scope: nothing matches)."""
    code = request.GET.get("township", "").strip()
    if not code:
        return Q()
    if not (code.isdigit() and len(code) == 12):
        raise ApiError(400, f"参数 township 应为 12 位乡镇代码（收到「{code[:20]}」）")
    region = scoped(Region.objects.filter(code=code), request.user).first()
    return Q(**{f"{field}__startswith": region.path}) if region else Q(pk__in=[])


# ---------------------------------------------------------------- projects


def _project(p: Project) -> dict[str, Any]:
    region = p.region
    village = region.depth == 5
    return {
        "id": p.pk, "code": p.code, "name": p.name, "type": p.project_type, "type_label": p.type_label,
        "work_relief": p.work_relief, "region": region.code, "region_name": region.name,
        "township": region.parent.name if village and region.parent else (region.name if region.depth == 4 else ""),
        "department": p.department.name if p.department else None, "year": p.year,
        **{k: amount(getattr(p, k)) for k in AMOUNTS},
        "poor_households": p.poor_households, "monitored_households": p.monitored_households,
        "performance_target": p.performance_target,
        "performance_quantity": amount(p.performance_quantity), "performance_unit": p.performance_unit,
        "planned_start": day(p.planned_start), "planned_finish": day(p.planned_finish),
        "actual_start": day(p.actual_start), "actual_finish": day(p.actual_finish),
        "status": p.status, "status_label": p.status_label,
    }  # fmt: skip


def _projects(request: HttpRequest) -> QuerySet[Project]:
    rows = scoped(Project.objects.select_related("region__parent", "department"), request.user)
    if (year := int_param(request, "year", 1900, 2200)) is not None:
        rows = rows.filter(year=year)
    if kind := choice_param(request, "type", project_domain.TYPES):
        rows = rows.filter(project_type=kind)
    if status := choice_param(request, "status", project_domain.STATUSES):
        rows = rows.filter(status=status)
    if q := request.GET.get("q", "").strip():
        rows = rows.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return rows.filter(_township(request, "region__path")).order_by("-year", "code", "pk")


@token_required
def projects(request: HttpRequest) -> HttpResponse:
    methods(request, "GET")
    return page(request, _projects(request), _project)


@token_required
def project(request: HttpRequest, pk: int) -> HttpResponse:
    methods(request, "GET")
    item = get_scoped_or_404(
        Project.objects.select_related("region__parent", "department"), request.user, pk=pk
    )
    steps = item.steps.select_related("actor").prefetch_related("attachments")
    return _project_detail(item, steps, request)


def _project_detail(item: Project, steps: Any, request: HttpRequest) -> HttpResponse:
    assets = scoped(item.assets.all(), request.user).order_by("code")
    return answer(
        {**_project(item), "content": item.content, "termination_reason": item.termination_reason,
         "next_statuses": list(project_domain.next_statuses(item.status)),
         "steps": [{"from": s.from_status or None, "to": s.to_status, "to_label": s.get_to_status_display(),
                    "remarks": s.remarks, "actor": str(s.actor) if s.actor else None, "at": day(s.at),
                    "attachments": [a.filename for a in s.attachments.all()]} for s in steps],
         "assets": [{"id": a.pk, "code": a.code, "name": a.name} for a in assets]}
    )  # fmt: skip


@token_required
def project_steps(request: HttpRequest, pk: int) -> HttpResponse:
    """POST one status step, as on the project page: {"to": "in_progress", "remarks": "…", "expected": "admitted"}."""
    methods(request, "POST")
    item = get_scoped_or_404(Project.objects.all(), request.user, pk=pk)
    if not can_step(request.user):
        raise ApiError(403, "您的角色不能办理项目状态")
    data = body(request)
    to = data.get("to")
    if not isinstance(to, str) or to not in project_domain.STATUSES:
        raise ApiError(400, f"to 应为项目状态代码之一：{'、'.join(project_domain.STATUSES)}")
    remarks, expected = data.get("remarks", ""), data.get("expected")
    if not isinstance(remarks, str) or len(remarks) > 2000:
        raise ApiError(400, "remarks 应为不超过 2000 字的文字")
    if expected is not None and expected not in project_domain.STATUSES:
        raise ApiError(400, "expected 应为办理前看到的项目状态代码（可省略）")
    try:
        services.change_status(item, to, request.user, remarks=remarks, expected_status=expected)
    except services.StepError as exc:
        raise ApiError(409 if "他人" in str(exc) else 400, str(exc)) from exc
    item = Project.objects.select_related("region__parent", "department").get(pk=item.pk)
    response = _project_detail(
        item, item.steps.select_related("actor").prefetch_related("attachments"), request
    )
    response.status_code = 201
    return response


@token_required
def funds(request: HttpRequest) -> HttpResponse:
    """The fund summary of `xiangcun funds --json` over the user's projects, plus per township and per year."""
    methods(request, "GET")
    county = county_of(request.user)
    rows = scoped(Project.objects.all(), request.user)
    if county is not None:
        rows = rows.filter(county=county)
    year = int_param(request, "year", 1900, 2200)
    if year is None:
        year = rows.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        raise ApiError(404, "管辖范围内还没有项目")
    summary = selectors.fund_summary(rows, year, county)
    money = project_domain.format_amount
    townships = selectors.by_township(rows, year, county) if county is not None else []
    return answer(
        {**summary,
         "by_township": [{"township": t["name"], "code": t["path"][-12:] if t["path"] else None, "count": t["count"],
                          "link_fund": money(t["link"]), "total_investment": money(t["total"])} for t in townships],
         "by_year": [{"year": y["year"], "count": y["count"], "link_fund": money(y["link"])}
                     for y in selectors.by_year(rows)]}
    )  # fmt: skip


# ---------------------------------------------------------------- assets, income, distribution


def _asset(a: Asset) -> dict[str, Any]:
    return {
        "id": a.pk, "code": a.code, "name": a.name, "project": a.project.code if a.project else None,
        "category": a.category, "region": a.region.code, "region_name": a.region.name, "value": amount(a.value),
        "year": a.year, "owner": a.owner, "owner_type": a.owner_type, "custodian": a.custodian,
        "custodian_person": a.custodian_person, "operating_mode": a.operating_mode, "state": a.state,
        "draft": a.draft, "confirmed_at": day(a.confirmed_at),
    }  # fmt: skip


@token_required
def assets(request: HttpRequest) -> HttpResponse:
    methods(request, "GET")
    rows = scoped(Asset.objects.select_related("region", "project"), request.user)
    for name, choices in (("category", CATEGORIES), ("owner_type", (*OWNER_TYPES, OTHER_OWNER)),
                          ("state", STATES)):  # fmt: skip
        if value := choice_param(request, name, choices):
            rows = rows.filter(**{name: value})
    if (draft := choice_param(request, "draft", ("0", "1"))) is not None:
        rows = rows.filter(draft=draft == "1")
    if q := request.GET.get("q", "").strip():
        rows = rows.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(owner__icontains=q))
    rows = rows.filter(_township(request, "region__path")).order_by("code", "pk")
    return page(request, rows, _asset, total_value=amount(rows.aggregate(s=Sum("value"))["s"] or Decimal(0)))


def _shares(request: HttpRequest, shares: list[Distribution]) -> list[dict[str, Any]]:
    """Distributions; a household is named by its 户编号 only when the user's scope holds it."""
    ids = {d.household_id for d in shares if d.household_id}
    visible = dict(
        scoped(Household.objects.filter(pk__in=ids), request.user).values_list("pk", "code")
    ) if ids else {}  # fmt: skip
    return [
        {"use": d.use, "amount": amount(d.amount, 2), "basis": d.basis or None, "work": d.work, "reason": d.reason,
         "household": visible.get(d.household_id), "note": d.note}
        for d in shares
    ]  # fmt: skip


@token_required
def asset(request: HttpRequest, pk: int) -> HttpResponse:
    methods(request, "GET")
    item = get_scoped_or_404(Asset.objects.select_related("region", "project"), request.user, pk=pk)
    incomes = list(item.incomes.order_by("-year").prefetch_related("distributions"))
    return answer(
        {**_asset(item), "disposal_approval": item.disposal_approval, "disposal_date": day(item.disposal_date),
         "disposal_note": item.disposal_note,
         "incomes": [{"year": i.year, "amount": amount(i.amount, 2), "note": i.note,
                      "distributions": _shares(request, list(i.distributions.all()))} for i in incomes]}
    )  # fmt: skip


@token_required
def incomes(request: HttpRequest) -> HttpResponse:
    """One year's income per asset with its distribution, and the year's totals by use."""
    methods(request, "GET")
    year = int_param(request, "year", 1900, 2200)
    if year is None:
        raise ApiError(400, "请用参数 year 指定年度，如 ?year=2025")
    rows = scoped(
        AssetIncome.objects.filter(year=year).select_related("asset", "asset__region"), request.user
    ).order_by("asset__code", "pk")
    shares = scoped(Distribution.objects.filter(income__year=year), request.user)
    by_use = totals_by_use(shares.values_list("use").annotate(s=Sum("amount")).values_list("use", "s"))
    prefetched = rows.prefetch_related("distributions")

    def one(i: AssetIncome) -> dict[str, Any]:
        parts = list(i.distributions.all())
        return {"asset": i.asset.code, "asset_id": i.asset_id, "asset_name": i.asset.name,
                "region": i.asset.region.code, "year": i.year, "amount": amount(i.amount, 2), "note": i.note,
                "distributed": amount(sum((d.amount for d in parts), Decimal(0)), 2),
                "distributions": _shares(request, parts)}  # fmt: skip

    return page(
        request, prefetched, one, year=year, total=amount(rows.aggregate(s=Sum("amount"))["s"] or Decimal(0), 2),
        by_use={k: amount(v, 2) for k, v in by_use.items()},
    )  # fmt: skip


@token_required
def notices(request: HttpRequest) -> HttpResponse:
    """公示 records: ?kind= (项目计划, 资金分配, 项目竣工, 收益分配) ?year=; each with its state today."""
    methods(request, "GET")
    rows = scoped(Publicity.objects.select_related("region", "project", "income__asset"), request.user)
    if kind := choice_param(request, "kind", disclosure.KINDS):
        rows = rows.filter(kind=kind)
    if (year := int_param(request, "year", 1900, 2200)) is not None:
        rows = rows.filter(year=year)
    today = timezone.localdate()

    def one(n: Publicity) -> dict[str, Any]:
        now = disclosure.state(n.start, n.end, today)
        return {"id": n.pk, "kind": n.kind, "title": n.title, "region": n.region.code, "region_name": n.region.name,
                "year": n.year, "project": n.project.code if n.project else None,
                "asset": n.income.asset.code if n.income else None, "start": day(n.start), "end": day(n.end),
                "state": now.label, "days_left": now.remaining, "channel": n.channel,
                "objection_count": n.objection_count, "objections": n.objections, "handling": n.handling}  # fmt: skip

    return page(request, rows.order_by("-start", "-id"), one)
