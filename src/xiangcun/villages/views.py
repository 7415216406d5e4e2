"""Village pages: list with classes and filters, profile (一村一档), merges under review, layout checks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import quote

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xiangcun.accounts.scopes import county_of, get_scoped_or_404, scoped
from xiangcun.assets.models import Asset
from xiangcun.core.downloads import export_response
from xiangcun.core.forms import StaleEdit
from xiangcun.core.permissions import require
from xiangcun.domain.ledgers.toilets import COUNTED_USE
from xiangcun.households.models import Case, Household
from xiangcun.indicators.models import Observation, Target
from xiangcun.ledgers.models import ToiletRecord
from xiangcun.plans.models import PlanVersion
from xiangcun.projects.models import Project, ProjectStatus
from xiangcun.regions.models import Region
from xiangcun.tasks.models import Task

from . import services
from .forms import LayoutRuleForm, MergeForm, RejectForm
from .models import HEAVY_VERSION_FIELDS, ClassMembership, ClassSync, LayoutRule, VillageMerge
from .profile import ledger_sections

NO_CLASS = "（不在任何名单）"
MONITORED_PHASES = ("帮扶", "消除")
SHOWN_FINDINGS = 300  # per rule on the layout page; a prefecture-sized tree would render thousands of rows


def _county(request: HttpRequest) -> Region:
    county = county_of(request.user)
    if county is None:
        raise Http404("您的账号没有所属县")
    return county


def _villages(request: HttpRequest, county: Region) -> QuerySet[Region]:
    return scoped(Region.objects.within(county).filter(depth=5), request.user)


def _counts(villages: QuerySet[Region]) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """Natural villages, registered households and monitored households per village (three grouped queries)."""
    natural = dict(
        Region.objects.filter(parent__in=villages, level="natural_village")
        .values_list("parent_id")
        .annotate(n=Count("id"))
        .values_list("parent_id", "n")
    )
    households = dict(
        Household.objects.filter(village__in=villages)
        .values_list("village_id")
        .annotate(n=Count("id"))
        .values_list("village_id", "n")
    )
    monitored = dict(
        Case.objects.filter(household__village__in=villages, phase__in=MONITORED_PHASES)
        .values_list("household__village_id")
        .annotate(n=Count("household_id", distinct=True))
        .values_list("household__village_id", "n")
    )
    return natural, households, monitored


def _village_figures(villages: QuerySet[Region]) -> tuple[dict[int, int], dict[int, Decimal]]:
    """Per village, two grouped queries: conversions in the toilet ledger that the county accepted and that are
    in normal use, and the total investment of its projects in the library (储备 and 已终止 left out)."""
    toilets = dict(
        ToiletRecord.objects.filter(village__in=villages, county_date__isnull=False, use_status=COUNTED_USE)
        .values_list("village_id")
        .annotate(n=Count("id"))
        .values_list("village_id", "n")
    )
    money = dict(
        Project.objects.filter(region__in=villages)
        .exclude(status__in=(ProjectStatus.RESERVE, ProjectStatus.TERMINATED))
        .values_list("region_id")
        .annotate(s=Sum("total_investment"))
        .values_list("region_id", "s")
    )
    return toilets, money


def _rows(request: HttpRequest, county: Region) -> tuple[list[dict[str, Any]], dict[str, str], list[str]]:
    """Every village row the filters keep, with classes, counts and status (merged or not)."""
    villages = _villages(request, county)
    f = {k: request.GET.get(k, "").strip() for k in ("q", "township", "klass", "merged")}
    memberships: dict[int, list[ClassMembership]] = {}
    # by village id, not the model's ordering (a join on regions and a sort of every membership)
    listed = (
        ClassMembership.objects.filter(village__in=villages).with_sources().order_by("village_id", "name")
    )
    for m in listed:
        memberships.setdefault(m.village_id, []).append(m)
    class_names = sorted({m.name for ms in memberships.values() for m in ms})
    away = services.merged_away(county)
    natural, households, monitored = _counts(villages)
    toilets, money = _village_figures(villages)
    if f["q"]:
        villages = villages.filter(Q(name__icontains=f["q"]) | Q(code__startswith=f["q"]))
    if f["township"].isdigit():
        township = Region.objects.filter(code=f["township"], depth=4).first()
        villages = villages.filter(parent=township) if township else villages.none()
    rows = []
    shown = ("code", "name", "path", "population", "households", "retired_on", "parent__name")
    for v in villages.select_related("parent").only(*shown).order_by("path"):
        ms = memberships.get(v.pk, [])
        classes = sorted({m.name for m in ms})
        if (
            f["klass"] == NO_CLASS
            and classes
            or f["klass"] not in ("", NO_CLASS)
            and f["klass"] not in classes
        ):
            continue
        if v.retired_on is not None and f["merged"] != "1":
            continue
        status = "现行"
        if v.retired_on is not None:
            merge = away.get(v.pk)  # the merge's details, when it was one of ours
            status = f"已于 {v.retired_on} 并入" + (merge.target.name if merge and merge.target else "其他村")
        rows.append(
            {"village": v, "memberships": ms, "classes": classes, "natural": natural.get(v.pk, 0),
             "households_registered": households.get(v.pk, 0), "monitored": monitored.get(v.pk, 0),
             "toilets": toilets.get(v.pk, 0), "investment": money.get(v.pk) or Decimal(0),
             "status": status, "merged": v.retired_on is not None}
        )  # fmt: skip
    return rows, f, class_names


def _by_class(rows: list[dict[str, Any]], class_names: list[str]) -> list[dict[str, Any]]:
    """The disaggregation the plan's classes call for: each class against the villages in no list.
    Villages merged away are listed (with ?merged=1) but counted in no group."""
    rows = [r for r in rows if not r["merged"]]
    groups = [(name, [r for r in rows if name in r["classes"]]) for name in class_names]
    groups.append((NO_CLASS, [r for r in rows if not r["classes"]]))
    summary = []
    for name, members in groups:
        population = sum(r["village"].population or 0 for r in members)
        households = sum(r["village"].households or 0 for r in members)
        monitored = sum(r["monitored"] for r in members)
        toilets = sum(r["toilets"] for r in members)
        investment = sum((r["investment"] for r in members), Decimal(0))
        summary.append(
            {"name": name, "villages": len(members), "population": population, "households": households,
             "registered": sum(r["households_registered"] for r in members), "monitored": monitored,
             # rates, so that a class of 8 villages compares with 90 others (None when the base is missing)
             "monitored_per_1000": round(1000 * monitored / population, 2) if population else None,
             "toilet_share": round(100 * toilets / households, 1) if households else None,
             "investment_per_village": (investment / len(members)).quantize(Decimal("0.01")) if members else None}
        )  # fmt: skip
    return summary


@login_required
def village_list(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    rows, f, class_names = _rows(request, county)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={quote(v)}" for k, v in f.items() if v)
    sync = scoped(ClassSync.objects.filter(county=county), request.user).first()
    return render(
        request,
        "villages/list.html",
        {
            "page": page,
            "filters": f,
            "query": query,
            "class_names": class_names,
            "no_class": NO_CLASS,
            "townships": scoped(Region.objects.within(county).filter(depth=4), request.user),
            "summary": _by_class(rows, class_names),
            "total": len(rows),
            "sync": sync,
            "can_edit": request.user.can("edit_regions"),  # type: ignore[union-attr]
            "pending_merges": scoped(
                VillageMerge.objects.filter(county=county, status=VillageMerge.Status.PROPOSED), request.user
            ).count(),
        },
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    rows, _, _ = _rows(request, county)
    name = f"villages-{timezone.localdate():%Y%m%d}.xlsx"
    return export_response(request, services.villages_xlsx(rows), name, f"村庄名单 xlsx，{len(rows)} 行")


@login_required
@require_POST
def sync(request: HttpRequest) -> HttpResponse:
    require(request, "edit_regions")
    county = _county(request)
    added, removed, unmatched = services.sync_classes(county, actor=request.user)
    messages.success(
        request,
        f"已按现行规划更新村庄类别：新增 {added} 条，移除 {removed} 条；名单中 {len(unmatched)} 个村在区划中没有找到。",
    )
    return redirect("villages:list")


@login_required
def profile(request: HttpRequest, code: str) -> HttpResponse:
    village = get_scoped_or_404(Region.objects.select_related("parent"), request.user, code=code, depth=5)
    county = _county(request)
    user = request.user
    visible_versions = set(scoped(PlanVersion.objects.all(), user).values_list("pk", flat=True))
    memberships = list(ClassMembership.objects.filter(village=village).with_sources().order_by("name"))
    merges = (
        VillageMerge.objects.filter(Q(sources=village) | Q(target=village))
        .exclude(status=VillageMerge.Status.REJECTED)
        .select_related("target", "plan_version__plan")
        .defer(*HEAVY_VERSION_FIELDS)
        .prefetch_related("sources")
        .distinct()
    )
    merged_into = services.merged_away(county).get(village.pk) if village.retired_on else None
    cases = Case.objects.filter(household__village=village, phase__in=MONITORED_PHASES)
    by_category = dict(
        cases.values_list("category")
        .annotate(n=Count("household_id", distinct=True))
        .values_list("category", "n")
    )
    projects = scoped(Project.objects.filter(region__path__startswith=village.path), user)
    assets = scoped(Asset.objects.filter(region__path__startswith=village.path, draft=False), user)
    tasks = scoped(Task.objects.filter(units__township=village.parent_id), user).distinct()
    context = {
        "village": village,
        "natural_villages": village.children.order_by("path"),
        "memberships": memberships,
        "visible_versions": visible_versions,
        "merges": merges,
        "merged_into": merged_into,
        "targets": scoped(Target.objects.current().filter(region=village), user)
        .select_related("indicator")
        .order_by("indicator__code", "year")[:50],
        "observations": scoped(Observation.objects.filter(region=village), user)
        .select_related("indicator")
        .order_by("-year", "indicator__code")[:50],
        "households": Household.objects.filter(village=village).count(),
        "monitored": cases.values("household_id").distinct().count(),
        "by_category": sorted(by_category.items()),
        "can_see_households": user.can("view_personal") or user.can("edit_households"),  # type: ignore[union-attr]
        "projects": projects.order_by("-year", "code")[:10],
        "project_count": projects.count(),
        "assets": assets.order_by("code")[:10],
        "asset_count": assets.count(),
        "tasks": tasks.order_by("-year", "code")[:10],
        "task_count": tasks.count(),
        "ledger_sections": ledger_sections(request, village),
        "history": LogEntry.objects.get_for_object(village).select_related("actor")[:20],
    }
    return render(request, "villages/profile.html", context)


# -- merges ------------------------------------------------------------------------------------------------


@login_required
def merge_list(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    merges = scoped(VillageMerge.objects.filter(county=county), request.user)
    return render(
        request,
        "villages/merges.html",
        {
            "merges": merges.select_related("region", "target", "plan_version__plan")
            .defer(*HEAVY_VERSION_FIELDS)
            .prefetch_related("sources"),
            "can_edit": request.user.can("edit_regions"),  # type: ignore[union-attr]
        },
    )


def _source_context(merge: VillageMerge) -> list[tuple[int, str]]:
    if merge.plan_version is None or not merge.line:
        return []
    lines = merge.plan_version.source_lines
    start = max(1, merge.line - 2)
    return [(n, lines[n - 1]) for n in range(start, min(len(lines), merge.line + 4) + 1)]


@login_required
def merge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    merge = get_scoped_or_404(
        VillageMerge.objects.select_related("region", "county", "target", "plan_version__plan"),
        request.user,
        pk=pk,
    )
    can_edit = request.user.can("edit_regions")  # type: ignore[union-attr]
    township = merge.region if merge.region.depth == 4 else None
    choices = Region.objects.within(township or merge.county).filter(depth=5).select_related("parent")
    choices = choices.filter(Q(retired_on__isnull=True) | Q(pk=merge.target_id))
    initial = {
        "target": merge.target_id,
        "sources": [s.pk for s in merge.sources.all()],
        "effective_on": timezone.localdate(),
    }
    form = MergeForm(request.POST or None, villages=choices, initial=initial)
    status = 200
    if request.method == "POST":
        require(request, "edit_regions")
        if merge.status != VillageMerge.Status.PROPOSED:  # a second click, or another reviewer was first
            messages.error(request, f"这条合并的状态已是「{merge.get_status_display()}」，没有再次应用。")
            return redirect("villages:merge", pk=merge.pk)
        if form.is_valid():
            d = form.cleaned_data
            try:
                moved = services.apply_merge(
                    merge, request.user, d["target"], d["sources"], d["effective_on"],
                    d["population"], d["households"], d["note"],
                )  # fmt: skip
            except services.MergeError as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                summary = "，".join(f"{k} {v} 条" for k, v in moved.items()) or "没有需要随之变更的记录"
                messages.success(request, f"已应用合并：{summary}。")
                return redirect("villages:merge", pk=merge.pk)
        else:
            status = 400
    return render(
        request,
        "villages/merge.html",
        {
            "merge": merge,
            "form": form if can_edit and merge.status == VillageMerge.Status.PROPOSED else None,
            "reject_form": RejectForm()
            if can_edit and merge.status == VillageMerge.Status.PROPOSED
            else None,
            "source_lines": _source_context(merge),
            "plan_visible": merge.plan_version_id is not None
            and scoped(PlanVersion.objects.filter(pk=merge.plan_version_id), request.user).exists(),
            "sources": merge.sources.select_related("parent").order_by("path"),
            "history": LogEntry.objects.get_for_object(merge).select_related("actor")[:20],
        },
        status=status,
    )


@login_required
@require_POST
def merge_reject(request: HttpRequest, pk: int) -> HttpResponse:
    merge = get_scoped_or_404(VillageMerge.objects.all(), request.user, pk=pk)
    require(request, "edit_regions")
    form = RejectForm(request.POST)
    try:
        services.reject_merge(merge, request.user, form.data.get("note", ""))
    except services.MergeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已记录：不采用这条合并。")
    return redirect("villages:merge", pk=merge.pk)


# -- layout rules ------------------------------------------------------------------------------------------


def _layout_results(request: HttpRequest, county: Region) -> tuple[list[Any], str]:
    services.ensure_rules(county)
    rules = scoped(LayoutRule.objects.filter(county=county), request.user)
    only = request.GET.get("rule", "")
    selected = [r for r in rules if r.enabled and (not only or str(r.pk) == only)]
    villages = services.layout_villages(county, _villages(request, county))
    return services.run_rules(selected, villages), only


@login_required
def layout_page(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    results, only = _layout_results(request, county)
    problems_only = request.GET.get("problems") == "1"
    shown = []
    for rule, findings, problems in results:
        kept = [f for f in findings if not problems_only or f.ok is not True]
        shown.append((rule, kept[:SHOWN_FINDINGS], problems, len(kept)))  # the export has every row
    return render(
        request,
        "villages/layout.html",
        {
            "results": shown,
            "rules": scoped(LayoutRule.objects.filter(county=county), request.user),
            "only": only,
            "problems_only": problems_only,
            "shown_limit": SHOWN_FINDINGS,
            "can_edit": request.user.can("edit_regions"),  # type: ignore[union-attr]
        },
    )


@login_required
def layout_export(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    results, _ = _layout_results(request, county)
    count = sum(len(f) for _, f, _ in results)
    name = f"village-layout-{timezone.localdate():%Y%m%d}.xlsx"
    return export_response(request, services.layout_xlsx(results), name, f"村庄布局检查 xlsx，{count} 行")


@login_required
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request, "edit_regions")
    county = _county(request)
    rule = (
        get_scoped_or_404(LayoutRule.objects.filter(county=county), request.user, pk=pk)
        if pk is not None
        else LayoutRule(county=county)
    )
    form = LayoutRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except StaleEdit:
            return render(request, "villages/rule.html", {"form": form, "rule": rule}, status=409)
        messages.success(request, f"已保存规则「{form.instance.name}」。")
        return redirect("villages:layout")
    return render(request, "villages/rule.html", {"form": form, "rule": rule})
