from __future__ import annotations

from auditlog.models import LogEntry
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from xiangcun.accounts.scopes import get_scoped_or_404, scope_of, scoped
from xiangcun.core.downloads import export_response
from xiangcun.core.forms import OptimisticLockForm, StaleEdit
from xiangcun.core.permissions import require

from . import services
from .models import Region


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    regions = scoped(Region.objects.all(), request.user)
    top = regions.order_by("depth", "path").first()
    roots = regions.filter(depth=top.depth) if top else regions.none()
    if top is not None and roots.count() == 1:
        return redirect("regions:detail", code=top.code)
    return render(request, "regions/roots.html", {"roots": _with_counts(roots)})


def _with_counts(regions):  # type: ignore[no-untyped-def]
    return regions.annotate(
        child_count=Count("children", filter=Q(children__retired_on__isnull=True), distinct=True),
        child_population=Sum("children__population"),
    ).order_by("path")


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    visible = scoped(Region.objects.all(), request.user)
    region = get_scoped_or_404(Region.objects.select_related("parent"), request.user, code=code)
    below = Region.objects.within(region).exclude(pk=region.pk)
    counts = below.filter(retired_on__isnull=True).aggregate(  # villages merged away no longer count
        townships=Count("id", filter=Q(depth=4)),
        villages=Count("id", filter=Q(level="village")),
        communities=Count("id", filter=Q(level="community")),
        natural_villages=Count("id", filter=Q(level="natural_village")),
        village_population=Sum("population", filter=Q(depth=5)),
    )
    context = {
        "region": region,
        "breadcrumb": visible.filter(code__in=region.ancestor_codes()).order_by("path"),
        "children": _with_counts(region.children.all()),
        "counts": counts,
        "history": LogEntry.objects.get_for_object(region).select_related("actor")[:50],
    }
    return render(request, "regions/detail.html", context)


class RegionForm(OptimisticLockForm):
    class Meta:
        model = Region
        fields = ["name", "population", "households"]


@login_required
def edit(request: HttpRequest, code: str) -> HttpResponse:
    region = get_scoped_or_404(Region.objects.all(), request.user, code=code)
    require(request, "edit_regions")
    form = RegionForm(request.POST or None, instance=region)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except StaleEdit:  # another edit was saved in the meantime; the form shows why
            return render(request, "regions/edit.html", {"region": region, "form": form}, status=409)
        messages.success(request, f"已保存「{region.name}」。")
        return redirect("regions:detail", code=region.code)
    return render(request, "regions/edit.html", {"region": region, "form": form})


class ImportForm(forms.Form):
    file = forms.FileField(label="区划表（.xlsx 或 .csv）")


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    require(request, "edit_regions")
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        scope = scope_of(request.user)
        scope_region = None if scope.everything else request.user.region  # type: ignore[union-attr]
        if upload.size > services.MAX_UPLOAD_BYTES:
            report = services.ImportReport()
            report.errors.append(services.domain.RowError(0, "", "文件过大，上限为 50 MB"))
        else:
            report = services.import_regions(
                upload.read(), upload.name, actor=request.user, scope=scope_region
            )
        if report.ok:
            messages.success(request, report.summary())
            return redirect("regions:tree")
    return render(request, "regions/import.html", {"form": form, "report": report})


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    regions = scoped(Region.objects.all(), request.user)
    name = f"regions-{timezone.localdate():%Y%m%d}.{fmt}"
    what = f"行政区划 {fmt}，{regions.count()} 行"
    if fmt == "csv":
        return export_response(request, services.export_csv(regions), name, what, "text/csv; charset=utf-8")
    return export_response(request, services.export_xlsx(regions), name, what)
