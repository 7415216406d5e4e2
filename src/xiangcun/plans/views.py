from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiangcun.accounts.scopes import get_scoped_or_404, scoped
from xiangcun.core.permissions import require
from xiangcun.departments.models import Department
from xiangcun.indicators.models import Indicator
from xiangcun.regions.models import Region

from . import services
from .models import Plan, PlanItem, PlanVersion

# Which fields of each kind of item a reviewer sees and may correct, in order.
FIELDS: dict[str, list[tuple[str, str]]] = {
    PlanItem.Kind.INDICATOR: [("category", "维度"), ("seq", "序号"), ("name", "指标"), ("unit", "单位"),
                              ("attribute", "属性"), ("national", "国家指标")],
    PlanItem.Kind.TARGET: [("subject", "内容"), ("value", "目标值"), ("unit", "单位"), ("op", "关系"),
                           ("year", "年份"), ("scope", "范围")],
    PlanItem.Kind.PROJECT: [("box", "专栏"), ("name", "项目"), ("length_km", "长度（公里）"),
                            ("investment_wan_yuan", "投资（万元）")],
    PlanItem.Kind.TASK: [("number", "编号"), ("title", "任务"), ("lead", "牵头部门"), ("cooperating", "配合部门")],
    PlanItem.Kind.PLACE: [("township", "乡镇"), ("village", "村（社区）"), ("kind", "类别"),
                          ("population", "人口"), ("natural_villages", "自然村")],
    PlanItem.Kind.PLACE_LIST: [("list", "名单"), ("township", "乡镇"), ("villages", "村")],
}  # fmt: skip


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = scoped(Plan.objects.select_related("region"), request.user).annotate(
        version_count=Count("versions", distinct=True)
    )
    return render(request, "plans/list.html", {"plans": plans})


class UploadForm(forms.Form):
    file = forms.FileField(label="规划文件（.docx、.pdf 或 .txt）")
    region = forms.ModelChoiceField(queryset=Region.objects.none(), label="所属县")

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        if regions.count() == 1:
            self.fields["region"].initial = regions.first()


def _counties(request: HttpRequest) -> Any:
    return scoped(Region.objects.filter(depth__lte=3), request.user).order_by("path")


@login_required
def upload(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request, "edit_plans")
    plan = get_scoped_or_404(Plan.objects.all(), request.user, pk=pk) if pk else None
    regions = Region.objects.filter(pk=plan.region_id) if plan else _counties(request)
    form = UploadForm(request.POST or None, request.FILES or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            if upload_file.size > services.MAX_PLAN_BYTES:
                raise services.PlanImportError("文件过大，上限为 50 MB")
            version = services.import_plan(
                upload_file.read(), upload_file.name, request.user, form.cleaned_data["region"], plan=plan
            )
        except services.PlanImportError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, f"已读取「{version.filename}」，请逐条核对抽取结果。")
            return redirect("plans:version", pk=version.plan_id, number=version.number)
    return render(request, "plans/upload.html", {"form": form, "plan": plan})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_or_404(Plan.objects.all(), request.user, pk=pk)
    version = plan.latest_version()
    if version is None:
        return redirect("plans:upload_version", pk=plan.pk)
    return redirect("plans:version", pk=plan.pk, number=version.number)


@login_required
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = get_scoped_or_404(
        PlanVersion.objects.select_related("plan"), request.user, plan_id=pk, number=number
    )
    kind = request.GET.get("kind") or PlanItem.Kind.INDICATOR
    if kind not in FIELDS:
        kind = PlanItem.Kind.INDICATOR
    status = request.GET.get("status", "")
    items = version.items.filter(kind=kind).select_related("indicator", "region")
    if status:
        items = items.filter(status=status)
    counts = {
        row["kind"]: row
        for row in version.items.values("kind").annotate(
            total=Count("id"), pending=Count("id", filter=Q(status=PlanItem.Status.PENDING))
        )
    }
    tabs = [(k, label, counts.get(k, {}).get("total", 0), counts.get(k, {}).get("pending", 0))
            for k, label in PlanItem.Kind.choices]  # fmt: skip
    departments = {d.pk: d.name for d in Department.objects.filter(region=version.plan.region)}
    rows = [_row(item, kind, departments) for item in items]
    _locate(rows, version.source_lines)
    context = {
        "plan": version.plan,
        "version": version,
        "versions": version.plan.versions.order_by("-number"),
        "kind": kind,
        "kind_label": PlanItem.Kind(kind).label,
        "status": status,
        "tabs": tabs,
        "columns": [label for _, label in FIELDS[kind]],
        "rows": rows,
        "warnings": version.extraction.get("warnings", []),
        "outline": version.extraction.get("outline", [])[:400],
        "lines": list(enumerate(version.source_lines, start=1)),
        "can_edit": request.user.can("edit_plans") and version.status == PlanVersion.Status.REVIEW,  # type: ignore[union-attr]
        "pending_total": sum(t[3] for t in tabs),
        "status_choices": [("", "全部"), *PlanItem.Status.choices],
    }
    return render(request, "plans/version.html", context)


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_display(v) for v in value) if value else "—"
    return str(value)


