from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from xiangcun.accounts.scopes import county_of, get_scoped_or_404, scoped
from xiangcun.core.downloads import export_response
from xiangcun.core.forms import OptimisticLockForm, StaleEdit
from xiangcun.core.permissions import require
from xiangcun.departments.models import Department
from xiangcun.domain.assessment import expected_at
from xiangcun.domain.catalog import DIMENSIONS
from xiangcun.domain.formatting import format_number, format_op
from xiangcun.domain.observations import aggregate
from xiangcun.domain.spreadsheets import append_row
from xiangcun.regions.models import Region

from . import chart, collection, dashboard, index
from .models import Indicator, Observation, Target
from .services import ensure_national


@login_required
def catalog(request: HttpRequest) -> HttpResponse:
    ensure_national()
    indicators = scoped(Indicator.objects.select_related("owner", "region"), request.user)
    dimension = request.GET.get("dimension", "")
    if dimension:
        indicators = indicators.filter(dimension=dimension)
    openable = set(collection.viewable_indicators(request.user).values_list("pk", flat=True))
    return render(
        request,
        "indicators/catalog.html",
        {"indicators": indicators, "dimensions": DIMENSIONS, "dimension": dimension, "openable": openable},
    )


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year - 1)
    except ValueError:
        year = timezone.localdate().year - 1
    return min(max(year, 2000), 2100)


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """The reporting form: exactly the indicators this user owns, for the regions they report for."""
    year = _year(request)
    indicators = list(collection.assigned_indicators(request.user).order_by("code"))
    reachable = list(collection.reporting_regions(request.user).order_by("path"))
    regions = _report_regions(request, reachable)
    if not indicators or not regions:
        return render(request, "indicators/report.html", {"year": year, "rows": [], "nothing": True})
    row_errors_by_key: dict[tuple[int, int], list[str]] = {}
    if request.method == "POST":
        if "file" in request.FILES:
            upload = request.FILES["file"]
            result = collection.import_template(
                upload.read(), upload.name, request.user, submit=request.POST.get("submit") == "1"
            )
            errors = [str(e) for e in result.errors]
        else:
            raw_rows, keys = collection.read_form(request.POST, indicators, regions, year)
            rows, row_errors = collection.validate_rows(raw_rows, request.user)
            names = {(i.pk, r.pk): f"{i.name}（{r.name}）" for i in indicators for r in regions}
            errors = [f"{names[keys[e.row]]}「{e.column}」：{e.message}" for e in row_errors]
            for e in row_errors:
                row_errors_by_key.setdefault(keys[e.row], []).append(e.message)
            if not errors:
                collection.save_rows(rows, request.user, submit=request.POST.get("submit") == "1")
        if not errors:
            messages.success(request, "已提交审核。" if request.POST.get("submit") == "1" else "已保存草稿。")
            return redirect(
                f"{request.path}?year={year}&region={regions[0].code if len(regions) == 1 else ''}"
            )
        messages.error(request, f"有 {len(errors)} 处问题，没有保存任何数据，请修改后重新提交。")
    else:
        errors = []
    typed = request.POST if request.method == "POST" and "file" not in request.FILES else None
    lines = collection.form_rows(indicators, regions, year, typed, row_errors_by_key)
    context = {
        "year": year,
        "rows": lines,
        "errors": errors,
        "choices": reachable if len(reachable) > 1 else [],
        "chosen": regions[0].code if len(regions) == 1 else "",
        "all_at_once": len(reachable) <= REPORT_REGIONS,
    }
    return render(request, "indicators/report.html", context)  # fmt: skip


# Up to this many regions are filled in on one page; a county of hundreds of townships picks one at a time
# (thousands of inputs made the page take seconds and were no use to anyone).
REPORT_REGIONS = 30


def _report_regions(request: HttpRequest, reachable: list[Region]) -> list[Region]:
    """The regions on the form: the one chosen (?region=code), else all of them when few, else the first
    (the county itself). Only typed rows are saved, so rows left off the page are never touched."""
    code = request.POST.get("region") or request.GET.get("region") or ""
    chosen = [r for r in reachable if r.code == code]
    if chosen:
        return chosen
    return reachable if len(reachable) <= REPORT_REGIONS else reachable[:1]


