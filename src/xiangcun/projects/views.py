"""Project library pages: list, project with steps, import/export, fund summary, rules, plan projects."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xiangcun.accounts.scopes import county_of, get_scoped_or_404, scoped
from xiangcun.core.downloads import export_response, upload_response
from xiangcun.core.params import parse_year
from xiangcun.core.permissions import require_county
from xiangcun.domain import projects as domain
from xiangcun.domain import uploads
from xiangcun.domain.projects.funds import warning_text
from xiangcun.domain.projects.workbook import COLUMNS
from xiangcun.regions.models import Region

from . import selectors, services
from .forms import FundRuleForm, ProjectForm, StepForm, UploadForm
from .models import FundRule, Project, ProjectStatus, ProjectStep, StepAttachment
from .permissions import can_admit, can_edit, can_step, require_edit


def _county(request: HttpRequest) -> Region:
    county = county_of(request.user)
    if county is None:
        raise Http404("您的账号没有所属县")
    return county


def _projects(request: HttpRequest) -> QuerySet[Project]:
    return scoped(Project.objects.filter(county=_county(request)), request.user)


def _filtered(request: HttpRequest, projects: QuerySet[Project]) -> tuple[QuerySet[Project], dict[str, str]]:
    f = {k: request.GET.get(k, "").strip() for k in ("q", "year", "type", "status", "township")}
    if f["q"]:
        projects = projects.filter(Q(code__icontains=f["q"]) | Q(name__icontains=f["q"]))
    if f["year"].isdigit():
        projects = projects.filter(year=int(f["year"]))
    if f["type"] in domain.TYPES:
        projects = projects.filter(project_type=f["type"])
    if f["status"] in domain.STATUSES:
        projects = projects.filter(status=f["status"])
    if f["township"].isdigit():
        township = Region.objects.filter(code=f["township"], depth=4).first()
        projects = projects.filter(region__path__startswith=township.path) if township else projects.none()
    return projects, f


def _context(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {"can_edit": can_edit(user), "can_admit": can_admit(user), "can_step": can_step(user)}


@login_required
def library(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    projects, f = _filtered(request, _projects(request))
    page = Paginator(
        projects.select_related("region__parent", "department").order_by("-year", "code"), 50
    ).get_page(request.GET.get("page"))
    totals = selectors.counted(projects).aggregate(
        n=Count("id"), link=selectors.exact_sum("link_fund"), total=selectors.exact_sum("total_investment")
    )
    townships = scoped(Region.objects.within(county).filter(depth=4), request.user)
    query = "&".join(f"{k}={quote(v)}" for k, v in f.items() if v)
    return render(
        request,
        "projects/library.html",
        {
            **_context(request),
            "page": page,
            "filters": f,
            "query": query,
            "years": list(_projects(request).order_by("-year").values_list("year", flat=True).distinct()),
            "types": domain.TYPES,
            "statuses": domain.STATUSES,
            "townships": townships,
            "counts": selectors.status_counts(projects),
            "total_count": projects.count(),
            "link_total": selectors.from_units(totals["link"]),
            "investment_total": selectors.from_units(totals["total"]),
        },
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_scoped_or_404(
        Project.objects.select_related("region__parent", "department", "plan_item__version__plan"),
        request.user,
        pk=pk,
    )
    choices = [(s, domain.STATUSES[s]) for s in domain.next_statuses(project.status)]
    if not can_admit(request.user):
        choices = [c for c in choices if c[0] not in domain.COUNTY_ONLY]
    form = StepForm(initial={"expected_status": project.status}, choices=choices)
    steps = project.steps.select_related("actor").prefetch_related("attachments")
    return render(
        request,
        "projects/detail.html",
        {
            **_context(request),
            "project": project,
            "chain": _chain(project.status),
            "steps": steps,
            "form": form if choices and can_step(request.user) else None,
            "admission_waiting": project.status == ProjectStatus.RESERVE and not can_admit(request.user),
            "history": LogEntry.objects.get_for_object(project).select_related("actor")[:30],
            "labour_share": (project.labour_pay / project.central_fund) if project.central_fund else None,
        },
    )


def _chain(status: str) -> list[tuple[str, str]]:
    """The chain as (label, state) with state done / current / todo; 已终止 ends it where it stopped."""
    chain = list(domain.CHAIN)
    if status == ProjectStatus.TERMINATED:
        return [(domain.STATUSES[status], "stopped")]
    here = chain.index(status)
    return [
        (domain.STATUSES[c], "done" if i < here else "current" if i == here else "todo")
        for i, c in enumerate(chain)
    ]


@login_required
@require_POST
def step(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_scoped_or_404(Project.objects.all(), request.user, pk=pk)
    if not can_step(request.user):
        raise Http404  # nothing to do here for this role; the page offers no form either
    # Any status is accepted here; the service says why a move is not allowed.
    form = StepForm(request.POST, request.FILES, choices=list(domain.STATUSES.items()))
    if not form.is_valid():
        messages.error(request, "请选择要办理的状态")
        return redirect("projects:detail", pk=pk)
    try:
        services.change_status(
            project,
            form.cleaned_data["to_status"],
            request.user,
            remarks=form.cleaned_data["remarks"],
            expected_status=form.cleaned_data["expected_status"],
            files=request.FILES.getlist("files"),
        )
    except services.StepError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已办理为「{domain.STATUSES[form.cleaned_data['to_status']]}」")
    return redirect("projects:detail", pk=pk)


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    item = get_scoped_or_404(StepAttachment.objects.all(), request.user, pk=pk)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("附件文件不存在") from exc
    kind = uploads.KINDS.get(Path(item.filename).suffix.lower(), "")
    return upload_response(handle, item.filename, uploads.content_type(kind))


@login_required
def edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_edit(request.user)
    county = _county(request)
    project = get_scoped_or_404(Project.objects.all(), request.user, pk=pk) if pk else Project(county=county)
    form = ProjectForm(request.POST or None, instance=project, user=request.user, county=county)
    if request.method == "POST" and form.is_valid():
        created = project.pk is None
        saved = form.save()
        if created:
            ProjectStep.objects.create(project=saved, from_status="", to_status=saved.status, remarks="新建项目",
                                       actor=request.user)  # fmt: skip
        messages.success(request, "项目已保存")
        return redirect("projects:detail", pk=saved.pk)
    return render(request, "projects/edit.html", {**_context(request), "form": form, "project": project})


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    require_edit(request.user)
    county = _county(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        report = services.import_projects(f.read(), f.name, county, actor=request.user)
        if report.ok:
            messages.success(request, report.summary())
            return redirect("projects:library")
    return render(
        request,
        "projects/upload.html",
        {**_context(request), "form": form, "report": report, "columns": COLUMNS},
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    projects, f = _filtered(request, _projects(request))
    year = f["year"] or "全部年度"
    title = f"{county.name}{f['year'] + '年' if f['year'] else ''}衔接推进乡村振兴补助资金分配计划公告"
    data = services.export_projects(projects, title=title)
    what = f"项目表（{year}，{projects.count()} 个项目）"
    return export_response(request, data, quote(f"项目库-{county.name}-{year}.xlsx"), what)


@login_required
def funds(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    projects = _projects(request)
    years = list(projects.order_by("-year").values_list("year", flat=True).distinct())
    text = request.GET.get("year", "")
    year = int(text) if text.isdigit() else (years[0] if years else timezone.localdate().year)
    summary = selectors.fund_summary(projects, year, county)
    rule = services.rules_for(county, year)
    total = sum((row["link"] for row in selectors.by_township(projects, year, county)), start=0)
    return render(
        request,
        "projects/funds.html",
        {
            **_context(request),
            "year": year,
            "years": years,
            "summary": summary,
            "type_rows": [(code, label, summary["by_type"][label]) for code, label in domain.TYPES.items()],
            "warnings": [{**w, "text": warning_text(w)} for w in summary["warnings"]],
            "townships": selectors.by_township(projects, year, county),
            "township_total": total,
            "by_year": selectors.by_year(projects),
            "type_labels": list(domain.TYPES.values()),
            "rule": rule,
            "industry_percent": summary["industry_share"] * 100,
        },
    )


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    """The county's fund rules per year, each with its source; county accounts change them."""
    county = _county(request)
    existing = FundRule.objects.filter(county=county).order_by("-year")
    form = None
    if can_admit(request.user):
        year_text = request.POST.get("year") or request.GET.get("year") or str(timezone.localdate().year)
        year = parse_year(year_text) or timezone.localdate().year
        instance = FundRule.objects.filter(county=county, year=year).first() or FundRule(
            county=county, year=year
        )
        form = FundRuleForm(request.POST or None, instance=instance)
        if request.method == "POST" and form.is_valid():
            rule = form.save(commit=False)
            rule.county = county
            clash = FundRule.objects.filter(county=county, year=rule.year).exclude(pk=rule.pk).first()
            if clash is not None:
                rule.pk = clash.pk
            rule.save()
            messages.success(request, f"{rule.year} 年资金规则已保存")
            return redirect("projects:rules")
    elif request.method == "POST":
        require_county(request)
    defaults = FundRule(county=county, year=0)
    return render(
        request,
        "projects/rules.html",
        {**_context(request), "rules": existing, "form": form, "defaults": defaults},
    )


@login_required
def plan_projects(request: HttpRequest) -> HttpResponse:
    county = require_county(request)  # taking a plan's project into the library is the county's work
    items = list(services.plan_projects(request.user, county)[:500])
    taken = dict(Project.objects.filter(plan_item__in=items).values_list("plan_item_id", "id"))
    rows = [{"item": item, "data": item.effective, "project_id": taken.get(item.pk)} for item in items]
    return render(request, "projects/plan_projects.html", {**_context(request), "rows": rows})


@login_required
@require_POST
def take(request: HttpRequest, item_id: int) -> HttpResponse:
    county = require_county(request)
    item = get_scoped_or_404(services.plan_projects(request.user, county), request.user, pk=item_id)
    project = services.take_plan_item(item, county, request.user)
    messages.success(request, f"已作为储备项目入项目库：{project.code} {project.name}")
    return redirect("projects:detail", pk=project.pk)
