from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from auditlog.models import LogEntry
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from xiangcun.accounts.scopes import county_of, get_scoped_or_404, scope_of, scoped
from xiangcun.core.downloads import export_response
from xiangcun.core.forms import OptimisticLockForm, StaleEdit, quick_select
from xiangcun.core.params import parse_id, parse_int, parse_year
from xiangcun.core.permissions import require_county
from xiangcun.domain.assets import disclosure
from xiangcun.domain.assets.distribution import BASES, USES, DistributionError, totals_by_use
from xiangcun.domain.assets.ledger import (
    CATEGORIES,
    OTHER_OWNER,
    OWNER_TYPES,
    STATES,
    warnings_for,
)
from xiangcun.projects.models import Project
from xiangcun.regions.models import Region

from . import services
from .models import Asset, AssetIncome, DisclosureSettings, Distribution, Publicity

FILTERS = ("category", "owner_type", "state")


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.setdefault("can_edit", services.can_edit(request.user))
    context.setdefault("is_county", services.is_county(request.user))
    return render(request, template, context, status=status)


def _require_edit(request: HttpRequest) -> None:
    if not services.can_edit(request.user):
        raise PermissionDenied("您的角色不能修改资产台账")


def _filtered(request: HttpRequest) -> tuple[QuerySet[Asset], dict[str, str]]:
    """The user's assets narrowed by ?category= ?owner_type= ?state= ?township= ?draft= ?q=."""
    assets = scoped(Asset.objects.all(), request.user)
    chosen: dict[str, str] = {}
    for name in FILTERS:
        if value := request.GET.get(name, ""):
            assets = assets.filter(**{name: value})
            chosen[name] = value
    if township := request.GET.get("township", ""):
        region = scoped(Region.objects.filter(depth=4), request.user).filter(code=township).first()
        assets = assets.filter(region__path__startswith=region.path) if region else assets.none()
        chosen["township"] = township
    if request.GET.get("draft") in ("0", "1"):
        assets = assets.filter(draft=request.GET["draft"] == "1")
        chosen["draft"] = request.GET["draft"]
    if q := request.GET.get("q", "").strip():
        assets = assets.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(owner__icontains=q))
        chosen["q"] = q
    return assets, chosen


def _groups(assets: QuerySet[Asset]) -> dict[str, list[dict[str, Any]]]:
    """Counts and 原值 by category, owner type, township and state (one GROUP BY each)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for key, order in (("category", CATEGORIES), ("owner_type", (*OWNER_TYPES, OTHER_OWNER, "")),
                       ("state", STATES)):  # fmt: skip
        found = {r[key]: r for r in assets.values(key).annotate(n=Count("id"), total=Sum("value"))}
        out[key] = [found[k] for k in order if k in found]
    townships = dict(Region.objects.filter(depth=4).values_list("path", "name"))
    by_township: dict[str, dict[str, Any]] = {}
    for path, n, total in assets.values_list("region__path").annotate(n=Count("id"), total=Sum("value")):
        key = next((path[:i] for i in range(12, len(path) + 1, 12) if path[:i] in townships), "")
        row = by_township.setdefault(key, {"code": key[-12:], "name": townships.get(key, "县本级"), "n": 0,
                                           "total": Decimal(0)})  # fmt: skip
        row["n"] += n
        row["total"] += total or 0
    out["township"] = sorted(by_township.values(), key=lambda r: r["code"])
    return out


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    assets, chosen = _filtered(request)
    page = Paginator(assets.select_related("region", "project").order_by("code"), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "groups": _groups(assets),
        "chosen": chosen,
        "query": query.urlencode(),
        "total": assets.aggregate(n=Count("id"), value=Sum("value")),
        "categories": CATEGORIES,
        "owner_types": (*OWNER_TYPES, OTHER_OWNER),
        "states": STATES,
        "townships": scoped(Region.objects.filter(depth=4), request.user),
        "can_edit": services.can_edit(request.user),
        "drafts": assets.filter(draft=True).count(),
    }
    return _render(request, "assets/ledger.html", context)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The ledger (filtered like the page) in the import format; scoped and audited."""
    assets, chosen = _filtered(request)
    data = services.export_assets(assets)
    what = (
        "资产台账 "
        + ("（" + "，".join(f"{k}={v}" for k, v in chosen.items()) + "）" if chosen else "")
        + f"{assets.count()} 项"
    )
    return export_response(request, data, f"assets-{timezone.localdate():%Y%m%d}.xlsx", what)