@login_required
def report_template(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    return export_response(
        request, collection.template(request.user, year), f"report-{year}.xlsx", f"{year}年填报模板"
    )


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    require(request, "review_indicators")
    pending = scoped(
        Observation.objects.select_related("indicator", "region", "department"), request.user
    ).filter(status=Observation.Status.SUBMITTED)
    rows = collection.review_context(list(pending.order_by("indicator__code", "region__path", "year")))
    return render(request, "indicators/review.html", {"pending": rows})


@require_POST
@login_required
def review_batch(request: HttpRequest) -> HttpResponse:
    """批量通过: every selected observation must be in the reviewer's scope (else 404, nothing approved)."""
    require(request, "review_indicators")
    ids = {int(i) for i in request.POST.getlist("ids") if i.isdigit()}
    if not ids:
        messages.error(request, "请先勾选要通过的数据。")
        return redirect("indicators:review")
    chosen = list(scoped(Observation.objects.filter(pk__in=ids), request.user))
    if len(chosen) != len(ids):
        raise Http404("所选数据不存在，或不在您的管辖范围内")
    approved = collection.approve_many(chosen, request.user)
    messages.success(request, f"已通过 {approved} 条数据。")
    if approved < len(chosen):
        messages.warning(request, f"{len(chosen) - approved} 条已不是待审核状态，未作改动。")
    return redirect("indicators:review")


@require_POST
@login_required
def review_one(request: HttpRequest, pk: int) -> HttpResponse:
    observation = get_scoped_or_404(Observation.objects.all(), request.user, pk=pk)
    require(request, "review_indicators")
    try:
        collection.review(
            observation, request.user, request.POST.get("action") == "approve", request.POST.get("reason", "")
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    return redirect("indicators:review")


STATUS_CLASSES = dashboard.STATUS_CLASSES


def _plan_targets(request: HttpRequest) -> tuple[Any, str, dict[str, Any]]:
    """The targets the dashboard shows for the `plan` filter, and what the page says about them.

    Default (empty): the targets in force — each non-archived plan's current (latest confirmed) version and
    the hand targets — less those a reviewer set aside for a duplicate. `manual`: hand targets only;
    `all`: every target on record (older versions, archived plans, set-aside duplicates); a number: the
    targets of that plan version, whatever its state.
    """
    from xiangcun.plans.models import PlanVersion
    from xiangcun.plans.services import duplicates_in_force

    choice = request.GET.get("plan", "")
    base = scoped(Target.objects.all(), request.user).select_related("plan_version__plan", "plan_item")
    origin = request.GET.get("origin", "")
    if origin in Target.Origin.values:
        # 主要指标表 or 文中目标: both come from plans, so hand targets are left out of either
        base = base.filter(origin=origin, plan_version__isnull=False)
    info: dict[str, Any] = {"set_aside": [], "duplicates": [], "version": None}
    if choice == "all":
        targets = base
    elif choice == "manual":
        targets = base.filter(plan_version__isnull=True)
    elif choice.isdigit():
        version = (
            scoped(PlanVersion.objects.select_related("plan"), request.user).filter(pk=int(choice)).first()
        )
        if version is None:
            raise Http404("没有找到该规划版本，或不在您的管辖范围内")
        info["version"] = version
        targets = base.filter(plan_version=version)
    else:
        choice = ""
        in_force = base.in_force()
        targets = base.current()
        info["set_aside"] = list(
            in_force.exclude(pk__in=targets.values("pk")).select_related(
                "indicator", "region", "superseded_by__plan_version__plan"
            )
        )
        info["duplicates"] = duplicates_in_force(targets.select_related("indicator", "region"))
    return targets, choice, info


def _plan_choices(request: HttpRequest) -> list[tuple[str, str]]:
    """The plan filter's options: every confirmed version in scope, current ones first."""
    from xiangcun.indicators.models import current_versions
    from xiangcun.plans.models import PlanVersion

    current = set(current_versions().values_list("pk", flat=True))
    versions = scoped(PlanVersion.objects.filter(status="confirmed").select_related("plan"), request.user)
    options = []
    for v in sorted(versions, key=lambda v: (v.pk not in current, v.plan.title, -v.number)):
        state = "现行" if v.pk in current else ("已归档" if v.plan.archived else "旧版本")
        options.append((str(v.pk), f"{v}（{state}）"))
    return options


def _dashboard_rows(request: HttpRequest) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The dashboard's rows under every filter, and the figures for its cards.

    The page and its export read the same rows, so an export of a filtered view holds what the page showed.
    The cards count the selection before the status and 预警 filters, so they still show the whole picture.
    """
    targets, plan_choice, plan_info = _plan_targets(request)
    filters = {k: request.GET.get(k, "") for k in ("dimension", "department", "attribute", "status", "year")}
    filters["plan"] = plan_choice
    filters["origin"] = (
        request.GET.get("origin", "") if request.GET.get("origin") in Target.Origin.values else ""
    )
    filters["warning"] = "1" if request.GET.get("warning") == "1" else ""
    if filters["dimension"]:
        targets = targets.filter(indicator__dimension=filters["dimension"])
    if filters["department"]:
        targets = targets.filter(department__name=filters["department"])
    if filters["attribute"]:
        targets = targets.filter(attribute=filters["attribute"])
    if filters["year"].isdigit():
        targets = targets.filter(year=int(filters["year"]))
    rows = dashboard.rows(targets.order_by("indicator__code", "region__path", "year"))
    figures = {
        "counts": {s: sum(1 for r in rows if r["status"] == s) for s in STATUS_CLASSES},
        "warnings": sum(1 for r in rows if r["warning"]),
        "selected": len(rows),
    }
    wanted = dashboard.BEHIND_STATUSES if filters["status"] == dashboard.BEHIND else (filters["status"],)
    if filters["status"]:
        rows = [r for r in rows if r["status"] in wanted]
    if filters["warning"]:
        rows = [r for r in rows if r["warning"]]
    return rows, {**plan_info, **figures, "filters": filters}


@login_required
def plan_dashboard(request: HttpRequest) -> HttpResponse:
    """Every target in scope with its traffic light; filters by plan, dimension, department, attribute, status."""
    rows, info = _dashboard_rows(request)
    for r in rows:
        r["css"] = STATUS_CLASSES[r["status"]]
    visible = scoped(Target.objects.all(), request.user)
    context = {
        **info,
        "duplicate_ids": {t.pk for group in info["duplicates"] for t in group},
        "plan_choices": _plan_choices(request),
        "query": request.GET.urlencode(),
        "rows": rows,
        "status_cards": [(s, n, STATUS_CLASSES[s]) for s, n in info["counts"].items()],
        "behind": dashboard.BEHIND,
        "dimensions": sorted(set(visible.values_list("indicator__dimension", flat=True))),
        "departments": sorted({d for d in visible.values_list("department__name", flat=True) if d}),
        "years": sorted(set(visible.values_list("year", flat=True))),
        "origins": Target.Origin.choices,
    }
    return render(request, "indicators/dashboard.html", context)


@login_required
def index_page(request: HttpRequest) -> HttpResponse:
    county = county_of(request.user)
    if county is None:
        raise Http404("没有可计算指数的县")
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year - 2)
    except ValueError:
        year = this_year - 2
    weighting = "entropy" if request.GET.get("weighting") == "entropy" else "equal"
    geometric = request.GET.get("aggregation") == "geometric"
    try:
        weights = [max(0.0, float(request.GET.get(f"w{k}", "1") or 1)) for k in range(5)]
    except ValueError:
        weights = [1.0] * 5
    if sum(weights) == 0:
        weights = [1.0] * 5
    data = index.township_index(county, year, weighting, geometric, weights)
    visible = {r.pk for r in scoped(Region.objects.filter(parent=county), request.user)}
    data["rows"] = [r for r in data["rows"] if r["region"].pk in visible]
    trend = index.county_trend(county, list(range(this_year - 5, this_year)))
    if request.GET.get("format") == "xlsx":
        return _index_workbook(request, county, year, data, trend)
    return render(
        request, "indicators/index.html",
        {**data, "county": county, "year": year, "trend": trend, "dimension_names": DIMENSIONS,
         "weighting": weighting, "geometric": geometric, "weights": list(zip(range(5), DIMENSIONS, weights, strict=True))},
    )  # fmt: skip


@login_required
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    """History, the target path and the forecast on one chart, and the townships side by side."""
    indicator = collection.viewable_indicators(request.user).filter(code=code).first()
    if indicator is None:
        raise Http404("没有找到，或不在您的管辖范围内")
    county = county_of(request.user)
    target = (
        Target.objects.current().filter(indicator=indicator, region=county).order_by("-year").first()
        if county
        else None
    )
    approved = Observation.objects.filter(indicator=indicator, status=Observation.Status.APPROVED, quarter=0)
    history = sorted(approved.filter(region=county).values_list("year", "value")) if county else []
    series = [chart.Series("实际", history, "#2f6f4f")]
    assessment = None
    if target is not None:
        spec = dashboard.spec_of(target)
        assessment = dashboard.assessment_of(target, dict(history))
        if target.baseline_year and target.value is not None:
            path = [(y, expected_at(spec, y)) for y in range(target.baseline_year, target.year + 1)]
            series.append(
                chart.Series("目标路径", [(y, v) for y, v in path if v is not None], "#b54708", dashed=True)
            )
        if assessment.forecast is not None and history:
            series.append(
                chart.Series("趋势预计", [history[-1], (target.year, assessment.forecast)], "#66727f", True)
            )
    townships = (
        scoped(Region.objects.filter(parent=county), request.user) if county else Region.objects.none()
    )
    latest = {}
    for region_id, year, value in (
        approved.filter(region__in=townships).order_by("year").values_list("region_id", "year", "value")
    ):
        latest[region_id] = (year, value)
    comparison = [(t, latest.get(t.pk)) for t in townships.order_by("code")]
    year_values = {}
    if comparison:
        last_year = max((v[0] for _, v in comparison if v), default=None)
        year_values = {t.pk: v[1] for t, v in comparison if v and v[0] == last_year}
    towns = [t for t, _ in comparison if t.pk in year_values]
    if len(towns) < len(comparison):  # a partial sum would look like a county figure; refuse it
        total, how = None, f"{len(comparison)} 个乡镇中只有 {len(towns)} 个有最新年度数据，不汇总"
    else:
        total, how = aggregate(
            indicator.kind, [year_values[t.pk] for t in towns], [t.population for t in towns]
        )
    if request.GET.get("format") == "xlsx":
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "历年数据"
        append_row(sheet, ["年度", f"{indicator.name}（{indicator.unit or '无单位'}）", "目标路径应达到"])
        spec = dashboard.spec_of(target) if target else None
        for year, value in history:
            append_row(sheet, [year, value, expected_at(spec, year) if spec else None])
        towns = workbook.create_sheet("乡镇对比")
        append_row(towns, ["乡镇", "年度", "数值"])
        for town, latest_value in comparison:
            append_row(towns, [town.name, *(latest_value or (None, None))])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return export_response(
            request, buffer.getvalue(), f"indicator-{indicator.code}.xlsx", f"指标 {indicator.name}"
        )
    return render(
        request, "indicators/indicator.html",
        {"indicator": indicator, "target": target, "assessment": assessment, "county": county,
         "chart": mark_safe(chart.line_chart(series, unit=indicator.unit)), "comparison": comparison, "history": history,
         "aggregate": total, "aggregate_how": how},
    )  # fmt: skip


@login_required
def dashboard_export(request: HttpRequest) -> HttpResponse:
    rows = _dashboard_rows(request)[0]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "目标进度"
    append_row(sheet, ["指标编码", "指标", "维度", "区域", "目标年", "目标", "基期年", "基期值", "最新年", "最新值", "应达到", "预计",
                  "状态", "预警", "属性", "责任部门", "说明", "来源", "目标来自", "原文"])  # fmt: skip
    for r in rows:
        t = r["target"]
        append_row(sheet, [t.indicator.code, t.indicator.name, t.indicator.dimension, t.region.name, t.year,
                      t.text or f"{format_op(t.op)} {format_number(t.value, t.indicator.unit)}", t.baseline_year, t.baseline_value, r["latest_year"],
                      r["latest"], r["expected"], r["forecast"], r["status"], "是" if r["warning"] else "",
                      t.attribute, t.department.name if t.department else "", r["explanation"], t.source_label,
                      "手工添加" if t.plan_version_id is None else t.get_origin_display(), t.quote])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return export_response(
        request, buffer.getvalue(), f"targets-{timezone.localdate():%Y%m%d}.xlsx", f"目标进度 {len(rows)} 行"
    )


class TargetForm(OptimisticLockForm):
    class Meta:
        model = Target
        fields = ["indicator", "region", "year", "op", "value", "text", "attribute", "baseline_year", "baseline_value",
                  "department"]  # fmt: skip

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = scoped(Indicator.objects.all(), user)
        self.fields["region"].queryset = scoped(Region.objects.filter(depth__lte=4), user)
        self.fields["department"].queryset = scoped(Department.objects.all(), user)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        indicator, region, year = cleaned.get("indicator"), cleaned.get("region"), cleaned.get("year")
        if self.instance.plan_version_id is None and indicator and region and year:
            # A hand target is the county's own; where a plan in force already sets this indicator and
            # year, adjust that target instead of adding a second one that would count twice.
            planned = (
                Target.objects.current()
                .filter(indicator=indicator, region=region, year=year, plan_version__isnull=False)
                .select_related("plan_version__plan")
                .first()
            )
            if planned is not None:
                self.add_error(
                    "year",
                    f"「{planned.source_label}」已为该指标设定了{year}年目标，请在看板上对该目标点“调整”。",
                )
        if cleaned.get("op") != Target.Op.TEXT and cleaned.get("value") is None:
            self.add_error("value", "请填写目标值（文字目标请选择“文字”）")
        base_year, year = cleaned.get("baseline_year"), cleaned.get("year")
        if base_year and year and base_year >= year:
            self.add_error("baseline_year", "基期年应早于目标年")
        return cleaned


@login_required
def target_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add or adjust a target by hand (audited like every change)."""
    require(request, "edit_plans")
    target = get_scoped_or_404(Target.objects.all(), request.user, pk=pk) if pk else None
    form = TargetForm(request.POST or None, instance=target, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save()
        except StaleEdit:  # another edit was saved in the meantime; the form shows why
            return render(
                request, "indicators/target_form.html", {"form": form, "target": target}, status=409
            )
        messages.success(request, f"已保存目标「{saved}」。")
        return redirect("indicators:dashboard")
    return render(request, "indicators/target_form.html", {"form": form, "target": target})


def _index_workbook(
    request: HttpRequest, county: Region, year: int, data: dict[str, Any], trend: list[dict[str, Any]]
) -> HttpResponse:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "乡镇排名"
    append_row(sheet, ["名次", "乡镇", "总指数", *DIMENSIONS, "最好名次", "最差名次"])
    for r in data["rows"]:
        append_row(
            sheet, [r["rank"], r["region"].name, r["overall"], *r["dimensions"], r["best"], r["worst"]]
        )
    history = workbook.create_sheet("全县历年")
    append_row(history, ["年度", "总指数", *DIMENSIONS])
    for t in trend:
        append_row(history, [t["year"], t["overall"], *t["dimensions"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return export_response(
        request, buffer.getvalue(), f"index-{year}.xlsx", f"{county.name}{year}年乡村振兴指数"
    )