def _row(item: PlanItem, kind: str, departments: dict[int, str]) -> dict[str, Any]:
    data = item.effective
    cells = [(_display(data.get(field)), field in item.corrections) for field, _ in FIELDS[kind]]
    extra = ""
    if kind == PlanItem.Kind.INDICATOR:
        extra = "；".join(
            f"{v.get('year') or ''}{ {'baseline': '基期', 'target': '目标', 'increase': '增量'}.get(v.get('kind'), '') }"
            f" {v.get('raw')}"
            for v in data.get("values") or []
        )
    elif kind == PlanItem.Kind.TASK and item.departments:
        lead = [departments.get(i, "?") for i in item.departments.get("lead", [])]
        coop = [departments.get(i, "?") for i in item.departments.get("cooperating", [])]
        extra = f"识别为：牵头 {_display(lead)}；配合 {_display(coop)}"
    elif kind in (PlanItem.Kind.TARGET, PlanItem.Kind.PROJECT):
        extra = str(data.get("quote") or "")
    anchor = str(data.get("quote") or data.get("name") or data.get("title") or data.get("village") or "")
    return {"item": item, "cells": cells, "extra": extra, "anchor": anchor, "line": None}


def _locate(rows: list[dict[str, Any]], lines: list[str]) -> None:
    """Point each row at the first source line containing its quote or name, so a reviewer can jump to it."""
    compact = [line.replace(" ", "") for line in lines]
    for row in rows:
        needle = row["anchor"].replace(" ", "")[:20]
        if len(needle) >= 2:
            row["line"] = next((n for n, text in enumerate(compact, start=1) if needle in text), None)


class CorrectionForm(forms.Form):
    """One text field per correctable value; lists are written with 、 between names."""

    def __init__(self, *args: Any, item: PlanItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        data = item.effective
        for field, label in FIELDS[item.kind]:
            value = data.get(field)
            initial = (
                "、".join(map(str, value))
                if isinstance(value, list)
                else ("" if value is None else str(value))
            )
            self.fields[field] = forms.CharField(label=label, required=False, initial=initial)

    def changes(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for field, _ in FIELDS[self.item.kind]:
            original = self.item.data.get(field)
            text = self.cleaned_data[field].strip()
            result[field] = _parse_like(text, original)
        return result


def _parse_like(text: str, original: Any) -> Any:
    """Read the reviewer's text back into the type the extractor used for this field."""
    if isinstance(original, list):
        return [
            part.strip() for part in text.replace("，", "、").replace(",", "、").split("、") if part.strip()
        ]
    if isinstance(original, bool):
        return text in ("是", "true", "True", "1")
    if isinstance(original, int | float) or (original is None and text.replace(".", "", 1).isdigit()):
        try:
            number = float(text)
        except ValueError:
            return text or None
        return int(number) if number.is_integer() and isinstance(original, int) else number
    return text or None


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_scoped_or_404(PlanItem.objects.select_related("version__plan"), request.user, pk=pk)
    require(request, "edit_plans")
    indicators = scoped(Indicator.objects.all(), request.user)
    form = CorrectionForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        if item.version.status != PlanVersion.Status.REVIEW:
            messages.error(request, "该版本已确认，不能再修改。")
        else:
            services.correct(item, form.changes())
            code = request.POST.get("indicator", "")
            item.indicator = indicators.filter(code=code).first() if code else None
            item.status = request.POST.get("status") or item.status
            item.save()
            messages.success(request, f"已保存「{item.label}」。")
        return redirect(_back(item))
    return render(
        request,
        "plans/item.html",
        {
            "item": item,
            "form": form,
            "indicators": indicators,
            "data": json.dumps(item.data, ensure_ascii=False, indent=1),
        },
    )


def _back(item: PlanItem) -> str:
    from django.urls import reverse

    url = reverse("plans:version", kwargs={"pk": item.version.plan_id, "number": item.version.number})
    return f"{url}?kind={item.kind}#item-{item.pk}"


@require_POST
@login_required
def item_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_scoped_or_404(PlanItem.objects.select_related("version"), request.user, pk=pk)
    require(request, "edit_plans")
    status = request.POST.get("status")
    if status in PlanItem.Status.values and item.version.status == PlanVersion.Status.REVIEW:
        item.status = status
        item.save()
    return redirect(_back(item))


@require_POST
@login_required
def confirm_pending(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Confirm every pending item of one kind at once (after the reviewer has read the list)."""
    version = get_scoped_or_404(PlanVersion.objects.all(), request.user, plan_id=pk, number=number)
    require(request, "edit_plans")
    kind = request.POST.get("kind", "")
    if version.status == PlanVersion.Status.REVIEW and kind in FIELDS:
        for item in version.items.filter(kind=kind, status=PlanItem.Status.PENDING):
            item.status = PlanItem.Status.CONFIRMED
            item.save()
    return redirect(f"{request.path.rsplit('/confirm-pending/', 1)[0]}/?kind={kind}")


@require_POST
@login_required
def confirm_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = get_scoped_or_404(PlanVersion.objects.all(), request.user, plan_id=pk, number=number)
    require(request, "edit_plans")
    try:
        targets = services.confirm_version(version, request.user)
    except services.PlanImportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"第{version.number}版已确认，生成或更新了 {targets} 个年度目标。")
    return redirect("plans:version", pk=pk, number=number)