@login_required
def warnings(request: HttpRequest) -> HttpResponse:
    assets = services.warning_rows(scoped(Asset.objects.select_related("region"), request.user)).order_by(
        "code"
    )
    page = Paginator(assets, 100).get_page(request.GET.get("page"))
    rows = [(a, warnings_for({"code": a.code, "category": a.category, "operating_mode": a.operating_mode,
                              "custodian_person": a.custodian_person, "state": a.state})) for a in page]  # fmt: skip
    return _render(request, "assets/warnings.html", {"page": page, "rows": rows, "total": assets.count()})


class UploadForm(forms.Form):
    file = forms.FileField(label="资产台账（.xlsx，工作表「资产」）")


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    _require_edit(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        scope = None if scope_of(request.user).everything else request.user.region  # type: ignore[union-attr]
        report = services.import_assets(f.read(), f.name, actor=request.user, scope=scope)
        if report.ok:
            messages.success(request, report.summary())
            return redirect("assets:ledger")
    from xiangcun.domain.assets.workbook import COLUMNS

    return _render(request, "assets/upload.html", {"form": form, "report": report, "columns": COLUMNS})


@require_POST
@login_required
def make_drafts(request: HttpRequest) -> HttpResponse:
    """Draft assets (待确权) for the accepted projects in the user's scope."""
    _require_edit(request)
    made = services.make_drafts(scoped(Project.objects.all(), request.user))
    messages.success(
        request, f"已为 {made} 个已验收项目生成待确权资产。" if made else "没有需要生成资产的已验收项目。"
    )
    return redirect(reverse("assets:ledger") + "?draft=1")


class AssetForm(OptimisticLockForm):
    class Meta:
        model = Asset
        fields = ["name", "category", "region", "value", "year", "owner", "custodian", "custodian_person",
                  "operating_mode", "state"]  # fmt: skip

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scoped(Region.objects.filter(depth__gte=3), user)
        quick_select(self.fields["region"])  # every village and natural village in scope
        self.fields["state"].choices = [(s, s) for s in STATES if s != "已处置"]
        if self.instance.state == "已处置":
            self.fields["state"].choices = [("已处置", "已处置")]
        for name in ("owner", "custodian", "custodian_person"):
            self.fields[name].required = name == "owner"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("operating_mode") and cleaned.get("category") != "经营性":
            self.add_error("operating_mode", "只有经营性资产填写经营方式")
        value = cleaned.get("value")
        if value is not None and value < 0:
            self.add_error("value", "原值不能为负数")
        year = cleaned.get("year")
        if year and not 1980 <= year <= timezone.localdate().year:
            self.add_error("year", f"形成年份应在 1980–{timezone.localdate().year} 之间")
        return cleaned


def _asset_page(request: HttpRequest, asset: Asset, form: AssetForm | None = None,
                errors: dict[str, str] | None = None, values: dict[str, str] | None = None) -> HttpResponse:  # fmt: skip
    incomes = []
    for income in asset.incomes.prefetch_related("distributions__household").order_by("-year"):
        shares = list(income.distributions.all())
        used = sum((d.amount for d in shares), Decimal(0))
        incomes.append({"income": income, "shares": shares, "used": used, "rest": income.amount - used,
                        "by_use": totals_by_use((d.use, d.amount) for d in shares)})  # fmt: skip
    context = {
        "asset": asset,
        "form": form or AssetForm(instance=asset, user=request.user),
        "warnings": warnings_for(
            {
                "code": asset.code,
                "category": asset.category,
                "draft": asset.draft,
                "operating_mode": asset.operating_mode,
                "custodian_person": asset.custodian_person,
                "state": asset.state,
            }
        ),  # fmt: skip
        "incomes": incomes,
        "uses": USES,
        "bases": BASES,
        "can_edit": services.can_edit(request.user),
        "is_county": services.is_county(request.user),
        "errors": errors or {},
        "values": values or {},
        "this_year": timezone.localdate().year,
        "history": LogEntry.objects.get_for_object(asset).select_related("actor")[:30],
        "notices": Publicity.objects.filter(income__asset=asset),
    }
    status = 400 if errors or (form is not None and form.errors) else 200
    return _render(request, "assets/detail.html", context, status)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_scoped_or_404(
        Asset.objects.select_related("region", "project", "county"), request.user, pk=pk
    )
    if request.method != "POST":
        return _asset_page(request, asset)
    _require_edit(request)
    action = request.POST.get("action", "edit")
    values = {k: request.POST.get(k, "") for k in ("year", "amount", "note", "use", "household", "basis", "work",
                                                    "reason", "income", "disposal_approval", "disposal_date",
                                                    "disposal_note")}  # fmt: skip
    try:
        if action == "edit":
            form = AssetForm(request.POST, instance=asset, user=request.user)
            if not form.is_valid():
                return _asset_page(request, asset, form=form)
            draft = asset.draft
            try:  # the same edit lock as form.save(): never overwrite an edit made meanwhile
                with form.locked():
                    saved = form.save(commit=False)
                    if draft:
                        services.confirm(saved, request.user)
                    else:
                        saved.owner_type = services.owner_type(saved.owner)
                        saved.save()
            except StaleEdit:
                asset.refresh_from_db()
                response = _asset_page(request, asset, form=form)
                response.status_code = 409
                return response
            messages.success(request, "已确权，资产已进入台账。" if draft else "已保存。")
        elif action == "dispose":
            if not services.is_county(request.user):
                raise PermissionDenied("资产处置须由县级审批")
            try:
                date = dt.date.fromisoformat(values["disposal_date"]) if values["disposal_date"] else None
            except ValueError:
                date = None
            services.dispose(asset, values["disposal_approval"], date, values["disposal_note"])
            messages.success(request, "已登记处置审批，资产状态为“已处置”。")
        elif action == "income":
            try:
                year = int(values["year"])
            except ValueError:
                raise services.AssetError({"year": "请填写年度"}) from None
            services.record_income(asset, year, values["amount"], values["note"])
            messages.success(request, "收益已登记。")
        elif action == "distribute":
            income = AssetIncome.objects.filter(asset=asset, pk=parse_id(values["income"])).first()
            if income is None:
                raise services.AssetError({"income": "请先登记当年收益"})
            services.distribute(income, request.user, values)
            messages.success(request, "分配已登记。")
    except (services.AssetError, DistributionError) as exc:
        asset.refresh_from_db()
        return _asset_page(request, asset, errors={"action": action, **exc.errors}, values=values)
    return redirect("assets:detail", pk=asset.pk)


@login_required
def incomes(request: HttpRequest) -> HttpResponse:
    """Income and distribution by year: totals by use, money to households by basis, per asset."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year - 1)
    except ValueError:
        year = this_year - 1
    rows = scoped(
        AssetIncome.objects.filter(year=year).select_related("asset", "asset__region"), request.user
    )
    shares = scoped(Distribution.objects.filter(income__year=year), request.user)
    by_use = totals_by_use(shares.values_list("use").annotate(s=Sum("amount")).values_list("use", "s"))
    by_basis = list(
        shares.exclude(basis="")
        .values("basis")
        .annotate(n=Count("household", distinct=True), s=Sum("amount"))
    )
    distributed = dict(
        shares.values_list("income_id").annotate(s=Sum("amount")).values_list("income_id", "s")
    )
    page = Paginator(rows.order_by("asset__code"), 50).get_page(request.GET.get("page"))
    context = {
        "year": year,
        "years": list(range(this_year, 2015, -1)),
        "page": page,
        "lines": [(i, distributed.get(i.pk, Decimal(0))) for i in page],
        "total": rows.aggregate(s=Sum("amount"))["s"] or Decimal(0),
        "by_use": by_use,
        "distributed": sum(by_use.values(), Decimal(0)),
        "by_basis": by_basis,
    }
    return _render(request, "assets/incomes.html", context)


# ---------------------------------------------------------------- 公示


def _notice_context(request: HttpRequest) -> dict[str, Any]:
    county = county_of(request.user)
    return {
        "kinds": disclosure.KINDS,
        "channels": disclosure.CHANNELS,
        "min_days": services.min_days(county),
        "regions": scoped(Region.objects.filter(depth__in=(3, 4, 5)), request.user),
        "can_edit": services.can_edit(request.user),
        "is_county": services.is_county(request.user),
        "today": timezone.localdate(),
    }


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    items = scoped(Publicity.objects.select_related("region", "project", "income__asset"), request.user)
    if kind := request.GET.get("kind", ""):
        items = items.filter(kind=kind)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    rows = [(n, disclosure.state(n.start, n.end, today)) for n in page]
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    if request.method == "POST":
        _require_edit(request)
        values = {k: request.POST.get(k, "").strip() for k in ("kind", "title", "region", "year", "start", "end",
                                                                "channel", "project", "income")}  # fmt: skip
        region = scoped(Region.objects.all(), request.user).filter(pk=parse_id(values["region"])).first()
        project = (
            scoped(Project.objects.all(), request.user).filter(code=values["project"]).first()
            if values["project"]
            else None
        )
        income = None
        if values["income"]:
            code, _, year_text = values["income"].partition("/")
            income = (
                scoped(AssetIncome.objects.all(), request.user)
                .filter(asset__code=code.strip(), year=parse_year(year_text) or -1)
                .first()
            )
            if income is None:
                errors["income"] = "没有找到该资产当年的收益（格式：资产编号/年度），或不在您的管辖范围内"
        if values["project"] and project is None:
            errors["project"] = "项目库中没有该项目编号，或不在您的管辖范围内"
        if region is None:
            errors["region"] = "请选择公示范围（县、乡镇或村）"
        year = parse_year(values["year"]) or 0
        if not year:
            errors["year"] = "请填写年度（四位数字，如 2025）"
        dates = {}
        for key in ("start", "end"):
            try:
                dates[key] = dt.date.fromisoformat(values[key]) if values[key] else None
            except ValueError:
                dates[key] = None
                errors[key] = "日期格式应为 2025-01-31"
        if not errors:
            try:
                notice = services.publish_notice(request.user, values["kind"], values["title"], region, year,  # type: ignore[arg-type]
                                                 dates["start"], dates["end"], values["channel"], project, income)  # fmt: skip
            except services.AssetError as exc:
                errors.update(exc.errors)
            else:
                messages.success(request, f"公示已登记：{notice.title}")
                return redirect("assets:notices")
    context = {
        **_notice_context(request),
        "page": page,
        "rows": rows,
        "kind": kind,
        "errors": errors,
        "values": values,
    }
    return _render(request, "assets/notices.html", context, status=400 if errors else 200)


@login_required
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_scoped_or_404(
        Publicity.objects.select_related("region", "project", "income__asset"), request.user, pk=pk
    )
    errors: dict[str, str] = {}
    if request.method == "POST":
        _require_edit(request)
        count = parse_int(request.POST.get("objection_count") or "0", 0, 1_000_000)
        count = -1 if count is None else count
        try:
            services.close_notice(
                item, count, request.POST.get("objections", ""), request.POST.get("handling", "")
            )
        except services.AssetError as exc:
            errors = exc.errors
        else:
            messages.success(request, "异议情况已登记。")
            return redirect("assets:notice", pk=item.pk)
    context = {"item": item, "state": disclosure.state(item.start, item.end, timezone.localdate()),
               "days": disclosure.days(item.start, item.end), "errors": errors,
               "can_edit": services.can_edit(request.user),
               "history": LogEntry.objects.get_for_object(item).select_related("actor")[:30]}  # fmt: skip
    return _render(request, "assets/notice.html", context, status=400 if errors else 200)


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    county = require_county(request, "只有县级管理员可以修改公示设置")
    current = services.min_days(county)
    error = ""
    if request.method == "POST":
        try:
            days = int(request.POST.get("min_days", ""))
        except ValueError:
            days = 0
        if not 1 <= days <= 90:
            error = "公示最少天数应为 1–90 天的整数"
        else:
            setting, _ = DisclosureSettings.objects.get_or_create(county=county)
            setting.min_days = days
            setting.save()
            messages.success(request, f"公示期不少于 {days} 天。")
            return redirect("assets:settings")
    return _render(request, "assets/settings.html", {"county": county, "min_days": current, "error": error},
                  status=400 if error else 200)  # fmt: skip
