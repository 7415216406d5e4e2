"""Task pages: tasks by department or plan chapter, a task with its reports and evidence, the 督办 list,
the workbook import, the county's settings, and the scorecards."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from xiangcun.accounts.scopes import county_of
from xiangcun.audit.services import record_access
from xiangcun.core.downloads import upload_response
from xiangcun.core.permissions import require_county
from xiangcun.domain import scorecards as cards
from xiangcun.domain import tasks as domain
from xiangcun.regions.models import Region

from . import selectors, services
from .forms import ReportForm, ReviewForm, SettingsForm, UploadForm
from .models import ProgressReport, Task, TaskUnit

COUNTY_ONLY = "只有县级账号可以办理这项操作"


def _county(request: HttpRequest) -> Region:
    county = county_of(request.user)
    if county is None:
        raise Http404("您的账号没有所属县")
    return county


def _year(request: HttpRequest, years: list[int]) -> int:
    text = request.GET.get("year", "")
    if text.isdigit():
        return int(text)
    this_year = timezone.localdate().year
    return this_year if this_year in years or not years else max(years)


def _unit_filter(request: HttpRequest) -> dict[str, Any] | None:
    return services.inbox_filter(request.user)


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    tasks = services.visible_tasks(request.user).filter(county=county)
    years = sorted(set(tasks.values_list("year", flat=True)), reverse=True)
    year = _year(request, years)
    group = "chapter" if request.GET.get("group") == "chapter" else "department"
    today = timezone.localdate()
    groups: dict[str, list[dict[str, Any]]] = {}
    counts = dict.fromkeys(domain.STATUSES, 0)
    for task in tasks.filter(year=year).prefetch_related("units__department", "units__township"):
        units = list(task.units.all())
        leads = [u.name for u in units if u.role == TaskUnit.Role.LEAD]
        row = {"task": task, "status": task.shown_status(today), "leads": "、".join(leads),
               "cooperating": "、".join(u.name for u in units if u.role == TaskUnit.Role.COOPERATING)}  # fmt: skip
        counts[row["status"]] += 1
        keys = (
            (leads or ["（未指定牵头单位）"])
            if group == "department"
            else [task.chapter or "（未注明规划条目）"]
        )
        for key in keys:
            groups.setdefault(key, []).append(row)
    return render(
        request,
        "tasks/list.html",
        {"groups": sorted(groups.items()) if group == "department" else list(groups.items()), "group": group,
         "year": year, "years": years, "counts": counts, "is_county": services.is_county(request.user)},
    )  # fmt: skip


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(
        services.visible_tasks(request.user).select_related("county", "target__indicator"), pk=pk
    )
    units = list(task.units.select_related("department", "township"))
    reports = list(
        task.reports.select_related("unit__department", "unit__township", "reported_by", "reviewed_by")
        .prefetch_related("evidence")
        .order_by("period", "-unit__role", "id")
    )
    own = services.own_units(task, request.user)
    kind = services.settings_for(task.county).period
    today = timezone.localdate()
    periods = [p for p in domain.periods(task.year, kind) if p.start <= today]
    form = None
    if own and periods:
        form = ReportForm(
            units=[(u.pk, f"{u.name}（{u.get_role_display()}）") for u in own],
            periods=[(p.key, p.label) for p in reversed(periods)],
        )
    return render(
        request,
        "tasks/detail.html",
        {"task": task, "status": task.shown_status(today), "reports": reports, "form": form,
         "leads": "、".join(u.name for u in units if u.role == TaskUnit.Role.LEAD),
         "cooperating": "、".join(u.name for u in units if u.role == TaskUnit.Role.COOPERATING),
         "is_county": services.is_county(request.user), "review_form": ReviewForm(),
         "overdue": domain.overdue_days(task.deadline, task.status == Task.Status.DONE, today)},
    )  # fmt: skip


@login_required
@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(services.visible_tasks(request.user).select_related("county"), pk=pk)
    own = services.own_units(task, request.user)
    if not own:
        raise Http404("您不是这项任务的责任单位")
    periods = domain.periods(task.year, services.settings_for(task.county).period)
    form = ReportForm(
        request.POST,
        request.FILES,
        units=[(u.pk, u.name) for u in own],
        periods=[(p.key, p.label) for p in periods],
    )
    if not form.is_valid():
        messages.error(
            request, "报送失败：" + "；".join(e for errors in form.errors.values() for e in errors)
        )
        return redirect("tasks:detail", pk=pk)
    unit = next(u for u in own if u.pk == form.cleaned_data["unit"])
    try:
        saved = services.submit_report(
            task, unit, form.cleaned_data["period"], form.cleaned_data["status"], form.cleaned_data["text"],
            request.user, figure=form.cleaned_data["figure"], files=request.FILES.getlist("files"),
        )  # fmt: skip
    except services.TaskError as exc:
        messages.error(request, f"报送失败：{exc}（没有保存任何内容）")
    else:
        messages.success(request, f"已报送{saved.period_label}进展，等待县级审核")
    return redirect("tasks:detail", pk=pk)


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        ProgressReport.objects.filter(task__in=services.visible_tasks(request.user).values("pk")), pk=pk
    )
    require_county(request, COUNTY_ONLY)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择通过或退回")
        return redirect("tasks:detail", pk=item.task_id)
    try:
        services.review(
            item, form.cleaned_data["decision"] == "approve", request.user, form.cleaned_data["reason"]
        )
    except services.TaskError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已通过" if item.review == ProgressReport.Review.APPROVED else "已退回")
    return redirect("tasks:detail", pk=item.task_id)


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(services.visible_evidence(request.user).select_related("report__task"), pk=pk)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("佐证材料文件不存在") from exc
    record_access(
        request.user, item, "download", f"下载佐证材料「{item.filename}」（任务 {item.report.task.code}）"
    )
    return upload_response(
        handle, item.filename, domain.EVIDENCE_TYPES.get(item.kind, "application/octet-stream")
    )


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    tasks = services.visible_tasks(request.user).filter(county=county)
    years = sorted(set(tasks.values_list("year", flat=True)), reverse=True)
    year = _year(request, years)
    unit_filter = _unit_filter(request)
    rows = selectors.supervision(tasks.filter(year=year), unit_filter=unit_filter)
    # a county of hundreds of townships owes thousands of reports: one page at a time, most overdue first
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "tasks/supervision.html",
        {"rows": page.object_list, "page": page, "total": len(rows), "year": year, "years": years,
         "own": unit_filter is not None, "is_county": services.is_county(request.user)},
    )  # fmt: skip


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    county = require_county(request, COUNTY_ONLY)
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        result = services.import_tasks(f.read(), f.name, county, actor=request.user)
        if result.ok:
            messages.success(request, result.summary())
            return redirect("tasks:list")
    return render(
        request,
        "tasks/upload.html",
        {"form": form, "report": result, "columns": domain.COLUMNS, "is_county": True,
         "plan_tasks": services.plan_tasks(county).count(), "this_year": timezone.localdate().year},
    )  # fmt: skip


@login_required
@require_POST
def from_plan(request: HttpRequest) -> HttpResponse:
    county = require_county(request, COUNTY_ONLY)
    text = request.POST.get("year", "")
    if not text.isdigit() or not 2000 <= int(text) <= timezone.localdate().year + 5:
        messages.error(request, "请填写有效年度")
        return redirect("tasks:upload")
    created = services.tasks_from_plan(county, int(text))
    messages.success(request, f"已从规划的任务分工生成 {created} 项 {text} 年任务")
    return redirect(f"{reverse('tasks:list')}?year={text}")


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    county = require_county(request, COUNTY_ONLY)
    item = services.settings_for(county)
    form = SettingsForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "设置已保存")
        return redirect("tasks:settings")
    return render(request, "tasks/settings.html", {"form": form, "is_county": True, "items": cards.ITEMS})


def _visible_units(request: HttpRequest, kind: str) -> set[int] | None:
    return services.scorecard_units(request.user, kind)


def _kind(request: HttpRequest, value: str | None = None) -> str:
    kind = value or request.GET.get("kind") or ""
    if kind in cards.KINDS:
        return kind
    if value is not None:
        raise Http404("没有这类考核")
    return "township" if services.township_of(request.user) is not None else "department"


SCORECARDS_PER_PAGE = 100


@login_required
def scorecard_list(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    kind = _kind(request)
    year = _year(request, [])
    visible = _visible_units(request, kind)
    stored = services.settings_for(county).weights(kind)
    what_if: dict[str, float] = {}
    for code in stored:
        text = request.GET.get(f"w_{code}", "").strip()
        try:
            what_if[code] = max(0.0, float(text)) if text else stored[code]
        except ValueError:
            what_if[code] = stored[code]
    facts = selectors.unit_facts(selectors.county_of_region(county), year, kind)
    rows = selectors.scorecards(county, year, kind, facts=facts)
    changed = what_if != stored
    if changed and visible is None:
        try:  # the same facts under the other weights: gathering them is most of the page's time
            other = {
                r["key"]: r for r in selectors.scorecards(county, year, kind, weights=what_if, facts=facts)
            }
        except ValueError as exc:
            messages.error(request, str(exc))
            other = {}
        for r in rows:
            o = other.get(r["key"])
            r["what_if_score"], r["what_if_rank"] = (o["score"], o["rank"]) if o else (None, None)
            move = (r["rank"] - o["rank"]) if o and r["rank"] and o["rank"] else 0
            r["move_text"] = f" ↑{move}" if move > 0 else (f" ↓{-move}" if move < 0 else "")
    if visible is not None:
        rows = [r for r in rows if r["key"] in visible]
    # ranked over all units, shown a page at a time: 400 townships made a 420 KB table
    page = Paginator(rows, SCORECARDS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tasks/scorecards.html",
        {"rows": page.object_list, "page": page, "query": query.urlencode(), "kind": kind, "kinds": cards.KINDS, "kind_label": cards.KINDS[kind], "year": year, "weights": stored,
         "what_if": [(code, cards.ITEMS[code], what_if[code], stored[code]) for code in stored],
         "changed": changed and visible is None, "all": visible is None, "items": cards.ITEMS,
         "is_county": services.is_county(request.user)},
    )  # fmt: skip


@login_required
def scorecard_detail(request: HttpRequest, kind: str, key: int) -> HttpResponse:
    county = _county(request)
    kind = _kind(request, kind)
    visible = _visible_units(request, kind)
    if visible is not None and key not in visible:
        raise Http404("没有找到，或不在您的管辖范围内")
    year = _year(request, [])
    row = next((r for r in selectors.scorecards(county, year, kind) if r["key"] == key), None)
    if row is None:
        raise Http404("没有找到，或不在您的管辖范围内")
    return render(
        request,
        "tasks/scorecard.html",
        {
            "row": row,
            "kind": kind,
            "kinds": cards.KINDS,
            "year": year,
            "is_county": services.is_county(request.user),
        },
    )
